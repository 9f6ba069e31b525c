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
/// <remarks>
/// <para>
/// Arming and disarming only record times: the deadline's instant, and when the pending read started. One timer
/// (<see cref="TimeProvider.CreateTimer"/>) is kept armed for no later than the earliest instant any clock could run
/// out; when it fires, the callback looks at the recorded state and either cancels <see cref="Token"/> with the clock
/// that really ran out, or re-arms for the next instant one could. An arm moves the timer only when its clock would run
/// out before the timer is due: the first read's, if the deadline is further away and <c>idle</c> was not given to the
/// constructor; never in steady state, as the timer is re-armed at most one idle period ahead (while no read is
/// pending, for one starting now). A verdict may come up to a timer tick (a millisecond) late, never early.
/// </para>
/// <para>
/// Thread safety: the relay arms and disarms on one thread while the callback runs on a timer thread. An arm publishes
/// its clock with a full fence and then reads when the timer is due; the callback marks the timer as not due (a full
/// fence) before it reads the clocks. So either the callback sees the new clock, or the arm sees the mark and
/// re-evaluates under the lock the callback holds, after it. Cancelling, re-arming and <see cref="Dispose"/> share
/// that lock: nothing is cancelled or re-armed after disposal, and <see cref="Dispose"/> waits for a running callback.
/// </para>
/// </remarks>
public sealed class AttemptTimers : IDisposable
{
    private const long Never = long.MaxValue;
    private const long NoRead = long.MinValue;
    // A timer cannot run longer than ~49 days; a longer clock is as good as none.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
    private static readonly TimerCallback OnTimer = static s => ((AttemptTimers)s!).Reevaluate();

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationToken _client;
    private readonly CancellationTokenRegistration _clientRegistration;
    private readonly Lock _gate = new();
    private readonly double _stampsPerTick; // the provider's timestamp units per TimeSpan tick
    private ITimer? _timer;
    private bool _disposed;
    private int _verdict; // a TimerFired, written before the token source is cancelled

    // In the provider's timestamp units (TimeProvider.GetTimestamp).
    private long _deadlineAt = Never;
    private long _readStart = NoRead; // when the pending read started; NoRead while none is
    private long _idle; // the idle clock's length; 0 until known
    private long _dueAt = Never; // the timer fires no earlier than this (Never: not armed, or being re-evaluated)

    /// <param name="time">The clock.</param>
    /// <param name="client">The client's token (the request aborted).</param>
    /// <param name="idle">
    /// The idle clock the reads will arm (<c>stream_idle_timeout</c>), if known: the timer is then armed no later than
    /// that after the deadline starts, so not even the first read has to move it.
    /// </param>
    public AttemptTimers(TimeProvider time, CancellationToken client, TimeSpan idle = default)
    {
        _time = time;
        _client = client;
        _stampsPerTick = time.TimestampFrequency / (double)TimeSpan.TicksPerSecond;
        _idle = idle > TimeSpan.Zero && idle <= MaxTimer ? ToStamps(idle) : 0;
        _clientRegistration = client.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
    }

    /// <summary>Cancelled when any clock runs out or the client goes away.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The client went away.</summary>
    public bool ClientGone => _client.IsCancellationRequested;

    public TimerFired Fired => _client.IsCancellationRequested ? TimerFired.Client
        : _cts.IsCancellationRequested ? (TimerFired)Volatile.Read(ref _verdict)
        : TimerFired.None;

    /// <summary>Starts (or restarts) the deadline.</summary>
    public void ArmDeadline(TimeSpan after)
    {
        var at = after > MaxTimer ? Never : _time.GetTimestamp() + ToStamps(after);
        Interlocked.Exchange(ref _deadlineAt, at); // a full fence before reading _dueAt (see the remarks)
        if (at < Volatile.Read(ref _dueAt))
        {
            Reevaluate();
        }
    }

    /// <summary>Stops the deadline (a stream's first event is in). The timer is left as it is: it finds nothing.</summary>
    public void DisarmDeadline() => Volatile.Write(ref _deadlineAt, Never);

    /// <summary>Starts the idle clock for one read (the deadline still applies if it comes first).</summary>
    public void ArmIdle(TimeSpan after)
    {
        if (after > MaxTimer)
        {
            Volatile.Write(ref _readStart, NoRead);
            return;
        }

        var idle = ToStamps(after);
        Volatile.Write(ref _idle, idle);
        var start = _time.GetTimestamp();
        Interlocked.Exchange(ref _readStart, start); // a full fence before reading _dueAt (see the remarks)
        if (start + idle < Volatile.Read(ref _dueAt))
        {
            Reevaluate();
        }
    }

    /// <summary>Stops the idle clock (the read returned); the deadline, if armed, keeps running.</summary>
    public void DisarmIdle() => Volatile.Write(ref _readStart, NoRead);

    public void Dispose()
    {
        lock (_gate) // waits for a running callback; none cancels or re-arms after this
        {
            _disposed = true;
        }

        _timer?.Dispose();
        _clientRegistration.Dispose(); // waits for a running client callback, so the source is not cancelled after disposal
        _cts.Dispose();
    }

    /// <summary>
    /// Cancels with the clock that ran out first, if one has; otherwise arms the timer for the earliest instant one
    /// could run out.
    /// </summary>
    private void Reevaluate()
    {
        lock (_gate)
        {
            if (_disposed || _cts.IsCancellationRequested)
            {
                return; // disposed, or a verdict is in (a clock's or the client's): keep it
            }

            // From here an arm that reads _dueAt re-evaluates after us; we read the clocks after this full fence.
            Interlocked.Exchange(ref _dueAt, Never);
            var now = _time.GetTimestamp();
            var deadlineAt = Volatile.Read(ref _deadlineAt);
            var readStart = Volatile.Read(ref _readStart);
            var idle = Volatile.Read(ref _idle);
            var idleAt = readStart == NoRead ? Never : readStart + idle;
            if (now >= deadlineAt || now >= idleAt)
            {
                Volatile.Write(ref _verdict, (int)(deadlineAt < idleAt ? TimerFired.Deadline : TimerFired.Idle));
                _cts.Cancel();
                return;
            }

            // No read pending: one starting now runs out an idle period from now at the earliest.
            var next = Math.Min(deadlineAt, readStart != NoRead ? idleAt : idle > 0 ? now + idle : Never);
            if (next == Never)
            {
                return; // nothing can run out until a clock is armed
            }

            var due = DueIn(next - now);
            if (_timer is null)
            {
                _timer = _time.CreateTimer(OnTimer, this, due, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(due, Timeout.InfiniteTimeSpan);
            }

            Volatile.Write(ref _dueAt, next);
        }
    }

    private long ToStamps(TimeSpan span) => (long)Math.Ceiling(span.Ticks * _stampsPerTick);

    /// <summary>
    /// The timer's due time for <paramref name="stamps"/> (&gt; 0) from now, rounded up to whole milliseconds (timers
    /// count milliseconds and would drop the rest), so the timer never fires before the clock runs out.
    /// </summary>
    private TimeSpan DueIn(long stamps)
    {
        var ticks = (long)Math.Ceiling(stamps / _stampsPerTick);
        var ms = Math.Min((ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond, uint.MaxValue - 1);
        return TimeSpan.FromTicks(ms * TimeSpan.TicksPerMillisecond);
    }
}
