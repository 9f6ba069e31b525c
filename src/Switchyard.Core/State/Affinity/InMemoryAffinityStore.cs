namespace Switchyard.Core.State.Affinity;

/// <summary>
/// Process-local <see cref="IAffinityStore"/>, the default (<c>session_cache.type: memory</c>): a pin expires
/// <see cref="TimeToLive"/> after it was last <see cref="Set"/> (reads do not extend it — re-set to slide), and
/// beyond <see cref="MaxEntries"/> the least recently used pin is evicted. One lock guards the map and the LRU
/// list; every operation is O(1) apart from sweeping expired entries off the cold end.
/// </summary>
public sealed class InMemoryAffinityStore : IAffinityStore
{
    /// <summary>Default lifetime of a pin (<c>routing.session_ttl_seconds</c>: 600).</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(600);

    /// <summary>Default cap (<c>routing.session_max_entries</c>: 10,000).</summary>
    public const int DefaultMaxEntries = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    // Most recently used first; eviction takes from the end.
    private readonly LinkedList<Entry> _lru = new();
    private readonly TimeProvider _time;

    /// <summary>Creates a store with the given lifetime and cap (defaults 600 s and 10,000).</summary>
    public InMemoryAffinityStore(TimeProvider? time = null, TimeSpan? timeToLive = null, int maxEntries = DefaultMaxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        var ttl = timeToLive ?? DefaultTimeToLive;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
        TimeToLive = ttl;
        MaxEntries = maxEntries;
    }

    /// <summary>How long a pin lives after it was set.</summary>
    public TimeSpan TimeToLive { get; }

    /// <summary>The most pins kept; the least recently used one goes first.</summary>
    public int MaxEntries { get; }

    /// <summary>Pins currently held (expired ones not yet swept included).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    /// <inheritdoc />
    public bool TryGet(string key, out AffinityEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                if (node.Value.ExpiresAt > now)
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    entry = node.Value.Pin;
                    return true;
                }

                _lru.Remove(node);
                _map.Remove(key);
            }
        }

        entry = null;
        return false;
    }

    /// <inheritdoc />
    public void Set(string key, AffinityEntry entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(entry);
        var now = _time.GetUtcNow();
        var value = new Entry(key, entry, now + TimeToLive);
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _lru.Remove(existing);
            }

            _map[key] = _lru.AddFirst(value);

            // Expired pins at the cold end go first (cheap, keeps stale pins from lingering); then the cap.
            while (_lru.Last is { } last && (last.Value.ExpiresAt <= now || _map.Count > MaxEntries))
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }

    /// <inheritdoc />
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_map.Remove(key, out var node))
            {
                return false;
            }

            _lru.Remove(node);
            return true;
        }
    }

    private sealed record Entry(string Key, AffinityEntry Pin, DateTimeOffset ExpiresAt);
}
