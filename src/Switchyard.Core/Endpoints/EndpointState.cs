using Switchyard.Core.Resilience;
using Switchyard.Core.Limits;

namespace Switchyard.Core.Endpoints;

/// <summary>How one finished attempt went, as an endpoint remembers it.</summary>
public readonly record struct EndpointOutcome(DateTimeOffset At, bool Success, int Status, string Kind);

/// <summary>What kind of failure an attempt had, as the admin stats count them (<c>errors</c> by class).</summary>
public enum ErrorClass
{
    /// <summary>429 from the upstream.</summary>
    RateLimited,
    /// <summary>5xx from the upstream (or an early error event equivalent to one).</summary>
    ServerError,
    /// <summary>First-byte, request or idle timeout.</summary>
    Timeout,
    /// <summary>No connection, or the connection broke before the answer.</summary>
    Connection,
    /// <summary>The upstream refused the gateway's own key (401/403).</summary>
    AuthRefused,
    /// <summary>The prompt does not fit the model's context window.</summary>
    ContextOverflow,
    /// <summary>A 2xx answer that was empty or not what the protocol says.</summary>
    InvalidAnswer,
    /// <summary>A stream cut after it had started (upstream closed, idle timeout, an oversized event).</summary>
    StreamCut,
    /// <summary>Any other 4xx: the client's own request refused (its own key, a bad parameter).</summary>
    ClientError,
}

/// <summary>The latest failure of an endpoint (its message already free of secrets).</summary>
public sealed record EndpointError(DateTimeOffset At, int Status, ErrorClass Class, string Message);

/// <summary>A point-in-time copy of an endpoint's figures (tests, explain output, the admin page later).</summary>
public sealed record EndpointSnapshot(
    string Key, string EntryName, int InFlight, long Requests, long Successes, long Failures, int ConsecutiveFailures,
    long CredentialRefusals, double? LatencySeconds, double? TimeToFirstTokenSeconds, IReadOnlyList<EndpointOutcome> Recent);

/// <summary>
/// What the gateway knows about one upstream endpoint — one (provider entry, credential) pair — across requests and
/// config reloads (DESIGN.md §1.1): requests in flight, exponentially weighted averages of total latency (JSON
/// answers) and time to first token (streams), and recent outcomes. Built with a snapshot and carried to the next
/// one while the entry is unchanged (<see cref="EndpointRegistry"/>). Thread-safe; updates are a few interlocked
/// operations or a short lock, no allocation.
/// </summary>
public sealed class EndpointState
{
    /// <summary>Weight of the newest sample in the averages.</summary>
    public const double Alpha = 0.3;

    /// <summary>How many recent outcomes are kept.</summary>
    public const int RecentCapacity = 32;

    private readonly object _lock = new();
    private readonly EndpointOutcome[] _recent = new EndpointOutcome[RecentCapacity];
    private int _recentNext;
    private int _recentCount;
    private int _inFlight;
    private long _requests;
    private long _successes;
    private long _failures;
    private int _consecutiveFailures;
    private long _credentialRefusals;
    private double _latency = double.NaN;
    private double _ttft = double.NaN;
    private readonly long[] _errors = new long[ErrorClassCount];
    private EndpointError? _lastError;

    /// <summary>Number of <see cref="ErrorClass"/> values.</summary>
    public const int ErrorClassCount = (int)ErrorClass.ClientError + 1;

    public EndpointState(string key, string entryName)
    {
        Key = key;
        EntryName = entryName;
    }

    /// <summary>The circuit breaker (docs/resilience.md), driven by <see cref="RecordSuccess"/> and <see cref="RecordFailure"/>.</summary>
    public CircuitBreaker Breaker { get; } = new();

    /// <summary>The bulkhead; its slot is taken by the dispatch gate and freed by <see cref="Finish"/>.</summary>
    public Bulkhead Bulkhead { get; } = new();

    /// <summary>The settings of the newest config that names this endpoint (set when a snapshot is built).</summary>
    public EndpointPolicy Policy { get => Volatile.Read(ref _policy); set => Volatile.Write(ref _policy, value); }

    private EndpointPolicy _policy = EndpointPolicy.Default;

    /// <summary>The entry's canonical key (identity across reloads; holds no secret).</summary>
    public string Key { get; }

    /// <summary>The provider entry's name, for messages.</summary>
    public string EntryName { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Attempts started since the endpoint's state was created.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Attempts started in about the last minute (the usage-based strategy's figure).</summary>
    public RecentUsage Usage { get; } = new();

    /// <summary>Tokens (input + output, as the upstream reported them) of answers finished in about the last minute.</summary>
    public RecentUsage Tokens { get; } = new();

    /// <summary>Total duration of successful attempts (request sent to the answer's last byte, streams included).</summary>
    public LatencyHistogram Durations { get; } = new();

    /// <summary>Time to first token of streams that committed.</summary>
    public LatencyHistogram FirstTokens { get; } = new();

    /// <summary>Failures of this endpoint by <see cref="ErrorClass"/> (index = class), since its state was created.</summary>
    public long ErrorsOf(ErrorClass kind) => Interlocked.Read(ref _errors[(int)kind]);

