using Switchyard.Core.Configuration;

namespace Switchyard.Core.Resilience;

/// <summary>Where an endpoint's breaker stands.</summary>
public enum BreakerState
{
    /// <summary>Healthy: every request may try it.</summary>
    Closed,
    /// <summary>Too many upstream faults (or a Retry-After): skipped until the cooldown ends.</summary>
    Open,
    /// <summary>Cooldown over: one probe request goes through; its outcome closes or reopens the breaker.</summary>
    HalfOpen,
    /// <summary>The upstream refused this endpoint's credential (401/403 on the gateway's key): off for the key cooldown.</summary>
    KeyDisabled,
}

/// <summary>What the breaker says to one request that wants to try the endpoint.</summary>
public enum BreakerAdmission
{
    /// <summary>Closed: go ahead.</summary>
    Allowed,
    /// <summary>This request is the single half-open probe.</summary>
    Probe,
    /// <summary>Open, disabled, or another request holds the probe slot: skip without an attempt.</summary>
    Rejected,
}

/// <summary>
/// The circuit breaker of one endpoint (docs/resilience.md, "Circuit breakers"): closed → open after
/// <c>failure_threshold</c> consecutive upstream faults or an error rate over the window; open → half-open when the
/// cooldown ends (one probe); probe success → closed, probe failure → open again with the cooldown doubled (up to
/// <see cref="CircuitBreakerSettings.MaxBackoff"/>). A Retry-After cools the endpoint for that long; a refused
/// credential disables it for <c>key_cooldown</c>. Owned by <see cref="EndpointState"/>, driven by its
/// RecordSuccess/RecordFailure. The closed state is one volatile read; transitions take a private lock.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly object _lock = new();
    private int _state; // BreakerState
    private long _openUntilTicks; // UTC ticks
    private long _openedAtTicks;
    private long _probeAtTicks;
    private long _closedAtTicks; // 0: never opened
    private int _trips; // consecutive failed probes, for the backoff

    /// <summary>
    /// An open period this close to its end counts as over: a request that waited out the upstream's Retry-After (a
    /// timer, which may fire a tick early against the clock) retries as the probe instead of being turned away.
    /// </summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(100);

    public BreakerState State => (BreakerState)Volatile.Read(ref _state);

    /// <summary>True unless closed: the slow path of the gate and the readiness check look further.</summary>
    public bool IsTripped => Volatile.Read(ref _state) != (int)BreakerState.Closed;

    /// <summary>When the current open (or disabled) period ends; null while closed.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_lock)
            {
                return _state is (int)BreakerState.Open or (int)BreakerState.KeyDisabled ? new DateTimeOffset(_openUntilTicks, TimeSpan.Zero) : null;
            }
        }
    }

    /// <summary>When the breaker last opened (or the key was disabled); null while closed.</summary>
    public DateTimeOffset? OpenedAt
    {
        get
        {
            lock (_lock)
            {
                return _state == (int)BreakerState.Closed ? null : new DateTimeOffset(_openedAtTicks, TimeSpan.Zero);
            }
        }
    }

    /// <summary>
    /// Since when the breaker is in its current state: when it opened (or the key was disabled), when the half-open
    /// probe went out, or when it last closed; null for a breaker that has never opened.
    /// </summary>
    public DateTimeOffset? Since
    {
        get
        {
            lock (_lock)
            {
                var ticks = (BreakerState)_state switch
                {
                    BreakerState.Closed => _closedAtTicks,
                    BreakerState.HalfOpen => _probeAtTicks,
                    _ => _openedAtTicks,
                };
                return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
            }
        }
    }

    /// <summary>May a request try the endpoint at <paramref name="now"/>?</summary>
    public BreakerAdmission TryEnter(DateTimeOffset now, CircuitBreakerSettings settings)
    {
        if (Volatile.Read(ref _state) == (int)BreakerState.Closed)
        {
            return BreakerAdmission.Allowed;
        }

        lock (_lock)
        {
            if (!settings.Enabled && _state != (int)BreakerState.KeyDisabled)
            {
                CloseLocked(now); // turned off by a reload while open
                return BreakerAdmission.Allowed;
            }

            switch ((BreakerState)_state)
            {
                case BreakerState.Closed:
                    return BreakerAdmission.Allowed;
                case BreakerState.Open or BreakerState.KeyDisabled:
                    if (now.UtcTicks + ClockSlack.Ticks < _openUntilTicks)
                    {
                        return BreakerAdmission.Rejected;
                    }

                    _state = (int)BreakerState.HalfOpen;
                    _probeAtTicks = now.UtcTicks;
                    return BreakerAdmission.Probe;
                default: // half-open: one probe at a time; a probe that never reported (client gone) frees the slot after a cooldown
                    if (now.UtcTicks < _probeAtTicks + settings.Cooldown.Ticks)
                    {
                        return BreakerAdmission.Rejected;
                    }

                    _probeAtTicks = now.UtcTicks;
                    return BreakerAdmission.Probe;
            }
        }
    }

    /// <summary>An attempt succeeded at <paramref name="now"/>: closes the breaker.</summary>
    public void OnSuccess(DateTimeOffset now)
    {
        if (Volatile.Read(ref _state) == (int)BreakerState.Closed)
        {
            return;
        }

        lock (_lock)
        {
            CloseLocked(now);
        }
    }

    /// <summary>
    /// An upstream fault at <paramref name="now"/>. <paramref name="consecutive"/> counts consecutive faults including
    /// this one; <paramref name="windowFailures"/> of <paramref name="windowOutcomes"/> recent outcomes inside the
    /// window were faults. Returns the state after it.
    /// </summary>
    public BreakerState OnFailure(DateTimeOffset now, int consecutive, int windowOutcomes, int windowFailures, bool credentialRefused, CircuitBreakerSettings settings)
    {
        if (!settings.Enabled)
        {
            return State;
        }

        lock (_lock)
        {
            if (credentialRefused)
            {
                OpenLocked(BreakerState.KeyDisabled, now, settings.KeyCooldown);
                return BreakerState.KeyDisabled;
            }

            switch ((BreakerState)_state)
            {
                case BreakerState.Closed:
                    var rateTripped = settings.ErrorRate > 0 && windowOutcomes >= CircuitBreakerSettings.MinWindowOutcomes
                                      && windowFailures > settings.ErrorRate * windowOutcomes;
                    if (consecutive >= settings.FailureThreshold || rateTripped)
                    {
                        _trips = 0;
                        OpenLocked(BreakerState.Open, now, settings.Cooldown);
                    }

                    break;
                case BreakerState.HalfOpen:
                    _trips++;
                    OpenLocked(BreakerState.Open, now, Backoff(settings.Cooldown, _trips));
                    break;
                default:
                    // Already open: an attempt made anyway (every candidate was open) failed; the cooldown stands.
                    break;
            }

            return (BreakerState)_state;
        }
    }

    /// <summary>A 429/503 with Retry-After: the endpoint cools for that long (never shortening a longer open period).</summary>
    public void CoolFor(DateTimeOffset now, TimeSpan retryAfter, CircuitBreakerSettings settings)
    {
        if (!settings.Enabled || retryAfter <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            var until = now.UtcTicks + retryAfter.Ticks;
            if (_state is (int)BreakerState.Open or (int)BreakerState.KeyDisabled && _openUntilTicks >= until)
            {
                return;
            }

            var state = _state == (int)BreakerState.KeyDisabled ? BreakerState.KeyDisabled : BreakerState.Open;
            OpenLocked(state, now, retryAfter);
        }
    }

    /// <summary>An active health probe answered 2xx at <paramref name="now"/>: the endpoint is back.</summary>
    public void Reset(DateTimeOffset now)
    {
        lock (_lock)
        {
            CloseLocked(now);
        }
    }

    /// <summary>The cooldown after the <paramref name="trips"/>-th failed probe: doubled each time, capped.</summary>
    public static TimeSpan Backoff(TimeSpan cooldown, int trips)
    {
        var cap = cooldown > CircuitBreakerSettings.MaxBackoff ? cooldown : CircuitBreakerSettings.MaxBackoff;
        var factor = Math.Pow(2, Math.Min(trips, 30));
        var ticks = cooldown.Ticks * factor;
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    private void OpenLocked(BreakerState state, DateTimeOffset now, TimeSpan duration)
    {
        _openedAtTicks = now.UtcTicks;
        _openUntilTicks = now.UtcTicks + duration.Ticks;
        Volatile.Write(ref _state, (int)state);
    }

    private void CloseLocked(DateTimeOffset now)
    {
        if (_state != (int)BreakerState.Closed)
        {
            _closedAtTicks = now.UtcTicks;
        }

        _trips = 0;
        _openUntilTicks = 0;
        Volatile.Write(ref _state, (int)BreakerState.Closed);
    }
}
