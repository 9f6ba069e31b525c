using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Fallbacks end to end (docs/resilience.md#fallbacks): a context overflow goes to context_window_fallbacks and a 503
/// to ordinary fallbacks, never the other way round; chains follow transitively; the pre-flight check skips a model
/// whose known context window the prompt exceeds; the step is visible in x-switchyard-fallback-from/-reason and in
/// x-switchyard-explain. Fake upstreams answer with the providers' real overflow texts.
/// </summary>
public sealed class FallbackTests
{
    private const string OpenAIOverflow = """{"error":{"message":"This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""";
    private const string AnthropicOverflow = """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208656 tokens > 200000 maximum"}}""";
    private const string GeminiOverflow = """{"error":{"code":400,"message":"The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""";
    private const string DeepSeekOverflow = """{"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 87731 tokens (87731 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}""";

    // 'small' has an ordinary fallback (other) and a context-window fallback (long).
    private static string Config(string provider, string model, FakeUpstream small, FakeUpstream other, FakeUpstream longer, string smallExtra = "")
        => Yaml.Listener() + $"""
        model_providers:
          - name: small
            model: {provider}/{model}
            access_key: k1
            base_url: {small.BaseUrl}
            fallbacks: [other]
            context_window_fallbacks: [long]{smallExtra}
          - name: other
            model: openai/gpt-4o-mini
            access_key: k2
            base_url: {other.BaseUrl}
          - name: long
            model: openai/gpt-4.1
            access_key: k3
            base_url: {longer.BaseUrl}
        """;

    public static TheoryData<string, string, string> Overflows => new()
    {
        { "openai", "gpt-4o", OpenAIOverflow },
        { "anthropic", "claude-sonnet-4-5", AnthropicOverflow },
        { "gemini", "gemini-2.5-flash", GeminiOverflow },
        { "deepseek", "deepseek-chat", DeepSeekOverflow },
    };

    [Theory]
    [MemberData(nameof(Overflows))]
    public async Task ContextOverflow_GoesToContextWindowFallback_NotTheOrdinaryOne(string provider, string model, string overflow)
    {
        await using var small = await FakeUpstream.StartAsync(Reply.Json(400, overflow));
        await using var other = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var longer = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(provider, model, small, other, longer));

        using var response = await gw.PostChatAsync(Yaml.Chat("small"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal((1, 0, 1), (small.RequestCount, other.RequestCount, longer.RequestCount));
        Assert.Equal("long", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Equal("small", ResponseAssert.Header(response, "x-switchyard-fallback-from"));
        Assert.Equal("context_window", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task Unavailable503_GoesToOrdinaryFallback_NotTheContextWindowOne()
    {
        await using var small = await FakeUpstream.StartAsync(Reply.Json(503, """{"error":{"message":"The server is overloaded","type":"server_error"}}"""));
        await using var other = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var longer = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config("openai", "gpt-4o", small, other, longer));

        using var response = await gw.PostChatAsync(Yaml.Chat("small"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal((1, 1, 0), (small.RequestCount, other.RequestCount, longer.RequestCount));
        Assert.Equal("other", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Equal("small", ResponseAssert.Header(response, "x-switchyard-fallback-from"));
        Assert.Equal("503", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
    }

    [Fact]
    public async Task ContextOverflow_NoContextWindowFallbacks_RelayedAsFinal_OrdinaryFallbackNotTried()
    {
        await using var small = await FakeUpstream.StartAsync(Reply.Json(400, OpenAIOverflow));
        await using var other = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $$"""
            model_providers:
              - {name: small, model: openai/gpt-4o, access_key: k1, base_url: "{{small.BaseUrl}}", fallbacks: [other]}
              - {name: other, model: openai/gpt-4o-mini, access_key: k2, base_url: "{{other.BaseUrl}}"}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("small"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await ErrorJson.ReadAsync(response)).Code);
        Assert.Equal(0, other.RequestCount);
        Assert.Null(ResponseAssert.Header(response, "x-switchyard-fallback-from"));
    }

    [Fact]
    public async Task ContextOverflow_InAnEarlyStreamErrorEvent_GoesToContextWindowFallback()
    {
        await using var small = await FakeUpstream.StartAsync(Reply.Sse().Raw(": keep-alive\n\n")
            .Data("""{"error":{"message":"Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"""));
        await using var other = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var longer = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Config("groq", "llama-3.3-70b-versatile", small, other, longer));

        using var response = await gw.PostChatAsync(Yaml.Chat("small", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-streaming.0.sse"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((0, 1), (other.RequestCount, longer.RequestCount));
        Assert.Equal("context_window", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
    }

    [Fact]
    public async Task Chain_FollowsTransitively_AndTheContextWindowChainToo()
    {
        await using var a = await FakeUpstream.StartAsync(Reply.Json(503, """{"error":{"message":"unavailable","type":"server_error"}}"""));
        await using var b = await FakeUpstream.StartAsync(Reply.Json(400, AnthropicOverflow));
        await using var c = await FakeUpstream.StartAsync(Reply.Json(400, OpenAIOverflow));
        await using var d = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $$"""
            model_providers:
              - {name: a, model: openai/gpt-4o, access_key: k, base_url: "{{a.BaseUrl}}", fallbacks: [b]}
              - {name: b, model: anthropic/claude-haiku-4-5, access_key: k, base_url: "{{b.BaseUrl}}", context_window_fallbacks: [c]}
              - {name: c, model: openai/gpt-4.1-mini, access_key: k, base_url: "{{c.BaseUrl}}", context_window_fallbacks: [d]}
              - {name: d, model: gemini/gemini-2.5-pro, access_key: k, base_url: "{{d.BaseUrl}}", protocol: openai}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("a"));

        // a (503) → its fallback b (overflow) → b's context-window fallback c (overflow) → c's, d.
        await ResponseAssert.OkAsync(response);
        Assert.Equal((1, 1, 1, 1), (a.RequestCount, b.RequestCount, c.RequestCount, d.RequestCount));
        Assert.Equal("d", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Equal("a", ResponseAssert.Header(response, "x-switchyard-fallback-from"));
        Assert.Equal("context_window", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
        Assert.Equal("4", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task Preflight_PromptOverKnownContextWindow_SkipsTheModelWithoutSending()
    {
        await using var small = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var other = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var longer = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config("openai", "gpt-4o", small, other, longer, "\n    context_window: 100"));

        // About 1 KiB of prompt: ~256 tokens by the interim estimate, over the 100 configured.
        using var response = await gw.PostChatAsync(Yaml.Chat("small", content: new string('x', 1024)));

        await ResponseAssert.OkAsync(response);
        Assert.Equal((0, 0, 1), (small.RequestCount, other.RequestCount, longer.RequestCount));
        Assert.Equal("small", ResponseAssert.Header(response, "x-switchyard-fallback-from"));
        Assert.Equal("context_window_preflight", ResponseAssert.Header(response, "x-switchyard-fallback-reason"));
        Assert.Equal("1", ResponseAssert.Header(response, "x-switchyard-attempts"));

        // A prompt that fits is sent to the model itself.
        using var fits = await gw.PostChatAsync(Yaml.Chat("small", content: "hi"));
        await ResponseAssert.OkAsync(fits);
        Assert.Equal(1, small.RequestCount);
        Assert.Null(ResponseAssert.Header(fits, "x-switchyard-fallback-from"));
    }

    [Fact]
    public async Task Explain_DirectRequestWithFallbacks_ListsBothChains()
    {
        await using var small = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var other = await FakeUpstream.StartAsync();
        await using var longer = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config("openai", "gpt-4o", small, other, longer));

        using var response = await gw.PostChatAsync(Yaml.Chat("small"), ("x-switchyard-explain", "1"));

        await ResponseAssert.OkAsync(response);
        using var explain = System.Text.Json.JsonDocument.Parse(ResponseAssert.Header(response, "x-switchyard-explain")!);
        var fallbacks = explain.RootElement.GetProperty("explanation").GetProperty("fallbacks");
        Assert.Equal("small", fallbacks.GetProperty("from").GetString());
        Assert.Equal(["other"], fallbacks.GetProperty("on_failure").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["long"], fallbacks.GetProperty("on_context_overflow").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(128000, fallbacks.GetProperty("context_window").GetInt32());
    }

    [Fact]
    public async Task GroupMemberOrAnotherEntryOfTheSameModel_IsNotMarkedAsAFallback()
    {
        const string unavailable = """{"error":{"message":"unavailable","type":"server_error"}}""";
        await using var m1 = await FakeUpstream.StartAsync(Reply.Json(503, unavailable));
        await using var m2 = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var solo = await FakeUpstream.StartAsync(Reply.Json(503, unavailable));
        await using var sameModel = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $$"""
            model_providers:
              - {name: m1, model: openai/gpt-4o, access_key: k1, base_url: "{{m1.BaseUrl}}"}
              - {name: m2, model: openai/gpt-4o, access_key: k2, base_url: "{{m2.BaseUrl}}"}
              - {name: solo, model: openai/gpt-4o-mini, access_key: k3, base_url: "{{solo.BaseUrl}}", fallbacks: [same-key2]}
              - {name: same-key2, model: openai/gpt-4o-mini, access_key: k4, base_url: "{{sameModel.BaseUrl}}"}
            model_groups:
              g: {models: [m1, m2]}
            """);

        // The first request for a group starts at its first member (m1, 503); the other member serves.
        using var group = await gw.PostChatAsync(Yaml.Chat("g"));
        await ResponseAssert.OkAsync(group);
        Assert.Equal("2", ResponseAssert.Header(group, "x-switchyard-attempts"));
        Assert.Null(ResponseAssert.Header(group, "x-switchyard-fallback-from"));

        // A fallback that is another entry (key) of the same provider model is not a move to another model.
        using var same = await gw.PostChatAsync(Yaml.Chat("solo"));
        await ResponseAssert.OkAsync(same);
        Assert.Equal("same-key2", ResponseAssert.Header(same, "x-switchyard-model"));
        Assert.Null(ResponseAssert.Header(same, "x-switchyard-fallback-from"));
    }
}