    /// <summary>The latest failure, or null.</summary>
    public EndpointError? LastError => Volatile.Read(ref _lastError);

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>How often the upstream refused this endpoint's credential (401/403 on the gateway's own key).</summary>
    public long CredentialRefusals => Interlocked.Read(ref _credentialRefusals);

    /// <summary>Average total latency of JSON answers in seconds, or null before the first one.</summary>
    public double? LatencySeconds
    {
        get
        {
            lock (_lock)
            {
                return double.IsNaN(_latency) ? null : _latency;
            }
        }
    }

    /// <summary>Average time to first token of streams in seconds, or null before the first one.</summary>
    public double? TimeToFirstTokenSeconds
    {
        get
        {
            lock (_lock)
            {
                return double.IsNaN(_ttft) ? null : _ttft;
            }
        }
    }

    /// <summary>An attempt starts: counts it in flight until <see cref="Finish"/>.</summary>
    public void Start()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _requests);
        Usage.Record(Environment.TickCount64);
    }

    /// <summary>The attempt is over (whatever its outcome).</summary>
    public void Finish()
    {
        Interlocked.Decrement(ref _inFlight);
        Bulkhead.Release();
    }

    /// <summary>Time to first token of a stream that committed.</summary>
    public void RecordTimeToFirstToken(TimeSpan value)
    {
        FirstTokens.Record(value);
        lock (_lock)
        {
            _ttft = double.IsNaN(_ttft) ? value.TotalSeconds : (Alpha * value.TotalSeconds) + ((1 - Alpha) * _ttft);
        }
    }

    /// <summary>
    /// The attempt succeeded (committed and completed); <paramref name="latency"/> is the total latency of a JSON
    /// answer (null for streams, whose time to first token is recorded at commit). One lock for both.
    /// </summary>
    public void RecordSuccess(DateTimeOffset at, int status, TimeSpan? latency = null)
    {
        Interlocked.Increment(ref _successes);
        Volatile.Write(ref _consecutiveFailures, 0);
        lock (_lock)
        {
            if (latency is { } value)
            {
                _latency = double.IsNaN(_latency) ? value.TotalSeconds : (Alpha * value.TotalSeconds) + ((1 - Alpha) * _latency);
            }

            RememberLocked(new EndpointOutcome(at, true, status, "ok"));
        }

        Breaker.OnSuccess(at);
    }

    /// <summary>A successful attempt's total duration and the tokens its answer reported (0 when none).</summary>
    public void RecordCompleted(TimeSpan duration, long tokens)
    {
        Durations.Record(duration);
        if (tokens > 0)
        {
            Tokens.Record(Environment.TickCount64, tokens);
        }
    }

    /// <summary>
    /// Counts a failed attempt by class and keeps it as the latest error (every failure, the client's own 4xx
    /// included; only upstream faults also go to <see cref="RecordFailure"/> and the breaker).
    /// <paramref name="message"/> must already be free of secrets.
    /// </summary>
    public void CountError(ErrorClass kind, DateTimeOffset at, int status, string message)
    {
        Interlocked.Increment(ref _errors[(int)kind]);
        Volatile.Write(ref _lastError, new EndpointError(at, status, kind, message));
    }

    /// <summary>
    /// The attempt failed in a way that counts against the endpoint (an upstream fault: 5xx, 429, timeouts,
    /// connection errors, the gateway's own key refused — never a client's 4xx).
    /// </summary>
    public void RecordFailure(DateTimeOffset at, int status, string kind, bool credentialRefused)
    {
        Interlocked.Increment(ref _failures);
        var consecutive = Interlocked.Increment(ref _consecutiveFailures);
        if (credentialRefused)
        {
            Interlocked.Increment(ref _credentialRefusals);
        }

        var policy = Policy;
        int outcomes, failed;
        lock (_lock)
        {
            RememberLocked(new EndpointOutcome(at, false, status, kind));
            (outcomes, failed) = CountSinceLocked(at - policy.Breaker.Window);
        }

        Breaker.OnFailure(at, consecutive, outcomes, failed, credentialRefused, policy.Breaker);
    }

    // Outcomes (and failures among them) in the recent ring at or after `since`: the breaker's error-rate window.
    private (int Outcomes, int Failures) CountSinceLocked(DateTimeOffset since)
    {
        int outcomes = 0, failures = 0;
        for (var i = 0; i < _recentCount; i++)
        {
            var o = _recent[(_recentNext - 1 - i + RecentCapacity) % RecentCapacity];
            if (o.At < since)
            {
                break;
            }

            outcomes++;
            failures += o.Success ? 0 : 1;
        }

        return (outcomes, failures);
    }

    public EndpointSnapshot Snapshot()
    {
        EndpointOutcome[] recent;
        double latency, ttft;
        lock (_lock)
        {
            recent = new EndpointOutcome[_recentCount];
            for (var i = 0; i < _recentCount; i++)
            {
                recent[i] = _recent[(_recentNext - _recentCount + i + RecentCapacity) % RecentCapacity];
            }

            latency = _latency;
            ttft = _ttft;
        }

        return new EndpointSnapshot(Key, EntryName, InFlight, Interlocked.Read(ref _requests), Interlocked.Read(ref _successes),
            Interlocked.Read(ref _failures), ConsecutiveFailures, CredentialRefusals,
            double.IsNaN(latency) ? null : latency, double.IsNaN(ttft) ? null : ttft, recent);
    }

    private void RememberLocked(EndpointOutcome outcome)
    {
        _recent[_recentNext] = outcome;
        _recentNext = (_recentNext + 1) % RecentCapacity;
        _recentCount = Math.Min(_recentCount + 1, RecentCapacity);
    }
}
