using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// The access log (docs/observability.md, "Access log") and the cost header ("Cost"), through the real gateway:
/// one JSON line per request written to <c>access_log.path</c>, for a success, a failover and an error.
/// </summary>
public sealed class AccessLogTests : IDisposable
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "switchyard-access-" + Guid.NewGuid().ToString("N"));

    private string LogPath => Path.Combine(_dir, "access.log");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string Config(string primaryUrl, string backupUrl, string format = "json") => Yaml.Listener() + $"""
        access_log:
          path: {LogPath}
          format: {format}
        model_providers:
          - model: openai/gpt-5-nano
            access_key: sk-secret-primary-key
            base_url: {primaryUrl}
            fallbacks: [backup]
          - name: backup
            model: openai/gpt-5-nano
            access_key: sk-secret-backup-key
            base_url: {backupUrl}
          - model: anthropic/claude-sonnet-4-5
            access_key: sk-ant-secret
            base_url: {backupUrl}
        """;

    /// <summary>The log's lines once there are <paramref name="count"/> (bounded wait: the writer runs in the background).</summary>
    private async Task<string[]> LinesAsync(int count)
    {
        var deadline = DateTime.UtcNow + TestGateway.WaitLimit;
        while (true)
        {
            var lines = File.Exists(LogPath) ? await ReadSharedAsync() : [];
            if (lines.Length >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(lines.Length == count, $"expected {count} access-log line(s), got {lines.Length}:\n" + string.Join("\n", lines));
                return lines;
            }

            await Task.Delay(20);
        }
    }

    private async Task<string[]> ReadSharedAsync()
    {
        await using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement;

    private static void AssertNoSecrets(string line)
    {
        Assert.DoesNotContain("Hello!", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_OneJsonLine_WithEveryField_AndTheCostHeader()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-5-nano"), ("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"));

        await ResponseAssert.OkAsync(response);
        // envoy__chat-basic.0.json: 8 input + 377 output tokens at gpt-5-nano's 0.05 / 0.40 USD per million = 0.0001512.
        Assert.Equal("0.0001512", Assert.Single(response.Headers.GetValues("x-switchyard-cost-usd")));
        var line = Assert.Single(await LinesAsync(1));
        AssertNoSecrets(line);
        var e = Parse(line);
        Assert.True(DateTimeOffset.TryParse(e.GetProperty("time").GetString(), out _));
        Assert.False(string.IsNullOrEmpty(e.GetProperty("request_id").GetString()));
        Assert.Equal(TraceId, e.GetProperty("trace_id").GetString());
        Assert.Equal("openai_chat", e.GetProperty("protocol").GetString());
        Assert.Equal("openai/gpt-5-nano", e.GetProperty("requested_model").GetString());
        Assert.Equal("openai/gpt-5-nano", e.GetProperty("served_model").GetString());
        Assert.Equal("openai", e.GetProperty("provider").GetString());
        Assert.Equal("openai/gpt-5-nano", e.GetProperty("endpoint").GetString());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("route").ValueKind);
        Assert.Equal("direct", e.GetProperty("routing_method").GetString());
        Assert.False(e.GetProperty("stream").GetBoolean());
        var attempt = Assert.Single(e.GetProperty("attempts").EnumerateArray().ToArray());
        Assert.Equal(("openai/gpt-5-nano", "ok", 200), (attempt.GetProperty("model").GetString(), attempt.GetProperty("outcome").GetString(), attempt.GetProperty("status").GetInt32()));
        Assert.Equal(200, e.GetProperty("status").GetInt32());
        var ttft = e.GetProperty("ttft_ms").GetDouble();
        Assert.InRange(ttft, 0, e.GetProperty("duration_ms").GetDouble());
        Assert.Equal((8, 377, 0, 320), (e.GetProperty("input_tokens").GetInt32(), e.GetProperty("output_tokens").GetInt32(),
            e.GetProperty("cached_input_tokens").GetInt32(), e.GetProperty("reasoning_tokens").GetInt32()));
        Assert.Equal(0.0001512m, e.GetProperty("cost_usd").GetDecimal());
        Assert.Contains("\"cost_usd\":0.0001512,", line, StringComparison.Ordinal); // the header's text, no trailing zeros
        Assert.Equal("bundled", e.GetProperty("cost_source").GetString());
    }

    [Fact]
    public async Task Failover_503ThenFallback_BothAttemptsLogged()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"x\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-5-nano"));

        await ResponseAssert.OkAsync(response);
        var line = Assert.Single(await LinesAsync(1));
        AssertNoSecrets(line);
        var e = Parse(line);
        // No traceparent and no tracing configured: the request belongs to no trace, and the line says so (no made-up id).
        Assert.Equal(JsonValueKind.Null, e.GetProperty("trace_id").ValueKind);
        Assert.Equal("backup", e.GetProperty("served_model").GetString());
        Assert.Equal("backup", e.GetProperty("endpoint").GetString());
        var attempts = e.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.Equal(("openai/gpt-5-nano", "failed", 503, "503"), (attempts[0].GetProperty("model").GetString(), attempts[0].GetProperty("outcome").GetString(),
            attempts[0].GetProperty("status").GetInt32(), attempts[0].GetProperty("code").GetString()));
        Assert.Equal(("backup", "ok", 200), (attempts[1].GetProperty("model").GetString(), attempts[1].GetProperty("outcome").GetString(), attempts[1].GetProperty("status").GetInt32()));
        Assert.Equal(200, e.GetProperty("status").GetInt32());
        Assert.Equal(0.0001512m, e.GetProperty("cost_usd").GetDecimal()); // the backup serves the same model id
    }

    [Fact]
    public async Task Error_AllCandidatesFail_StatusAttemptsAndUnknownCost()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"x\"}}"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-5-nano"));

        Assert.Equal(503, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("x-switchyard-cost-usd")); // nothing served, nothing priced
        var line = Assert.Single(await LinesAsync(1));
        AssertNoSecrets(line);
        var e = Parse(line);
        Assert.Equal(503, e.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("served_model").ValueKind);
        Assert.Equal(JsonValueKind.Null, e.GetProperty("ttft_ms").ValueKind);
        Assert.Equal(["failed", "failed"], e.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.Null, e.GetProperty("input_tokens").ValueKind);
        Assert.Equal("unknown", e.GetProperty("cost_usd").GetString());
    }

    [Fact]
    public async Task UnknownModel_RouteError_IsLoggedToo()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("no-such-model"));

        Assert.Equal(404, (int)response.StatusCode);
        var e = Parse(Assert.Single(await LinesAsync(1)));
        Assert.Equal((404, "no-such-model", 0), (e.GetProperty("status").GetInt32(), e.GetProperty("requested_model").GetString(), e.GetProperty("attempts").GetArrayLength()));
    }

    [Fact]
    public async Task TranslatedAnswer_CostHeaderFromTheDecodedUsage()
    {
        await using var anthropic = await FakeUpstream.StartAsync(Reply.Fixture("anthropic/vercel__anthropic-text.json"));
        await using var gw = await TestGateway.StartAsync(Config(anthropic.BaseUrl, anthropic.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("anthropic/claude-sonnet-4-5"));

        await ResponseAssert.OkAsync(response);
        // vercel__anthropic-text.json: 12 input + 29 output at Sonnet 4.5's 3 / 15 USD per million = 36 + 435 = 471 → 0.000471.
        Assert.Equal("0.000471", Assert.Single(response.Headers.GetValues("x-switchyard-cost-usd")));
        Assert.Equal(0.000471m, Parse(Assert.Single(await LinesAsync(1))).GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public async Task StreamingAnswer_NoCostHeader_CostInTheLog()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-5-nano", stream: true));

        await ResponseAssert.OkAsync(response);
        await response.Content.ReadAsByteArrayAsync();
        Assert.False(response.Headers.Contains("x-switchyard-cost-usd"));
        var e = Parse(Assert.Single(await LinesAsync(1)));
        Assert.True(e.GetProperty("stream").GetBoolean());
        Assert.Equal(JsonValueKind.Number, e.GetProperty("ttft_ms").ValueKind);
    }

    [Fact]
    public async Task TextFormat_OneKeyValueLine()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl, format: "text"));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-5-nano"));

        await ResponseAssert.OkAsync(response);
        var line = Assert.Single(await LinesAsync(1));
        AssertNoSecrets(line);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z request_id=\S+ trace_id=- protocol=openai_chat requested_model=openai/gpt-5-nano served_model=openai/gpt-5-nano ", line);
        Assert.Contains(" status=200 attempts=openai/gpt-5-nano:ok:200 ", line, StringComparison.Ordinal);
        Assert.EndsWith(" input_tokens=8 output_tokens=377 cost_usd=0.0001512", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveCostCatalog_PricesBeforeTheBundledFile()
    {
        Directory.CreateDirectory(_dir);
        var catalog = Path.Combine(_dir, "api.json");
        await File.WriteAllTextAsync(catalog, """{"openai": {"models": {"gpt-5-nano": {"cost": {"input": 1, "output": 2}}}}}""");
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl)
            + $"\nmodel_metrics_sources:\n  - type: cost\n    provider: models.dev\n    url: {catalog}\n");
        var registry = gw.Host.Services.GetRequiredService<MetricsSourceRegistry>();
        var limit = DateTime.UtcNow + TestGateway.WaitLimit;
        while (!registry.Current.Status.All(s => s.HasData))
        {
            Assert.True(DateTime.UtcNow < limit, "the catalog was not loaded");
            await Task.Delay(10);
        }

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-5-nano"));

        // The catalog's 1 / 2 USD per million, not the bundled 0.05 / 0.40: 8 × 1 + 377 × 2 = 762 → 0.000762.
        Assert.Equal("0.000762", Assert.Single(response.Headers.GetValues("x-switchyard-cost-usd")));
        var e = Parse(Assert.Single(await LinesAsync(1)));
        Assert.Equal((0.000762m, "cost:models.dev"), (e.GetProperty("cost_usd").GetDecimal(), e.GetProperty("cost_source").GetString()));
    }

    [Fact]
    public async Task ClientGoneBeforeTheAnswer_Status499_AttemptClientGone()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Hang());
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, primary.BaseUrl));

        using var cts = new CancellationTokenSource();
        var call = gw.PostChatAsync(System.Text.Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-5-nano")), null, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await primary.NextRequestAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        var e = Parse(Assert.Single(await LinesAsync(1)));
        Assert.Equal(499, e.GetProperty("status").GetInt32());
        Assert.Equal("client_gone", Assert.Single(e.GetProperty("attempts").EnumerateArray().ToArray()).GetProperty("outcome").GetString());
        Assert.Equal("unknown", e.GetProperty("cost_usd").GetString());
    }

    [Fact]
    public async Task GatewayFailureAfterTheStreamStarted_LoggedAsCutInternalError()
    {
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            access_log:
              path: {LogPath}
            model_providers:
              - model: mock/echo
            """);
        var body = """{"model":"mock/echo","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}""";

        using var response = await gw.PostAsync("/v1/chat/completions", System.Text.Encoding.UTF8.GetBytes(body), [("x-mock-throw-after", "2")]);
        await response.Content.ReadAsByteArrayAsync();

        // The client got a 200 and then an error event: the line must not read as a complete answer.
        var e = Parse(Assert.Single(await LinesAsync(1)));
        Assert.Equal(200, e.GetProperty("status").GetInt32());
        Assert.Equal("InternalError", e.GetProperty("cut").GetString());
    }
}
