using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>Recorded provider answers reach the client byte for byte, with the gateway's routing headers.</summary>
public sealed class RelayTests
{
    private static string Config(FakeUpstream up, string model = "openai/gpt-4o-mini") => Yaml.Listener() + $"""
        model_providers:
          - model: {model}
            access_key: k
            base_url: {up.BaseUrl}
        """;

    [Theory]
    [InlineData("openai/envoy__chat-basic.0.json")]
    [InlineData("openai/envoy__chat-tools.0.json")]
    [InlineData("openai/envoy__chat-parallel-tools.0.json")]
    [InlineData("openai/envoy__chat-reasoning.0.json")]
    [InlineData("groq/pydai__test_groq_native_output.0.json")]
    [InlineData("mistral/vercel__mistral-tool-call.json")]
    public async Task ChatCompletions_NonStreamFixture_ClientGetsExactBytesAndRoutingHeaders(string fixture)
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Fixtures.Bytes(fixture), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("openai", Header(response, "x-switchyard-provider"));
        Assert.Equal("openai/gpt-4o-mini", Header(response, "x-switchyard-model"));
        Assert.Equal("1", Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task ChatCompletions_NamedEntry_ModelHeaderIsTheEntryName()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: smart
                model: openai/gpt-4o
                access_key: k
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("smart"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("smart", Header(response, "x-switchyard-model"));
        Assert.Contains("\"model\":\"gpt-4o\"", up.Single().BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamMetadataHeaders_ForwardedButOthersDropped()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Json(200, "{\"id\":\"x\",\"choices\":[]}",
            ("x-request-id", "req_123"), ("openai-processing-ms", "42"), ("x-ratelimit-remaining-requests", "99"),
            ("set-cookie", "session=secret"), ("x-internal-upstream", "nope")));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("req_123", Header(response, "x-request-id"));
        Assert.Equal("42", Header(response, "openai-processing-ms"));
        Assert.Equal("99", Header(response, "x-ratelimit-remaining-requests"));
        Assert.Null(Header(response, "set-cookie"));
        Assert.Null(Header(response, "x-internal-upstream"));
    }

    [Theory]
    [InlineData("openai/envoy__chat-streaming.0.sse")]
    [InlineData("openai/envoy__chat-streaming-detailed-usage.0.sse")]
    [InlineData("openai/llm__test_tool_use_basic.0.sse")]
    [InlineData("openai/pydai__test_complex_agent_run.0.sse")]
    [InlineData("openai/pydai__test_complex_agent_run.2.sse")]
    [InlineData("mistral/pydai__test_mistral_model_thinking_part_iter.0.sse")]
    public async Task ChatCompletions_StreamFixture_ClientGetsExactBytesIncludingDone(string fixture)
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(Config(up));

        // The client asks for usage itself, so the recording's usage chunk is its to see (see UsageTapTests).
        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true).Replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", Header(response, "x-switchyard-attempts"));
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit);
        var expected = Fixtures.Bytes(fixture);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(body));
        Assert.Equal(expected, body);
        Assert.EndsWith("data: [DONE]\n\n", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_StreamServedInOddChunksWithCrlfFraming_ClientGetsExactBytes()
    {
        // Events split mid-line and mid-UTF-8 character across writes, CRLF and mixed line ends, a comment line and an
        // event larger than the relay's initial 16 KiB buffer.
        var big = SseScript.ChunkJson(new string('x', 40_000) + "é", null);
        var stream = ": keep-alive\r\n\r\n"
                     + "event: message\r\ndata: " + SseScript.ChunkJson("Grüße 🚀", null) + "\r\n\r\n"
                     + "data: " + big + "\n\n"
                     + "data: " + SseScript.ChunkJson("", "stop") + "\r\n\n"
                     + "data: [DONE]\n\n";
        var bytes = Encoding.UTF8.GetBytes(stream);
        var script = Reply.Sse();
        int[] cuts = [3, 20, 75, 77, 5000, 40_100, bytes.Length - 4];
        var start = 0;
        foreach (var cut in cuts)
        {
            script.Raw(bytes[start..cut]);
            start = cut;
        }

        script.Raw(bytes[start..]);
        await using var up = await FakeUpstream.StartAsync(script);
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit);
        Assert.Equal(stream, Encoding.UTF8.GetString(body));
        Assert.Equal(bytes, body);
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
}
