using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>A client that goes away takes its upstream request with it, at every stage.</summary>
public sealed class CancellationTests
{
    private static string Config(FakeUpstream up, int maxRetries = 0) => Yaml.Listener(maxRetries: maxRetries) + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {up.BaseUrl}
        """;

    [Fact]
    public async Task ChatCompletions_ClientCancelsMidStream_UpstreamRequestIsAborted()
    {
        var never = new Gate();
        await using var up = await FakeUpstream.StartAsync(Reply.Sse().Chunk("one").WaitFor(never).Chunk("two").Done());
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var cts = new CancellationTokenSource();
        using var response = await gw.PostChatAsync(Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-4o-mini", stream: true)), null,
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var sse = new SseClient(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.NotNull(await sse.ReadEventAsync(cts.Token));
        var upstreamRequest = up.Single();
        Assert.False(upstreamRequest.WasAborted);

        var pending = sse.ReadEventAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        await upstreamRequest.Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(never.IsOpen);
    }

    [Fact]
    public async Task ChatCompletions_ClientCancelsBeforeUpstreamHeaders_UpstreamRequestIsAborted()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Hang());
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var cts = new CancellationTokenSource();
        var call = gw.PostChatAsync(Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-4o-mini")), null, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var upstreamRequest = await up.NextRequestAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await upstreamRequest.Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ChatCompletions_ClientCancelsDuringRetryWait_NoFurtherAttempt()
    {
        await using var up = await FakeUpstream.StartAsync();
        up.Enqueue(Reply.Json(503, "{\"error\":{\"message\":\"later\",\"type\":\"x\"}}", ("Retry-After", "1")));
        await using var gw = await TestGateway.StartAsync(Config(up, maxRetries: 1));

        using var cts = new CancellationTokenSource();
        var call = gw.PostChatAsync(Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-4o-mini")), null, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var first = await up.NextRequestAsync();
        await first.Finished.WaitAsync(TestGateway.WaitLimit);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // Waiting for something that must not happen: no retry within twice the Retry-After.
        var retry = await Record.ExceptionAsync(() => up.NextRequestAsync(TimeSpan.FromSeconds(2)));
        Assert.IsAssignableFrom<OperationCanceledException>(retry);
        Assert.Equal(1, up.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_AfterAbortedStream_NextRequestToSameUpstreamSucceeds()
    {
        var never = new Gate();
        await using var up = await FakeUpstream.StartAsync();
        up.Enqueue(Reply.Sse().Chunk("one").WaitFor(never).Done());
        await using var gw = await TestGateway.StartAsync(Config(up));

        using (var cts = new CancellationTokenSource())
        {
            using var response = await gw.PostChatAsync(Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-4o-mini", stream: true)), null,
                HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var sse = new SseClient(await response.Content.ReadAsStreamAsync(cts.Token));
            Assert.NotNull(await sse.ReadEventAsync(cts.Token));
            var pending = sse.ReadEventAsync(cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        await up.Requests[0].Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        using var second = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));
        await ResponseAssert.OkAsync(second);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await second.Content.ReadAsByteArrayAsync());
    }
}
