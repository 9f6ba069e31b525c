namespace Switchyard.Core.Relay;

/// <summary>Which clock ended an attempt's wait.</summary>
public enum TimerFired { None, Deadline, Idle, Client }

/// <summary>
/// The clocks of one attempt, on the injected <see cref="TimeProvider"/>: a deadline (first byte for streams — time
/// to the first committed event; the whole exchange for JSON answers: <c>request_timeout</c>) and the idle timer
/// (the gap between two reads after commit: <c>stream_idle_timeout</c>). <see cref="Token"/> is cancelled by either,
/// or by the client going away; <see cref="Fired"/> says which. The idle clock runs only while a read is pending, so a
/// slow client draining a write never counts as an idle upstream.
/// </summary>
public sealed class AttemptTimers : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _client;

    public AttemptTimers(TimeProvider time, CancellationToken client)
    {
        _client = client;
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(client, _deadline.Token, _idle.Token);
    }

    /// <summary>Cancelled when any clock runs out or the client goes away.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>The client went away.</summary>
    public bool ClientGone => _client.IsCancellationRequested;

    public TimerFired Fired => _client.IsCancellationRequested ? TimerFired.Client
        : _deadline.IsCancellationRequested ? TimerFired.Deadline
        : _idle.IsCancellationRequested ? TimerFired.Idle
        : TimerFired.None;

    /// <summary>Starts (or restarts) the deadline.</summary>
    public void ArmDeadline(TimeSpan after) => _deadline.CancelAfter(after);

    /// <summary>Stops the deadline (a stream's first event is in).</summary>
    public void DisarmDeadline() => _deadline.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Starts the idle clock for one read.</summary>
    public void ArmIdle(TimeSpan after) => _idle.CancelAfter(after);

    /// <summary>Stops the idle clock (the read returned).</summary>
    public void DisarmIdle() => _idle.CancelAfter(Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _linked.Dispose();
        _deadline.Dispose();
        _idle.Dispose();
    }
}
