namespace Switchyard.Core.State;

/// <summary>
/// The in-memory mechanism behind the process-local stores: entries expire a fixed time after they were set (reads
/// do not extend them), and beyond a cap the least recently used entry is evicted, so memory stays bounded. One
/// lock guards the map and the LRU list; every operation is O(1) apart from sweeping expired entries off the cold
/// end on writes.
/// </summary>
internal sealed class ExpiringLruCache<TValue>
    where TValue : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    // Most recently used first; eviction takes from the end.
    private readonly LinkedList<Entry> _lru = new();
    private readonly TimeProvider _time;

    public ExpiringLruCache(TimeProvider? time, TimeSpan timeToLive, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
        TimeToLive = timeToLive;
        MaxEntries = maxEntries;
    }

    public TimeSpan TimeToLive { get; }

    public int MaxEntries { get; }

    /// <summary>Entries currently held (expired ones not yet swept included).</summary>
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

    public bool TryGet(string key, out TValue? value)
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
                    value = node.Value.Value;
                    return true;
                }

                _lru.Remove(node);
                _map.Remove(key);
            }
        }

        value = null;
        return false;
    }

    public void Set(string key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var now = _time.GetUtcNow();
        var entry = new Entry(key, value, now + TimeToLive);
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _lru.Remove(existing);
            }

            _map[key] = _lru.AddFirst(entry);

            // Expired entries at the cold end go first (cheap, keeps stale data from lingering); then the cap.
            while (_lru.Last is { } last && (last.Value.ExpiresAt <= now || _map.Count > MaxEntries))
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }

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

    private sealed record Entry(string Key, TValue Value, DateTimeOffset ExpiresAt);
}
