namespace Switchyard.Core.State;

/// <summary>
/// Process-local <see cref="IResponseStateStore"/>: entries expire <see cref="TimeToLive"/> after they were stored,
/// and beyond <see cref="MaxEntries"/> the least recently used entry is evicted, so memory stays bounded however many
/// conversations clients start. One lock guards the map and the LRU list: every operation is O(1) and short.
/// </summary>
public sealed class InMemoryResponseStateStore : IResponseStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    // Most recently used first; eviction takes from the end.
    private readonly LinkedList<Entry> _lru = new();
    private readonly TimeProvider _time;

    /// <summary>Creates a store; <paramref name="timeToLive"/> defaults to one hour, <paramref name="maxEntries"/> to 10,000.</summary>
    public InMemoryResponseStateStore(TimeProvider? time = null, TimeSpan? timeToLive = null, int maxEntries = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        var ttl = timeToLive ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
        TimeToLive = ttl;
        MaxEntries = maxEntries;
    }

    /// <summary>A shared store with the defaults, used by the default Responses codec.</summary>
    public static InMemoryResponseStateStore Shared { get; } = new();

    /// <summary>How long an entry lives after it was stored.</summary>
    public TimeSpan TimeToLive { get; }

    /// <summary>The most entries kept; the least recently used one goes first.</summary>
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

    /// <inheritdoc />
    public bool TryGet(string id, out StoredConversation? conversation)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_map.TryGetValue(id, out var node))
            {
                if (node.Value.ExpiresAt > now)
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    conversation = node.Value.Conversation;
                    return true;
                }

                _lru.Remove(node);
                _map.Remove(id);
            }
        }

        conversation = null;
        return false;
    }

    /// <inheritdoc />
    public void Put(string id, StoredConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(conversation);
        var now = _time.GetUtcNow();
        var entry = new Entry(id, conversation, now + TimeToLive);
        lock (_gate)
        {
            if (_map.TryGetValue(id, out var existing))
            {
                _lru.Remove(existing);
            }

            _map[id] = _lru.AddFirst(entry);

            // Expired entries at the cold end go first (cheap, keeps stale data from lingering); then the cap.
            while (_lru.Last is { } last && (last.Value.ExpiresAt <= now || _map.Count > MaxEntries))
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Id);
            }
        }
    }

    private sealed record Entry(string Id, StoredConversation Conversation, DateTimeOffset ExpiresAt);
}
