using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Anthropic Messages and OpenAI Responses clients reaching a provider that speaks their own protocol: the body and
/// the answer pass through byte for byte (only <c>model</c> patched), with the vendor's auth.
/// </summary>
public sealed class ProtocolPassthroughTests
{
    private const string MessagesBody = """{"model":"claude","max_tokens":1024,"messages":[{"role":"user","content":"Hi"}],"x_unknown":{"keep":[1,2]}}""";

    private static string AnthropicConfig(FakeUpstream up) => Yaml.Listener() + $"""
        model_providers:
          - model: anthropic/claude-sonnet-4-5
            name: claude
            access_key: sk-ant-test
            base_url: {up.BaseUrl}
        """;

    [Fact]
    public async Task Messages_AnthropicUpstream_BodyAndAnswerPassThroughWithAnthropicAuth()
    {
        const string fixture = "anthropic/pydai__test_anthropic_tool_with_thinking.0.json";
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(AnthropicConfig(up));

        using var response = await gw.PostAsync("/v1/messages", Encoding.UTF8.GetBytes(MessagesBody),
            [("anthropic-version", "2023-06-01"), ("anthropic-beta", "interleaved-thinking-2025-05-14"), ("x-api-key", "client-key")]);

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes(fixture), await response.Content.ReadAsByteArrayAsync());
        var seen = up.Single();
        Assert.Equal("/v1/messages", seen.PathAndQuery);
        Assert.Equal("sk-ant-test", seen.Header("x-api-key"));
        Assert.Null(seen.Header("Authorization"));
        Assert.Equal("2023-06-01", seen.Header("anthropic-version"));
        Assert.Equal("interleaved-thinking-2025-05-14", seen.Header("anthropic-beta"));
        Assert.Equal(MessagesBody.Replace("\"claude\"", "\"claude-sonnet-4-5\"", StringComparison.Ordinal), Encoding.UTF8.GetString(seen.Body));
    }

    [Fact]
    public async Task Messages_AnthropicUpstreamStream_RelayedByteForByte()
    {
        const string fixture = "anthropic/llmanth__test_stream_events_thinking.0.sse";
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(AnthropicConfig(up));

        using var response = await gw.PostAsync("/v1/messages", Encoding.UTF8.GetBytes(MessagesBody.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Fixtures.Bytes(fixture), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Messages_AnthropicStreamCutBeforeMessageStop_EndsWithErrorEvent()
    {
        var recorded = Encoding.UTF8.GetString(Fixtures.Bytes("anthropic/llmanth__test_stream_events_text.0.sse")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var events = recorded.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var script = Reply.Sse();
        foreach (var ev in events.TakeWhile(e => !e.Contains("message_delta", StringComparison.Ordinal)))
        {
            script.Raw(ev + "\n\n");
        }

        var go = new Gate();
        await using var up = await FakeUpstream.StartAsync(script.WaitFor(go).Abort());
        await using var gw = await TestGateway.StartAsync(AnthropicConfig(up));

        using var response = await gw.PostAsync("/v1/messages", Encoding.UTF8.GetBytes(MessagesBody.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)),
            completion: HttpCompletionOption.ResponseHeadersRead);
        var sse = new SseClient(await response.Content.ReadAsStreamAsync());
        Assert.Contains("message_start", await sse.ReadEventAsync(), StringComparison.Ordinal);
        go.Open(); // only now does the upstream break the connection: the first bytes already reached the client
        var rest = await sse.ReadAllEventsAsync();

        Assert.DoesNotContain(rest, e => e.Contains("message_stop", StringComparison.Ordinal));
        // Anthropic's own in-stream error shape, which @anthropic-ai/sdk raises as an APIError.
        Assert.StartsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":", rest[^1], StringComparison.Ordinal);
        Assert.Contains("before it was complete", rest[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai-responses/llm__test_responses_basic_non_streaming.0.json", false)]
    [InlineData("openai-responses/llm__test_responses_basic_streaming.0.sse", true)]
    [InlineData("openai-responses/llm__test_responses_tool_use_streaming.0.sse", true)]
    public async Task Responses_OpenAIUpstream_PassesThroughToResponsesEndpoint(string fixture, bool stream)
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-openai
                base_url: {up.BaseUrl}
            """);
        var body = $$"""{"model":"openai/gpt-4o-mini","input":"Hi","stream":{{(stream ? "true" : "false")}}}""";

        using var response = await gw.PostAsync("/v1/responses", Encoding.UTF8.GetBytes(body));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes(fixture), await response.Content.ReadAsByteArrayAsync());
        var seen = up.Single();
        Assert.Equal("/v1/responses", seen.PathAndQuery);
        Assert.Equal("Bearer sk-openai", seen.Header("Authorization"));
        Assert.Equal(body.Replace("openai/gpt-4o-mini", "gpt-4o-mini", StringComparison.Ordinal), Encoding.UTF8.GetString(seen.Body));
    }

    [Fact]
    public async Task CountTokens_AnthropicUpstream_AskedUpstream()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Json(200, """{"input_tokens":42}"""));
        await using var gw = await TestGateway.StartAsync(AnthropicConfig(up));

        using var response = await gw.PostAsync("/v1/messages/count_tokens", Encoding.UTF8.GetBytes("""{"model":"claude","messages":[{"role":"user","content":"Hi"}]}"""));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("""{"input_tokens":42}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("upstream", response.Headers.GetValues("x-switchyard-token-count").Single());
        var seen = up.Single();
        Assert.Equal("/v1/messages/count_tokens", seen.PathAndQuery);
        Assert.Equal("sk-ant-test", seen.Header("x-api-key"));
        Assert.Contains("\"model\":\"claude-sonnet-4-5\"", Encoding.UTF8.GetString(seen.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTokens_NonAnthropicModel_Estimated()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {up.BaseUrl}
            """);
        var text = new string('a', 400);

        using var response = await gw.PostAsync("/v1/messages/count_tokens", Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","system":"{{text}}","messages":[{"role":"user","content":"{{text}}"}]}"""));

        await ResponseAssert.OkAsync(response);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(201, doc.RootElement.GetProperty("input_tokens").GetInt32()); // 800 chars + "user" (4) = 804, /4 rounded up
        Assert.Equal("estimate", response.Headers.GetValues("x-switchyard-token-count").Single());
        Assert.Equal(0, up.RequestCount);
    }
}
