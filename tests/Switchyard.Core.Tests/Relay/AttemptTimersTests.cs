using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Core.Configuration;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Relay;
using Switchyard.Core.Resilience;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Tests.Relay;

/// <summary>The attempt's clocks on fake time: no test here sleeps.</summary>
public class AttemptTimersTests
{
    [Fact]
    public void ArmDeadline_FiresExactlyWhenItsTimeHasPassed()
    {
        var time = new FakeTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmDeadline(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(29.999));
        Assert.False(timers.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.Deadline, timers.Fired);
    }

    [Fact]
    public void DisarmIdle_AfterARead_TheGapNoLongerCounts()
    {
        var time = new FakeTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmIdle(TimeSpan.FromSeconds(1));
        timers.DisarmIdle();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.None, timers.Fired);
    }

    [Fact]
    public void ClientGone_IsReportedAsTheClientNotATimeout()
    {
        using var client = new CancellationTokenSource();
        using var timers = new AttemptTimers(new FakeTimeProvider(), client.Token);

        client.Cancel();

        Assert.True(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.Client, timers.Fired);
    }

    [Fact]
    public async Task PassthroughStream_UpstreamSilentLongerThanStreamIdleTimeout_EndsWithIdleTimeoutErrorEvent()
    {
        var time = new FakeTimeProvider();
        var upstream = new Pipe();
        var (relay, output) = ChatStreamRelay(time, upstream.Reader.AsStream());
        await upstream.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\"}}]}\n\n"));

        Assert.Equal(PeekKind.Ready, (await relay.PeekAsync()).Kind);
        var relaying = relay.RelayAsync().AsTask();
        await WaitUntil(() => output.Length > 0); // the first event went out; the relay now waits on the upstream
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(relaying.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var end = await relaying.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(RelayEnd.IdleTimeout, end);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("stream_idle_timeout", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private static (UpstreamRelay Relay, MemoryStream Output) ChatStreamRelay(TimeProvider time, Stream upstream)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("") };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
        return RelayHarness.ChatStream("openai/gpt-4o-mini", upstream, UpstreamProtocol.OpenAIChat, upstreamCodec: null, response, time);
    }
}
