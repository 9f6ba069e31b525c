using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Provider credentials never reach a log line (any level, exception text and scopes included) nor a client response,
/// whatever happens to the request: success, upstream failures, a routing error, a cut stream, a bug, config reloads.
/// </summary>
public sealed class SecretsTests
{
    private const string OpenAIKey = "sk-func-openai-6f1d2c9e";
    private const string HeaderKey = "hdr-func-apikey-8a7b6c5d";
    private const string HeaderBearer = "hdr-func-bearer-1e2f3a4b";
    private const string RefusedKey = "sk-func-refused-0c9d8e7f";
    private const string AnthropicKey = "sk-ant-func-5b4a3928";
    private const string AwsKeyId = "AKIAFUNCSECRET7777";
    private const string AwsSecret = "aws-func-secret-3c2b1a09";
    private const string AwsSession = "aws-func-session-4d5e6f70";
    private const string UrlPassword = "url-func-pass-a1b2c3d4";
    private const string TypoKey = "sk-func-typo-e5f6a7b8";
    private const string MetricsToken = "prom-func-token-9a8b7c6d";
    private const string PoolKeyA = "sk-func-pool-a-2f3e4d5c";
    private const string PoolKeyB = "sk-func-pool-b-6b7a8988";

    private static readonly string[] Keys = [OpenAIKey, HeaderKey, HeaderBearer, RefusedKey, AnthropicKey, AwsKeyId, AwsSecret, AwsSession, UrlPassword, TypoKey, MetricsToken, PoolKeyA, PoolKeyB];

