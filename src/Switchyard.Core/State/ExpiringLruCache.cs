namespace Switchyard.Core.State;

/// <summary>
/// The in-memory mechanism behind the process-local stores: entries expire a fixed time after they were set (reads
/// do not extend them), and beyond a cap the least recently used entry is evicted, so memory stays bounded. One
/// lock guards the map and the LRU list; every operation is O(1) apart from sweeping expired entries off the cold
/// end on writes. With a size function the cache is also bounded in (estimated) bytes: the total stays within
/// <see cref="MaxBytes"/>, and a value larger than <see cref="MaxEntryBytes"/> is not stored at all.
/// </summary>
internal sealed class ExpiringLruCache<TValue>
    where TValue : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    // Most recently used first; eviction takes from the end.
    private readonly LinkedList<Entry> _lru = new();
    private readonly TimeProvider _time;
    private readonly Func<TValue, long>? _sizeOf;
    private long _bytes;

    public ExpiringLruCache(TimeProvider? time, TimeSpan timeToLive, int maxEntries)
        : this(time, timeToLive, maxEntries, sizeOf: null, long.MaxValue, long.MaxValue)
    {
    }

    /// <param name="time">Clock for expiry.</param>
    /// <param name="timeToLive">Lifetime of an entry after it was set.</param>
    /// <param name="maxEntries">Count cap.</param>
    /// <param name="sizeOf">Estimated bytes a value holds; null = no byte bounds.</param>
    /// <param name="maxBytes">Cap on the sum of the sizes.</param>
    /// <param name="maxEntryBytes">Values estimated larger than this are not stored.</param>
    public ExpiringLruCache(TimeProvider? time, TimeSpan timeToLive, int maxEntries, Func<TValue, long>? sizeOf, long maxBytes, long maxEntryBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntryBytes, 1);
        _time = time ?? TimeProvider.System;
        TimeToLive = timeToLive;
        MaxEntries = maxEntries;
        _sizeOf = sizeOf;
        MaxBytes = maxBytes;
        MaxEntryBytes = Math.Min(maxEntryBytes, maxBytes);
    }

    public TimeSpan TimeToLive { get; }

    public int MaxEntries { get; }

    /// <summary>Cap on the estimated bytes of all values (unbounded without a size function).</summary>
    public long MaxBytes { get; }

    /// <summary>Largest estimated size of one stored value.</summary>
    public long MaxEntryBytes { get; }

    /// <summary>Estimated bytes of the values held (0 without a size function).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

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

                Unlink(node);
            }
        }

        value = null;
        return false;
    }

    /// <summary>Stores <paramref name="value"/>; false when it is over <see cref="MaxEntryBytes"/> (an older value under the key is dropped too).</summary>
    public bool Set(string key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var now = _time.GetUtcNow();
        // Sized outside the lock: the estimate walks the value.
        var size = _sizeOf?.Invoke(value) ?? 0;
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                Unlink(existing);
            }

            if (size > MaxEntryBytes)
            {
                return false;
            }

            _map[key] = _lru.AddFirst(new Entry(key, value, now + TimeToLive, size));
            _bytes += size;

            // Expired entries at the cold end go first (cheap, keeps stale data from lingering); then the caps.
            while (_lru.Last is { } last && (last.Value.ExpiresAt <= now || _map.Count > MaxEntries || _bytes > MaxBytes))
            {
                Unlink(last);
            }

            return true;
        }
    }

    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_map.TryGetValue(key, out var node))
            {
                return false;
            }

            Unlink(node);
            return true;
        }
    }

    // Under _gate.
    private void Unlink(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _map.Remove(node.Value.Key);
        _bytes -= node.Value.Size;
    }

    private sealed record Entry(string Key, TValue Value, DateTimeOffset ExpiresAt, long Size);
}
