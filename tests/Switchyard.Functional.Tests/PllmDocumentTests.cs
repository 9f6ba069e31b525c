using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// PLLM's documented config.yaml (tests/Switchyard.Core.Tests/Configuration/Fixtures/pllm-config.yaml: the published
/// document with its one dangling context-window fallback fixed) served end to end. The only change made here is that
/// every entry's <c>api_base</c> points at a fake upstream; everything else — the router block (latency-based,
/// circuit breaker, retry_attempts 2, fallbacks, context_window_fallbacks), rpm/tpm, model_aliases — is the document's.
/// </summary>
public sealed class PllmDocumentTests
{
    private const string Answer = "openai/envoy__chat-basic.0.json";
    private const string Overloaded = """{"error":{"message":"The server is overloaded","type":"server_error"}}""";

    // The real OpenAI answer to a prompt that is too long, as src/Switchyard.Core/Resilience/context-overflow.json
    // records it (no recording of it exists under shared/fixtures).
    private const string OpenAIOverflow = """{"error":{"message":"This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""";

    // The variables the document references. OPENAI_API_KEY_2 (my-gpt-35-turbo-backup's key) repeats OPENAI_API_KEY so
    // that the OpenAI entries are not key pools here: each entry is one endpoint, and request counts stay per model.
    private static readonly Dictionary<string, string> Env = new(StringComparer.Ordinal)
    {
        ["OPENAI_API_KEY"] = "sk-openai",
        ["OPENAI_API_KEY_2"] = "sk-openai",
        ["AZURE_API_KEY"] = "azure-key",
        ["ANTHROPIC_API_KEY"] = "sk-ant",
        ["OPENROUTER_API_KEY"] = "sk-or",
        ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "aws-secret",
        ["AWS_REGION"] = "eu-central-1",
        ["VERTEX_PROJECT"] = "my-project",
        ["VERTEX_LOCATION"] = "us-central1",
        ["GROK_API_KEY"] = "grok-key",
    };

    private static string? Lookup(string name) => Env.GetValueOrDefault(name);

    /// <summary>
    /// The document with each entry's <c>api_base</c> replaced by (or, where it has none, given) its fake upstream's
    /// URL: <paramref name="upstreams"/> by model_name, <paramref name="rest"/> for the others.
    /// </summary>
    private static string Document(IReadOnlyDictionary<string, FakeUpstream> upstreams, FakeUpstream rest)
    {
        var lines = File.ReadAllLines(FixturePath());
        var withApiBase = new HashSet<string>(StringComparer.Ordinal);
        string? modelName = null;
        foreach (var line in lines)
        {
            modelName = ModelNameOf(line) ?? modelName;
            if (line.StartsWith("      api_base: ", StringComparison.Ordinal))
            {
                withApiBase.Add(modelName!);
            }
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            modelName = ModelNameOf(line) ?? modelName;
            if (line.StartsWith("      api_base: ", StringComparison.Ordinal))
            {
                // The document's own path on the fake's host (Azure's "/", OpenRouter's "/api/v1", ...).
                var path = new Uri(line["      api_base: ".Length..].Trim()).AbsolutePath.TrimEnd('/');
                text.Append("      api_base: ").Append(upstreams.GetValueOrDefault(modelName!, rest).BaseUrl).Append(path).Append('\n');
                continue;
            }

            text.Append(line).Append('\n');
            if (line == "    params:" && !withApiBase.Contains(modelName!))
            {
                // OpenAI's default https://api.openai.com/v1, and the Bedrock and Vertex endpoints the region/location name.
                text.Append("      api_base: ").Append(upstreams.GetValueOrDefault(modelName!, rest).BaseUrl).Append("/v1\n");
            }
        }

        return text.ToString();
    }

    private static string? ModelNameOf(string line)
        => line.StartsWith("  - model_name: ", StringComparison.Ordinal) ? line["  - model_name: ".Length..].Split('#')[0].Trim() : null;

    private static async Task<TestGateway> StartAsync(IReadOnlyDictionary<string, FakeUpstream> upstreams, FakeUpstream rest, TimeProvider? time = null,
        Func<string, string>? edit = null)
    {
        var yaml = (edit ?? (y => y))(Document(upstreams, rest));
        Assert.Equal(14, yaml.Split('\n').Count(l => l.StartsWith("      api_base: http://127.0.0.1:", StringComparison.Ordinal)));
        return await TestGateway.StartAsync(yaml, env: Lookup, time: time ?? new FakeTimeProvider());
    }

