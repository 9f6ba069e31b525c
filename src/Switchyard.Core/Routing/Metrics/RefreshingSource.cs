namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// The health of a <see cref="RefreshingSource{T}"/> at one moment, for logs, the admin API and the explain output.
/// </summary>
/// <param name="Name">The source's name (e.g. <c>cost:models.dev</c>).</param>
/// <param name="HasData">True once any fetch succeeded.</param>
/// <param name="LastSuccessAt">When the data in use was fetched; null before the first success.</param>
/// <param name="LastAttemptAt">When the last fetch finished; null before the first.</param>
/// <param name="LastError">The last failed fetch's message; null when the last fetch succeeded.</param>
/// <param name="LastErrorAt">When the last failure happened; kept after later successes.</param>
/// <param name="ConsecutiveFailures">Failures since the last success.</param>
public sealed record MetricsSourceStatus(
    string Name,
    bool HasData,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastAttemptAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures);

/// <summary>
/// Keeps a metrics snapshot fresh: fetches on <see cref="StartAsync"/>, then every refresh interval on a
/// <see cref="TimeProvider"/> timer. A failed fetch never replaces data — <see cref="Current"/> stays the LAST
/// GOOD snapshot and the failure is exposed on <see cref="Status"/>. Refreshes never overlap (a tick that finds one
/// running is skipped). Thread-safe: readers see one immutable state swapped atomically.
/// </summary>
/// <typeparam name="T">The snapshot type (<see cref="CostCatalog"/>, <see cref="LatencySnapshot"/>).</typeparam>
public sealed class RefreshingSource<T> : IAsyncDisposable
    where T : class
{
    private readonly Func<CancellationToken, Task<MetricsResult<T>>> _fetch;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _timerGate = new();
    private State _state = new(null, null, null, null, null, 0);
    private ITimer? _timer;
    private int _refreshing;
    private bool _disposed;

    /// <summary>Creates a source; nothing is fetched until <see cref="StartAsync"/> or <see cref="RefreshAsync"/>.</summary>
    /// <param name="name">For status and logs.</param>
    /// <param name="fetch">One fetch; expected failures must be returned as values (exceptions are recorded too).</param>
    /// <param name="refreshInterval">Time between fetches; null fetches once at startup only (Plano's behaviour).</param>
    /// <param name="time">Clock and timers.</param>
    public RefreshingSource(string name, Func<CancellationToken, Task<MetricsResult<T>>> fetch, TimeSpan? refreshInterval, TimeProvider? time = null)
    {
        if (refreshInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshInterval), "refresh interval must be positive");
        }

        Name = name;
        _fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
        RefreshInterval = refreshInterval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The source's name.</summary>
    public string Name { get; }

    /// <summary>Time between fetches; null when fetched once.</summary>
    public TimeSpan? RefreshInterval { get; }

    /// <summary>The last good snapshot; null until a fetch has succeeded.</summary>
    public T? Current => Volatile.Read(ref _state).Current;

    /// <summary>The source's health now.</summary>
    public MetricsSourceStatus Status
    {
        get
        {
            var s = Volatile.Read(ref _state);
            return new MetricsSourceStatus(Name, s.Current is not null, s.LastSuccessAt, s.LastAttemptAt, s.LastError, s.LastErrorAt, s.ConsecutiveFailures);
        }
    }

    /// <summary>The refresh started by the last timer tick, so tests and shutdown can wait for it.</summary>
    internal Task LastTick { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Fetches once now and, when an interval is set, starts the timer. Returns the first fetch's outcome so startup
    /// can log or fail on it; the timer runs either way.
    /// </summary>
    public async Task<MetricsSourceStatus> StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (RefreshInterval is { } interval)
        {
            lock (_timerGate)
            {
                if (!_disposed)
                {
                    _timer ??= _time.CreateTimer(static s => ((RefreshingSource<T>)s!).OnTick(), this, interval, interval);
                }
            }
        }

        return Status;
    }

    /// <summary>
    /// Fetches once now. Returns true when fresh data was stored, false when the fetch failed (the previous data is
    /// kept) or another refresh was already running.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            MetricsResult<T> result;
            try
            {
                result = await _fetch(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                result = MetricsResult<T>.Fail("refresh cancelled");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A fetch bug must not take the timer (and so the process) down; it shows up on Status instead.
                result = MetricsResult<T>.Fail($"{ex.GetType().Name}: {ex.Message}");
            }

            var now = _time.GetUtcNow();
            var old = Volatile.Read(ref _state);
            var next = result.Value is { } value
                ? old with { Current = value, LastSuccessAt = now, LastAttemptAt = now, LastError = null, ConsecutiveFailures = 0 }
                : old with { LastAttemptAt = now, LastError = result.Error, LastErrorAt = now, ConsecutiveFailures = old.ConsecutiveFailures + 1 };
            Volatile.Write(ref _state, next);
            return result.Succeeded;
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>Stops the timer and cancels a running fetch.</summary>
    public async ValueTask DisposeAsync()
    {
        ITimer? timer;
        lock (_timerGate)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            timer = _timer;
            _timer = null;
        }

        if (timer is not null)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await LastTick.ConfigureAwait(false);
        }
        finally
        {
            _stopping.Dispose();
        }
    }

    private void OnTick()
    {
        if (!Volatile.Read(ref _disposed) && Volatile.Read(ref _refreshing) == 0)
        {
            LastTick = RefreshAsync(CancellationToken.None);
        }
    }

    private sealed record State(
        T? Current,
        DateTimeOffset? LastSuccessAt,
        DateTimeOffset? LastAttemptAt,
        string? LastError,
        DateTimeOffset? LastErrorAt,
        int ConsecutiveFailures);
}
