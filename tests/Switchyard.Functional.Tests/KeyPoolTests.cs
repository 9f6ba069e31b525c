using System.Net;
using System.Text.Json;
using Switchyard.Cli;
using Switchyard.Core.Configuration;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Key pools end to end: every key is its own endpoint, requests rotate over the keys, a refused (401/403) or
/// rate-limited (429) key moves the same request to the next key before any other model, and no key ever reaches a
/// log line or a client.
/// </summary>
public sealed class KeyPoolTests
{
    private const string KeyOne = "sk-pool-one-1a2b3c";
    private const string KeyTwo = "sk-pool-two-4d5e6f";
    private const string KeyThree = "sk-pool-three-7a8b9c";

    private const string OpenAI401 = """{"error":{"message":"Incorrect API key provided: sk-pool-one-1a2b3c","type":"invalid_request_error","code":"invalid_api_key"}}""";

    private static string Native(FakeUpstream up, FakeUpstream? backup = null) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o
            access_keys: [{KeyOne}, {KeyTwo}, {KeyThree}]
            base_url: {up.BaseUrl}
            {(backup is null ? "" : "fallbacks: [backup]")}
        {(backup is null ? "" : $"""
          - name: backup
            model: openai/gpt-4o-mini
            access_key: sk-backup
            base_url: {backup.BaseUrl}
        """)}
        """;

    // Answers with `status` to one key, and normally to the others.
    private static UpstreamHandler RefuseKey(string key, int status, string body) => (context, request) =>
        request.Header("Authorization") == "Bearer " + key
            ? Reply.Json(status, body)(context, request)
            : Reply.Fixture("openai/envoy__chat-basic.0.json")(context, request);

    private static RuntimeSnapshot Snapshot(TestGateway gw) => gw.Host.Config.Current;

    [Fact]
    public async Task ChatCompletions_ThreeKeys_RequestsRotateOverTheKeys()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Native(up));

        for (var i = 0; i < 6; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));
            await ResponseAssert.OkAsync(response);
            Assert.Equal("1", ResponseAssert.Header(response, "x-switchyard-attempts"));
        }

        Assert.Equal(
            [$"Bearer {KeyOne}", $"Bearer {KeyTwo}", $"Bearer {KeyThree}", $"Bearer {KeyOne}", $"Bearer {KeyTwo}", $"Bearer {KeyThree}"],
            up.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task ChatCompletions_Key1Refused_Key2ServesSameRequestBeforeFallbackAndKey1Counted()
    {
        var logs = new CapturedLogs();
        await using var up = await FakeUpstream.StartAsync(RefuseKey(KeyOne, 401, OpenAI401));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Native(up, backup), logs);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
        Assert.Equal("openai/gpt-4o", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Equal([$"Bearer {KeyOne}", $"Bearer {KeyTwo}"], up.Requests.Select(r => r.Header("Authorization")));
        Assert.Equal(0, backup.RequestCount);

        var keys = Snapshot(gw).Catalog.ResolveName("openai/gpt-4o")!.Keys!.Entries;
        var states = keys.Select(Snapshot(gw).Endpoints.For).ToList();
        Assert.Equal(3, states.Distinct().Count());
        Assert.Equal([1L, 0L, 0L], states.Select(s => s.CredentialRefusals));
        Assert.Equal(0, states[1].ConsecutiveFailures);

        // The refusal is logged with key 1's fingerprint, never the key.
        var refusal = Assert.Single(logs.Messages, m => m.StartsWith("Upstream for", StringComparison.Ordinal) && m.Contains("refused the gateway's credential", StringComparison.Ordinal));
        Assert.Contains(keys[0].KeySlot!.Fingerprint, refusal, StringComparison.Ordinal);
        Assert.Contains("key 1/3", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyOne, string.Join("\n", logs.Entries), StringComparison.Ordinal);

        // Key 1 is disabled (key_cooldown, 5 min by default): the next requests, whichever key rotation starts them
        // on, never send it again and each is served in one attempt.
        Assert.Equal(Switchyard.Core.Resilience.BreakerState.KeyDisabled, states[0].Breaker.State);
        for (var i = 0; i < 3; i++)
        {
            using var next = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));
            await ResponseAssert.OkAsync(next);
            Assert.Equal("1", ResponseAssert.Header(next, "x-switchyard-attempts"));
        }

        Assert.Equal(1, up.Requests.Count(r => r.Header("Authorization") == $"Bearer {KeyOne}"));
        Assert.Equal(5, up.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_Key1RateLimited_Key2Serves()
    {
        await using var up = await FakeUpstream.StartAsync(RefuseKey(KeyOne, 429, """{"error":{"message":"slow down","type":"rate_limit_error"}}"""));
        await using var gw = await TestGateway.StartAsync(Native(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal([$"Bearer {KeyOne}", $"Bearer {KeyTwo}"], up.Requests.Select(r => r.Header("Authorization")));
        var states = Snapshot(gw).Catalog.ResolveName("openai/gpt-4o")!.Keys!.Entries.Select(Snapshot(gw).Endpoints.For).ToList();
        Assert.Equal([1, 0, 0], states.Select(s => s.ConsecutiveFailures));
        Assert.Equal([0L, 0L, 0L], states.Select(s => s.CredentialRefusals));
    }

    [Fact]
    public async Task ChatCompletions_EveryKeyRateLimited_429WithSmallestRetryAfterAndKeysNamedByIndex()
    {
        await using var up = await FakeUpstream.StartAsync();
        const string Limited = """{"error":{"message":"slow down","type":"rate_limit_error"}}""";
        up.Enqueue(Reply.Json(429, Limited, ("Retry-After", "30")), Reply.Json(429, Limited, ("Retry-After", "7")), Reply.Json(429, Limited, ("Retry-After", "20")));
        await using var gw = await TestGateway.StartAsync(Native(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", ResponseAssert.Header(response, "Retry-After"));
        Assert.Equal(3, up.RequestCount);
        Assert.Contains("(key 1/3)", text, StringComparison.Ordinal);
        Assert.Contains("(key 3/3)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_EveryKeyRefused_502NamesKeysByIndexAndNoKeyInLogsOrResponse()
    {
        var logs = new CapturedLogs();
        await using var up = await FakeUpstream.StartAsync(Reply.Json(401, OpenAI401));
        await using var gw = await TestGateway.StartAsync(Native(up), logs);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(3, up.RequestCount);
        Assert.Contains("upstream_auth_error", text, StringComparison.Ordinal);
        Assert.Contains("key 3/3", text, StringComparison.Ordinal);
        var everything = text + response.Headers + "\n" + string.Join("\n", logs.Entries);
        foreach (var key in (string[])[KeyOne, KeyTwo, KeyThree])
        {
            Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ModelList_NumberedKeysFromEnvironment_EachServesInTurn()
    {
        await using var up = await FakeUpstream.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = KeyOne, ["OPENAI_API_KEY_1"] = KeyTwo, ["OPENAI_API_KEY_2"] = KeyThree,
        };
        await using var gw = await TestGateway.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                params:
                  model: openai/gpt-4o
                  api_key: ${"{"}OPENAI_API_KEY{"}"}
                  api_base: {up.BaseUrl}/v1
              - model_name: mini
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_key: os.environ/OPENAI_API_KEY
                  api_base: {up.BaseUrl}/v1
            """, env: name => env.GetValueOrDefault(name));

        for (var i = 0; i < 3; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));
            await ResponseAssert.OkAsync(response);
        }

        using (var mini = await gw.PostChatAsync(Yaml.Chat("mini")))
        {
            await ResponseAssert.OkAsync(mini);
        }

        Assert.Equal([$"Bearer {KeyOne}", $"Bearer {KeyTwo}", $"Bearer {KeyThree}", $"Bearer {KeyOne}"], up.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Models_PooledEntry_ListedOnceWithKeyCount()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Native(up, up));

        using var response = await gw.Client.GetAsync(new Uri(gw.BaseAddress, "/v1/models"));
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        var models = doc.RootElement.GetProperty("data").EnumerateArray().ToList();

        var pooled = Assert.Single(models, m => m.GetProperty("id").GetString() == "openai/gpt-4o");
        Assert.Equal(3, pooled.GetProperty("switchyard_keys").GetInt32());
        var single = Assert.Single(models, m => m.GetProperty("id").GetString() == "backup");
        Assert.False(single.TryGetProperty("switchyard_keys", out _));
        Assert.DoesNotContain("sk-", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PooledEntry_PrintsKeyCountNotKeys()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-keys-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, $"""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [{KeyOne}, {KeyTwo}]
              - model: openai/gpt-4o-mini
                access_key: sk-single
            """);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var code = await CliApp.RunAsync(["validate", path], stdout, stderr);

            Assert.Equal(0, code);
            Assert.Contains("key pools: openai/gpt-4o (2 keys)", stdout.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(KeyOne, stdout.ToString() + stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ModelList_OpenRouterVariables_SentAsHeadersAndEntryHeaderWins()
    {
        await using var up = await FakeUpstream.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["OPENROUTER_API_KEY"] = "sk-or-test", ["OPENROUTER_HTTP_REFERER"] = "https://app.example", ["OPENROUTER_X_TITLE"] = "Env Title",
        };
        await using var gw = await TestGateway.StartAsync($"""
            model_list:
              - model_name: plain
                params:
                  model: openrouter/openai/gpt-4o
                  api_key: os.environ/OPENROUTER_API_KEY
                  api_base: {up.BaseUrl}/api/v1
              - model_name: titled
                params:
                  model: openrouter/openai/gpt-4o-mini
                  api_key: os.environ/OPENROUTER_API_KEY
                  api_base: {up.BaseUrl}/api/v1
                  extra_headers:
                    X-Title: Own Title
            """, env: name => env.GetValueOrDefault(name));

        using (var plain = await gw.PostChatAsync(Yaml.Chat("plain")))
        {
            await ResponseAssert.OkAsync(plain);
        }

        using (var titled = await gw.PostChatAsync(Yaml.Chat("titled")))
        {
            await ResponseAssert.OkAsync(titled);
        }

        var requests = up.Requests;
        Assert.Equal(("https://app.example", "Env Title"), (requests[0].Header("HTTP-Referer"), requests[0].Header("X-Title")));
        Assert.Equal(("https://app.example", "Own Title"), (requests[1].Header("HTTP-Referer"), requests[1].Header("X-Title")));
    }

    [Fact]
    public async Task Reload_SamePool_KeysKeepTheirEndpointState()
    {
        await using var up = await FakeUpstream.StartAsync(RefuseKey(KeyOne, 401, OpenAI401));
        await using var gw = await TestGateway.StartAsync(Native(up));
        using (var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o")))
        {
            await ResponseAssert.OkAsync(response);
        }

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Native(up) + "model_aliases:\n  big:\n    target: openai/gpt-4o\n");
        var snapshot = await reloaded;

        var first = snapshot.Catalog.ResolveName("openai/gpt-4o")!.Keys!.Entries[0];
        Assert.Equal(1L, snapshot.Endpoints.For(first).CredentialRefusals);
    }
}
