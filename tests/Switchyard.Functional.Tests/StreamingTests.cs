using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>Streams are relayed event by event, never buffered, cancelled end to end, and never end looking whole when cut.</summary>
public sealed class StreamingTests
{
    private static string Config(FakeUpstream primary, FakeUpstream? backup = null) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {primary.BaseUrl}
        {(backup is null ? "" : "    fallbacks: [backup]")}
          - name: backup
            model: openai/gpt-4o
            access_key: k
            base_url: {(backup ?? primary).BaseUrl}
        """;

    [Fact]
    public async Task ChatCompletions_UpstreamWaitsAfterFirstEvent_ClientReadsFirstEventBeforeSecondIsSent()
    {
        var gate = new Gate();
        await using var up = await FakeUpstream.StartAsync(Reply.Sse().Chunk("one").WaitFor(gate).Chunk("two").Data(SseScript.ChunkJson("", "stop")).Done());
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        await ResponseAssert.OkAsync(response);
        var sse = new SseClient(await response.Content.ReadAsStreamAsync());

        var first = await sse.ReadEventAsync();
        Assert.False(gate.IsOpen, "the test had not released the second event yet");
        Assert.Equal("data: " + SseScript.ChunkJson("one", null) + "\n\n", first);

        gate.Open();
        var rest = await sse.ReadAllEventsAsync();
        Assert.Equal(["data: " + SseScript.ChunkJson("two", null) + "\n\n", "data: " + SseScript.ChunkJson("", "stop") + "\n\n", "data: [DONE]\n\n"], rest);
    }

    [Fact]
    public async Task ChatCompletions_NonStreamBodyInTwoParts_ClientGetsFirstPartBeforeSecondIsSent()
    {
        var gate = new Gate();
        await using var up = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync("{\"id\":\"a\","u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await gate.WaitAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync("\"choices\":[]}"u8.ToArray(), context.RequestAborted);
        });
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini"));
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestGateway.WaitLimit);

        Assert.False(gate.IsOpen);
        Assert.Equal("{\"id\":\"a\",", Encoding.UTF8.GetString(buffer, 0, n));
        gate.Open();
        using var rest = new StreamReader(stream);
        Assert.Equal("\"choices\":[]}", await rest.ReadToEndAsync().WaitAsync(TestGateway.WaitLimit));
    }

    [Fact]
    public async Task ChatCompletions_UpstreamAbortsAfterTwoEvents_ClientGetsBothThenErrorEventAndNoFailover()
    {
        var clientHasTwo = new Gate();
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var up = await FakeUpstream.StartAsync(Reply.Sse().Chunk("one").Chunk("two").WaitFor(clientHasTwo).Abort());
        await using var gw = await TestGateway.StartAsync(Config(up, backup));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var sse = new SseClient(await response.Content.ReadAsStreamAsync());
        Assert.Equal("data: " + SseScript.ChunkJson("one", null) + "\n\n", await sse.ReadEventAsync());
        Assert.Equal("data: " + SseScript.ChunkJson("two", null) + "\n\n", await sse.ReadEventAsync());
        clientHasTwo.Open();
        var rest = await sse.ReadAllEventsAsync();

        var error = Assert.Single(rest);
        Assert.StartsWith("data: {\"error\":", error, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"stream_interrupted\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", Encoding.UTF8.GetString(sse.AllBytes), StringComparison.Ordinal);
        Assert.Equal(0, backup.RequestCount);
        Assert.Equal("1", response.Headers.GetValues("x-switchyard-attempts").Single());
    }

    [Fact]
    public async Task ChatCompletions_UpstreamClosesCleanlyWithoutDoneOrFinishReason_ClientGetsErrorEvent()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Sse().Chunk("one").Chunk("two"));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var events = await new SseClient(await response.Content.ReadAsStreamAsync()).ReadAllEventsAsync();

        Assert.Equal(3, events.Count);
        Assert.Contains("\"code\":\"stream_interrupted\"", events[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamEndsWithFinishReasonButNoDone_StreamEndsWithoutError()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Sse().Chunk("one").Data(SseScript.ChunkJson("", "stop")));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var events = await new SseClient(await response.Content.ReadAsStreamAsync()).ReadAllEventsAsync();

        Assert.Equal(["data: " + SseScript.ChunkJson("one", null) + "\n\n", "data: " + SseScript.ChunkJson("", "stop") + "\n\n"], events);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamStreamsItsOwnErrorEvent_ErrorReachesClientAndStreamIsNotCompleted()
    {
        const string fixture = "groq/pydai__test_tool_use_failed_error_streaming.0.sse";
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit));

        var recorded = Encoding.UTF8.GetString(Fixtures.Bytes(fixture)).TrimEnd('\n');
        Assert.StartsWith(recorded, body, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"tool_use_failed\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
    }
}