    [Fact]
    public async Task ModelAliases_AListIsAGroupThatServes_AOneModelListIsAnAlias()
    {
        await using var gpt4 = await FakeUpstream.StartAsync();
        await using var azure = await FakeUpstream.StartAsync();
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["azure-gpt-4"] = azure }, rest);

        // openai: [my-gpt-4, my-gpt-35-turbo, my-gpt-35-turbo-16k]; nothing measured yet, so the declared first leads.
        using var group = await gw.PostChatAsync(Yaml.Chat("openai"));
        // azure: [azure-gpt-4]
        using var alias = await gw.PostChatAsync(Yaml.Chat("azure"));

        await ResponseAssert.OkAsync(group);
        await ResponseAssert.OkAsync(alias);
        Assert.Equal(Fixtures.Bytes(Answer), await group.Content.ReadAsByteArrayAsync());
        Assert.Equal(("my-gpt-4", "azure-gpt-4"), (ResponseAssert.Header(group, "x-switchyard-model"), ResponseAssert.Header(alias, "x-switchyard-model")));
        var toOpenAI = gpt4.Single();
        Assert.Equal(("/v1/chat/completions", "Bearer sk-openai"), (toOpenAI.PathAndQuery, toOpenAI.Header("Authorization")));
        Assert.Contains("\"model\":\"gpt-4\"", toOpenAI.BodyText, StringComparison.Ordinal);
        var toAzure = azure.Single();
        Assert.Contains("/openai/deployments/my-deployment-name/chat/completions", toAzure.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("api-version=2024-02-15-preview", toAzure.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("azure-key", toAzure.Header("api-key"));
        Assert.Equal(0, rest.RequestCount);
    }

    [Fact]
    public async Task Fallbacks_FirstTwoAnswer503_ChainReachesTheThird_AfterRetryAttemptsOnEach()
    {
        // Retry-After: 0 lets the retries go without waiting (the clock is fake and never moves).
        var unavailable = Reply.Json(503, Overloaded, ("Retry-After", "0"));
        await using var gpt4 = await FakeUpstream.StartAsync(unavailable);
        await using var turbo = await FakeUpstream.StartAsync(unavailable);
        await using var turbo16k = await FakeUpstream.StartAsync();
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(
            new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["my-gpt-35-turbo"] = turbo, ["my-gpt-35-turbo-16k"] = turbo16k }, rest);

        using var response = await gw.PostChatAsync(Yaml.Chat("my-gpt-4"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes(Answer), await response.Content.ReadAsByteArrayAsync());
        // router.retry_attempts: 2 → each failing model is tried 1 + 2 times before the chain moves on.
        Assert.Equal((3, 3, 1, 0), (gpt4.RequestCount, turbo.RequestCount, turbo16k.RequestCount, rest.RequestCount));
        Assert.Equal("my-gpt-35-turbo-16k", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Equal("my-gpt-4", ResponseAssert.Header(response, "x-switchyard-fallback-from"));
        Assert.Equal("503", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
        Assert.Equal("7", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task FallbackEnabledFalse_The503IsTheAnswer_NoFallbackIsTried()
    {
        await using var gpt4 = await FakeUpstream.StartAsync(Reply.Json(503, Overloaded, ("Retry-After", "0")));
        await using var turbo = await FakeUpstream.StartAsync();
        await using var turbo16k = await FakeUpstream.StartAsync();
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(
            new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["my-gpt-35-turbo"] = turbo, ["my-gpt-35-turbo-16k"] = turbo16k }, rest,
            edit: y => y.Replace("  fallback_enabled: true", "  fallback_enabled: false", StringComparison.Ordinal));

        using var response = await gw.PostChatAsync(Yaml.Chat("my-gpt-4"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal((3, 0, 0), (gpt4.RequestCount, turbo.RequestCount, turbo16k.RequestCount));
        Assert.Null(ResponseAssert.Header(response, "x-switchyard-fallback-from"));
    }

    [Fact]
    public async Task ContextOverflow_GoesToTheContextWindowFallback_NotTheOrdinaryOne()
    {
        await using var gpt4 = await FakeUpstream.StartAsync(Reply.Json(400, OpenAIOverflow));
        await using var turbo = await FakeUpstream.StartAsync();
        await using var turbo16k = await FakeUpstream.StartAsync();
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(
            new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["my-gpt-35-turbo"] = turbo, ["my-gpt-35-turbo-16k"] = turbo16k }, rest);

        using var response = await gw.PostChatAsync(Yaml.Chat("my-gpt-4"));

        // my-gpt-4's ordinary fallback is my-gpt-35-turbo; its context-window fallback my-gpt-35-turbo-16k.
        await ResponseAssert.OkAsync(response);
        Assert.Equal((1, 0, 1), (gpt4.RequestCount, turbo.RequestCount, turbo16k.RequestCount));
        Assert.Equal("my-gpt-35-turbo-16k", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Equal("my-gpt-4", ResponseAssert.Header(response, "x-switchyard-fallback-from"));
        Assert.Equal("context_window", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
    }

    // An OpenAI answer reporting 10 tokens, so that my-gpt-4's tpm (30000) stays far away while its rpm (500) fills.
    private const string SmallAnswer = """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}""";

    [Fact]
    public async Task Rpm_MyGpt4AtItsDocumented500_IsSkippedForItsFallback_UntilTheMinutePasses()
    {
        var time = new FakeTimeProvider();
        await using var gpt4 = await FakeUpstream.StartAsync(Reply.Json(200, SmallAnswer));
        await using var turbo = await FakeUpstream.StartAsync(Reply.Json(200, SmallAnswer));
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["my-gpt-35-turbo"] = turbo }, rest, time);

        for (var i = 0; i < 500; i++)
        {
            using var ok = await gw.PostChatAsync(Yaml.Chat("my-gpt-4"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var overLimit = await gw.PostChatAsync(Yaml.Chat("my-gpt-4"));
        await ResponseAssert.OkAsync(overLimit);
        Assert.Equal((500, 1), (gpt4.RequestCount, turbo.RequestCount));
        Assert.Equal("my-gpt-35-turbo", ResponseAssert.Header(overLimit, "x-switchyard-model"));
        Assert.Equal("my-gpt-4", ResponseAssert.Header(overLimit, "x-switchyard-fallback-from"));
        Assert.Equal("1", ResponseAssert.Header(overLimit, "x-switchyard-attempts")); // skipped: nothing was sent to my-gpt-4

        // A minute later my-gpt-4 has room again.
        time.Advance(TimeSpan.FromMinutes(1));
        using var again = await gw.PostChatAsync(Yaml.Chat("my-gpt-4"));
        await ResponseAssert.OkAsync(again);
        Assert.Equal(("my-gpt-4", 501), (ResponseAssert.Header(again, "x-switchyard-model"), gpt4.RequestCount));
    }

    [Fact]
    public async Task Tpm_MyGpt4AtItsDocumented30000_IsSkippedForItsFallback()
    {
        // The recorded answer reports 385 tokens (8 in, 377 out): 78 answers fill my-gpt-4's 30000 (the 78th is
        // admitted on its 8-token estimate at 29645 and charged 385 when its usage arrives).
        var time = new FakeTimeProvider();
        await using var gpt4 = await FakeUpstream.StartAsync();
        await using var turbo = await FakeUpstream.StartAsync();
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["my-gpt-35-turbo"] = turbo }, rest, time);

        await SendAsync(gw, "my-gpt-4", 80);

        Assert.Equal((78, 2), (gpt4.RequestCount, turbo.RequestCount));
    }

    [Fact]
    public async Task LatencyBased_TheDocumentsRouterStrategy_SendsMostOfAGroupToItsFastestMember()
    {
        // Real delays and the system clock: latency is what is measured. Round-robin (the default) would give each of
        // the three members a third.
        UpstreamHandler After(int ms) => Reply.After(TimeSpan.FromMilliseconds(ms), Reply.Fixture(Answer));
        await using var gpt4 = await FakeUpstream.StartAsync(After(100));
        await using var turbo = await FakeUpstream.StartAsync(After(5));
        await using var turbo16k = await FakeUpstream.StartAsync(After(100));
        await using var rest = await FakeUpstream.StartAsync();
        await using var gw = await StartAsync(
            new Dictionary<string, FakeUpstream> { ["my-gpt-4"] = gpt4, ["my-gpt-35-turbo"] = turbo, ["my-gpt-35-turbo-16k"] = turbo16k }, rest, TimeProvider.System);

        // Warm-up: members never tried lead (declared order), so each is measured.
        await SendAsync(gw, "openai", 5);
        Assert.True(gpt4.RequestCount >= 1 && turbo.RequestCount >= 1 && turbo16k.RequestCount >= 1,
            $"warm-up: {gpt4.RequestCount}, {turbo.RequestCount}, {turbo16k.RequestCount}");

        const int Measured = 60;
        var fastBefore = turbo.RequestCount;
        await SendAsync(gw, "openai", Measured);

        // 5 % exploration: about 3 of 60 lead with a slow member; fewer than 48 to the fast one is a 1-in-10^5 event.
        Assert.True(turbo.RequestCount - fastBefore >= 48, $"the fastest member served {turbo.RequestCount - fastBefore} of {Measured}");
        Assert.Equal(Measured + 5, gpt4.RequestCount + turbo.RequestCount + turbo16k.RequestCount);
    }

    private static async Task SendAsync(TestGateway gw, string model, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat(model));
            await ResponseAssert.OkAsync(response);
        }
    }

    private static string FixturePath([CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "..", "Switchyard.Core.Tests", "Configuration", "Fixtures", "pllm-config.yaml");
}
