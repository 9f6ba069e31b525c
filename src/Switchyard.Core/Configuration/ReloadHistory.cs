namespace Switchyard.Core.Configuration;

/// <summary>One config load or reload, as the admin page lists it.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Ok">True when the new config is serving.</param>
/// <param name="Generation">The snapshot generation serving afterwards.</param>
/// <param name="Errors">Why a reload was rejected (each diagnostic as the log prints it, secrets removed); empty when ok.</param>
/// <param name="Warnings">Warnings of the load.</param>
public sealed record ReloadEvent(DateTimeOffset At, bool Ok, long Generation, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

/// <summary>
/// The last <see cref="Capacity"/> config loads and reloads of a <see cref="ConfigManager"/> (the first load
/// included), and the last rejected reload, for the admin page. Subscribes to the manager's events; not on any
/// request path.
/// </summary>
public sealed class ReloadHistory : IDisposable
{
    public const int Capacity = 20;

    private readonly ConfigManager _config;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly LinkedList<ReloadEvent> _events = new();
    private ReloadEvent? _lastError;
    private long _version;

    public ReloadHistory(ConfigManager config, TimeProvider time)
    {
        _config = config;
        _time = time;
        Add(new ReloadEvent(time.GetUtcNow(), true, config.Current.Generation, [], []));
        config.Reloaded += OnReloaded;
        config.ReloadFailed += OnReloadFailed;
    }

    /// <summary>Changes whenever an event is added (the admin page re-sends the config section then).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The events, newest first.</summary>
    public IReadOnlyList<ReloadEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The newest rejected reload, or null.</summary>
    public ReloadEvent? LastError
    {
        get
        {
            lock (_lock)
            {
                return _lastError;
            }
        }
    }

    private void OnReloaded(RuntimeSnapshot snapshot)
        => Add(new ReloadEvent(_time.GetUtcNow(), true, snapshot.Generation, [], []));

    private void OnReloadFailed(ConfigLoadResult result)
    {
        // Diagnostics quote paths and (already redacted) values; scrub the serving config's secrets all the same.
        var config = _config.Current.Config;
        var e = new ReloadEvent(_time.GetUtcNow(), false, _config.Current.Generation,
            [.. result.Errors.Select(d => RedactedConfig.Scrub(d.ToString(), config))],
            [.. result.Warnings.Select(d => RedactedConfig.Scrub(d.ToString(), config))]);
        lock (_lock)
        {
            _lastError = e;
        }

        Add(e);
    }

    private void Add(ReloadEvent e)
    {
        lock (_lock)
        {
            _events.AddFirst(e);
            while (_events.Count > Capacity)
            {
                _events.RemoveLast();
            }
        }

        Interlocked.Increment(ref _version);
    }

    public void Dispose()
    {
        _config.Reloaded -= OnReloaded;
        _config.ReloadFailed -= OnReloadFailed;
    }
}
