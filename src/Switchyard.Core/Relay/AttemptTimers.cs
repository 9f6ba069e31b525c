namespace Switchyard.Core.Relay;

/// <summary>Which clock ended an attempt's wait.</summary>
public enum TimerFired { None, Deadline, Idle, Client }

/// <summary>
/// The clocks of one attempt, on the injected <see cref="TimeProvider"/>: a deadline (first byte for streams — time
/// to the first committed event; the whole exchange for JSON answers: <c>request_timeout</c>) and the idle timer
/// (the gap between two reads after commit: <c>stream_idle_timeout</c>). <see cref="Token"/> is cancelled by either,
/// or by the client going away; <see cref="Fired"/> says which. The idle clock runs only while a read is pending, so a
/// slow client draining a write never counts as an idle upstream. Both clocks share one timer (armed for whichever
/// comes first), so an attempt costs one token source and one timer.
/// </summary>
public sealed class AttemptTimers : IDisposable
{
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _client;
    private readonly CancellationTokenRegistration _clientRegistration;
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private DateTimeOffset _deadlineAt = DateTimeOffset.MaxValue;
    private TimerFired _armed;

    public AttemptTimers(TimeProvider time, CancellationToken client)
    {
        _time = time;
        _client = client;
        _cts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _clientRegistration = client.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
    }

    /// <summary>Cancelled when any clock runs out or the client goes away.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The client went away.</summary>
    public bool ClientGone => _client.IsCancellationRequested;

    public TimerFired Fired => _client.IsCancellationRequested ? TimerFired.Client
        : _cts.IsCancellationRequested ? _armed
        : TimerFired.None;

    /// <summary>Starts (or restarts) the deadline.</summary>
    public void ArmDeadline(TimeSpan after)
    {
        _deadlineAt = _time.GetUtcNow() + after;
        Schedule(TimerFired.Deadline, after);
    }

    /// <summary>Stops the deadline (a stream's first event is in).</summary>
    public void DisarmDeadline()
    {
        _deadlineAt = DateTimeOffset.MaxValue;
        if (_armed == TimerFired.Deadline)
        {
            Schedule(TimerFired.None, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts the idle clock for one read (the deadline still applies if it comes first).</summary>
    public void ArmIdle(TimeSpan after)
    {
        var toDeadline = RemainingToDeadline();
        if (toDeadline < after)
        {
            Schedule(TimerFired.Deadline, toDeadline);
        }
        else
        {
            Schedule(TimerFired.Idle, after);
        }
    }

    /// <summary>Stops the idle clock (the read returned); the deadline, if armed, keeps running.</summary>
    public void DisarmIdle()
    {
        if (_deadlineAt == DateTimeOffset.MaxValue)
        {
            Schedule(TimerFired.None, Timeout.InfiniteTimeSpan);
        }
        else
        {
            Schedule(TimerFired.Deadline, RemainingToDeadline());
        }
    }

    public void Dispose()
    {
        _clientRegistration.Dispose(); // waits for a running callback, so the source is not cancelled after disposal
        _cts.Dispose();
    }

    private TimeSpan RemainingToDeadline()
    {
        if (_deadlineAt == DateTimeOffset.MaxValue)
        {
            return TimeSpan.MaxValue;
        }

        var left = _deadlineAt - _time.GetUtcNow();
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    private void Schedule(TimerFired kind, TimeSpan after)
    {
        if (_cts.IsCancellationRequested)
        {
            return; // a clock already ran out: keep the verdict
        }

        _armed = kind;
        // A timer cannot run longer than ~49 days; a longer clock is as good as none.
        _cts.CancelAfter(after > MaxTimer ? Timeout.InfiniteTimeSpan : after);
    }
}