    private static string Config(FakeUpstream up, string refused, string extra = "", string extraProvider = "") => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: {OpenAIKey}
            base_url: {up.BaseUrl}
          - name: hdr
            model: openai/gpt-4o
            access_key: {OpenAIKey}
            base_url: {up.BaseUrl}
            headers:
              x-api-key: {HeaderKey}
              authorization: Bearer {HeaderBearer}
          - name: refused
            model: openai/gpt-4.1
            access_key: {RefusedKey}
            base_url: {refused}
          - model: anthropic/claude-sonnet-4-5
            access_key: {AnthropicKey}
            base_url: {up.BaseUrl}
          - model: amazon_bedrock/us.amazon.nova-micro-v1:0
            base_url: {up.BaseUrl}
            region: us-east-1
            aws_access_key_id: {AwsKeyId}
            aws_secret_access_key: {AwsSecret}
            aws_session_token: {AwsSession}
          - model: mock/echo
          - name: pool
            model: openai/o3
            access_keys: [{PoolKeyA}, {PoolKeyB}]
            base_url: {up.BaseUrl}
        {extraProvider}
        model_metrics_sources:
          - type: latency
            provider: prometheus
            url: {refused}/?token={MetricsToken}
            query: ttft_p50
        {extra}
        """;

    private const string OpenAI401 = """{"error":{"message":"Invalid authentication","type":"invalid_request_error","code":"invalid_api_key"}}""";

    [Fact]
    public async Task Gateway_KeysThroughEveryOutcome_NoKeyInAnyLogLineOrResponse()
    {
        var logs = new CapturedLogs();
        await using var up = await FakeUpstream.StartAsync();
        var refused = Ports.RefusingBaseUrl();
        await using var gw = await TestGateway.StartAsync(Config(up, refused), logs, traceEverything: true);
        var seen = new StringBuilder();

        async Task Send(string path, string body, params (string Name, string Value)[] headers)
        {
            using var response = await gw.PostAsync(path, Encoding.UTF8.GetBytes(body), headers);
            seen.Append(path).Append(' ').Append((int)response.StatusCode).AppendLine();
            seen.AppendLine(response.Headers.ToString()).AppendLine(response.Content.Headers.ToString());
            try
            {
                seen.AppendLine(await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException ex)
            {
                seen.AppendLine(ex.ToString()); // a cut stream: what the client's stack saw
            }
        }

        const string Messages = """{"model":"anthropic/claude-sonnet-4-5","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";

        // Success, with a key and with header credentials; streamed and not.
        await Send("/v1/chat/completions", Yaml.Chat("openai/gpt-4o-mini"));
        await Send("/v1/chat/completions", Yaml.Chat("hdr"));
        up.Enqueue(Reply.Sse().Chunk("one").Chunk("two").Done());
        await Send("/v1/chat/completions", Yaml.Chat("openai/gpt-4o-mini", stream: true));
        await Send("/v1/messages", Messages, ("anthropic-version", "2023-06-01"));
        await Send("/v1/messages/count_tokens", Messages, ("anthropic-version", "2023-06-01"));

        // Upstream failures: rejected key, server error, nothing listening, an answer in the wrong protocol (SigV4 path).
        up.Enqueue(Reply.Json(401, OpenAI401));
        await Send("/v1/chat/completions", Yaml.Chat("openai/gpt-4o-mini"));
        up.Enqueue(Reply.Json(401, OpenAI401), Reply.Json(401, OpenAI401)); // every key of a pool refused
        await Send("/v1/chat/completions", Yaml.Chat("pool"));
        up.Enqueue(Reply.Text(500, "internal failure"));
        await Send("/v1/chat/completions", Yaml.Chat("hdr"));
        await Send("/v1/chat/completions", Yaml.Chat("refused"));
        await Send("/v1/chat/completions", Yaml.Chat("amazon_bedrock/us.amazon.nova-micro-v1:0"));

        // Routing errors, a cut stream, a bug.
        await Send("/v1/chat/completions", Yaml.Chat("openai/no-such-model-anywhere-x"));
        await Send("/routing/v1/chat/completions", Yaml.Chat("nowhere/none"));
        up.Enqueue(Reply.Sse().Chunk("partial").Abort());
        await Send("/v1/chat/completions", Yaml.Chat("openai/gpt-4o-mini", stream: true));
        await Send("/v1/chat/completions", Yaml.Chat("mock/echo", stream: true, content: "one two three four"), ("x-mock-cut-after", "2"));
        await Send("/v1/chat/completions", Yaml.Chat("mock/echo"), ("x-mock-throw", "1"));

        // A valid reload, then an invalid one that carries keys (a misspelt key name, a base_url with a password).
        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(up, refused, "model_aliases:\n  quick:\n    target: openai/gpt-4o-mini\n"));
        await reloaded;
        await Send("/v1/chat/completions", Yaml.Chat("quick"));
        var rejected = gw.NextRejectedReloadAsync();
        await gw.ReplaceConfigAsync(Config(up, refused, extraProvider: $"""
              - model: openai/gpt-4.1-mini
                acess_key: {TypoKey}
                base_url: ftp://user:{UrlPassword}@proxy.example/v1
            """));
        var failure = await rejected;
        seen.AppendLine(string.Join("\n", failure.Diagnostics)).AppendLine(failure.ToString());
        await Send("/v1/chat/completions", Yaml.Chat("openai/gpt-4o-mini"));

        Assert.True(up.RequestCount >= 8, "the scenarios did not reach the upstream");
        Assert.Contains("Stream from mock/echo ended early", string.Join("\n", logs.Messages), StringComparison.Ordinal); // the cut was seen
        Assert.Contains(logs.Entries, e => e.Contains("failed inside the gateway", StringComparison.Ordinal)); // the bug was logged
        Assert.Contains(failure.Diagnostics, d => d.Message.Contains("acess_key", StringComparison.Ordinal)); // the bad reload was reported
        var everything = string.Join("\n", logs.Entries) + "\n" + seen;
        foreach (var key in Keys)
        {
            var at = everything.IndexOf(key, StringComparison.Ordinal);
            Assert.True(at < 0, $"key {key} leaked:\n" + (at < 0 ? "" : everything.Substring(Math.Max(0, at - 600), Math.Min(900, everything.Length - Math.Max(0, at - 600)))));
        }
    }
}
