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
    public void ArmIdle_ReadPendingButNotIdleLongEnoughWhenTheTimerFires_RearmsForThatReadInsteadOfCancelling()
    {
        var time = new CountingTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmIdle(TimeSpan.FromSeconds(10)); // the timer is set for 10 s
        time.Advance(TimeSpan.FromSeconds(4));
        timers.DisarmIdle();
        time.Advance(TimeSpan.FromSeconds(1));
        timers.ArmIdle(TimeSpan.FromSeconds(10)); // pending since 5 s: runs out at 15 s
        time.Advance(TimeSpan.FromSeconds(5)); // the timer fires at 10 s: the read has waited 5 s only
        Assert.Equal(1, time.Fires);
        Assert.False(timers.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(timers.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.Idle, timers.Fired);
    }

    [Fact]
    public void ArmIdle_InSteadyState_NeverTouchesTheTimer()
    {
        var time = new CountingTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None, idle: TimeSpan.FromSeconds(60));

        timers.ArmDeadline(TimeSpan.FromHours(1)); // with the idle length known up front, armed for 60 s
        Assert.Equal(1, time.Arms);
        for (var i = 0; i < 1000; i++)
        {
            timers.ArmIdle(TimeSpan.FromSeconds(60));
            time.Advance(TimeSpan.FromSeconds(1)); // fires and re-arms every 60 s
            timers.DisarmIdle();
            time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.False(timers.Token.IsCancellationRequested);
        Assert.Equal(time.Fires + 1, time.Arms); // every arm after the first came from the timer's own callback
        Assert.InRange(time.Fires, 20, 30); // ~1500 s at one fire per idle period (60 s) at most
    }

    [Fact]
    public void ArmIdle_ReadEndsJustBeforeTheTimer_NothingRunsOut()
    {
        var time = new FakeTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmIdle(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMilliseconds(9999));
        timers.DisarmIdle();
        time.Advance(TimeSpan.FromMinutes(10)); // the timer fires at 10 s, and keeps checking: no read is pending

        Assert.False(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.None, timers.Fired);

        timers.ArmIdle(TimeSpan.FromSeconds(10)); // the next read counts from its own start
        time.Advance(TimeSpan.FromMilliseconds(9999));
        Assert.False(timers.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimerFired.Idle, timers.Fired);
    }

    [Fact]
    public void ArmIdle_DeadlineComesFirst_TheDeadlineIsTheVerdict()
    {
        var time = new FakeTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None, idle: TimeSpan.FromSeconds(60));

        timers.ArmDeadline(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(1));
        timers.ArmIdle(TimeSpan.FromSeconds(60)); // a read pending at the deadline: the deadline still applies
        time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.False(timers.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.Deadline, timers.Fired);
    }

    [Fact]
    public void ArmIdle_IdleComesFirst_IdleIsTheVerdictAndIsKept()
    {
        var time = new FakeTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmDeadline(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(1));
        timers.ArmIdle(TimeSpan.FromSeconds(2)); // moves the timer earlier: 3 s rather than 30 s
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimerFired.Idle, timers.Fired);

        timers.DisarmIdle(); // nothing after the verdict changes it
        timers.ArmDeadline(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimerFired.Idle, timers.Fired);
    }

    [Fact]
    public void DisarmDeadline_ThenTheTimerFiresAtTheOldDeadline_NothingRunsOut()
    {
        var time = new CountingTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmDeadline(TimeSpan.FromSeconds(30)); // a stream's first-byte clock
        time.Advance(TimeSpan.FromSeconds(10));
        timers.DisarmDeadline(); // the first event is in; the timer stays set for 30 s
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, time.Fires);
        Assert.False(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.None, timers.Fired);
    }

    [Fact]
    public void LateFire_AfterDisarmIdle_DoesNothing()
    {
        var time = new CountingTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None);

        timers.ArmIdle(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMilliseconds(999));
        timers.DisarmIdle();
        time.Advance(TimeSpan.FromMilliseconds(1)); // the clock would have run out now, but no read is pending
        time.FireLate(); // a fire the timer thread had already picked up before the read ended

        Assert.False(timers.Token.IsCancellationRequested);
        Assert.Equal(TimerFired.None, timers.Fired);
    }

    [Fact]
    public void LateFire_AfterDispose_NeitherCancelsNorThrows()
    {
        var time = new CountingTimeProvider();
        var timers = new AttemptTimers(time, CancellationToken.None);
        timers.ArmDeadline(TimeSpan.FromSeconds(1));
        var token = timers.Token;

        timers.Dispose();
        time.Advance(TimeSpan.FromSeconds(2)); // the deadline has passed: a callback that ignored disposal would cancel
        time.FireLate();

        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public void Dispose_AFireLandingWhileItRuns_NeitherCancelsNorThrows()
    {
        // The timer thread picks the fire up as the deadline passes, but runs it only once Dispose is under way.
        var time = new CountingTimeProvider { HoldFires = true, FireOnDispose = true };
        var timers = new AttemptTimers(time, CancellationToken.None);
        timers.ArmDeadline(TimeSpan.FromSeconds(1));
        var token = timers.Token;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, time.Fires);
        Assert.False(token.IsCancellationRequested);

        timers.Dispose();

        Assert.Equal(1, time.LateFires);
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task Dispose_RacingAFire_NoCancelAfterDisposeAndNoException()
    {
        for (var i = 0; i < 500; i++)
        {
            var time = new FakeTimeProvider();
            var timers = new AttemptTimers(time, CancellationToken.None);
            timers.ArmDeadline(TimeSpan.FromMilliseconds(1));
            var disposed = 0;
            var cancelledAfterDispose = false;
            timers.Token.UnsafeRegister(_ => cancelledAfterDispose |= Volatile.Read(ref disposed) == 1, null);
            using var start = new Barrier(2);

            var firing = Task.Run(() =>
            {
                start.SignalAndWait();
                time.Advance(TimeSpan.FromMilliseconds(1));
            });
            start.SignalAndWait();
            timers.Dispose();
            Volatile.Write(ref disposed, 1);
            await firing; // rethrows whatever the callback let escape

            Assert.False(cancelledAfterDispose);
        }
    }

    [Fact]
    public void ClocksLongerThanATimerCanRun_CountAsNone()
    {
        var time = new FakeTimeProvider();
        using var timers = new AttemptTimers(time, CancellationToken.None, idle: TimeSpan.FromDays(60));

        timers.ArmDeadline(TimeSpan.FromDays(50));
        timers.ArmIdle(TimeSpan.MaxValue);
        time.Advance(TimeSpan.FromDays(100));

        Assert.False(timers.Token.IsCancellationRequested);
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

    /// <summary>
    /// Fake time that counts how often the attempt's timer is set (created or changed) and fires, and can replay a
    /// fire late, as a timer thread that picked the callback up before a change would.
    /// </summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;

        public int Arms { get; private set; }

        public int Fires { get; private set; }

        public int LateFires { get; private set; }

        /// <summary>Replays the callback when the attempt disposes the timer, after the timer itself is disposed.</summary>
        public bool FireOnDispose { get; init; }

        /// <summary>Counts fires without running the callback (a timer thread that has not got to it yet).</summary>
        public bool HoldFires { get; init; }

        public void FireLate()
        {
            LateFires++;
            _callback!(_state);
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callback = callback;
            _state = state;
            Arms++;
            return new CountingTimer(this, base.CreateTimer(
                s =>
                {
                    Fires++;
                    if (!HoldFires)
                    {
                        callback(s);
                    }
                },
                state,
                dueTime,
                period));
        }

        private sealed class CountingTimer(CountingTimeProvider owner, ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                owner.Arms++;
                return inner.Change(dueTime, period);
            }

            public void Dispose()
            {
                inner.Dispose();
                if (owner.FireOnDispose)
                {
                    owner.FireLate();
                }
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
