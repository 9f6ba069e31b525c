namespace Switchyard.Core.State;

/// <summary>
/// Process-local <see cref="IResponseStateStore"/>: entries expire <see cref="TimeToLive"/> after they were stored,
/// and beyond <see cref="MaxEntries"/> the least recently used entry is evicted, so memory stays bounded however many
/// conversations clients start.
/// </summary>
public sealed class InMemoryResponseStateStore : IResponseStateStore
{
    private readonly ExpiringLruCache<StoredConversation> _cache;

    /// <summary>Creates a store; <paramref name="timeToLive"/> defaults to one hour, <paramref name="maxEntries"/> to 10,000.</summary>
    public InMemoryResponseStateStore(TimeProvider? time = null, TimeSpan? timeToLive = null, int maxEntries = 10_000)
        => _cache = new ExpiringLruCache<StoredConversation>(time, timeToLive ?? TimeSpan.FromHours(1), maxEntries);

    /// <summary>A shared store with the defaults, used by the default Responses codec.</summary>
    public static InMemoryResponseStateStore Shared { get; } = new();

    /// <summary>How long an entry lives after it was stored.</summary>
    public TimeSpan TimeToLive => _cache.TimeToLive;

    /// <summary>The most entries kept; the least recently used one goes first.</summary>
    public int MaxEntries => _cache.MaxEntries;

    /// <summary>Entries currently held (expired ones not yet swept included).</summary>
    public int Count => _cache.Count;

    /// <inheritdoc />
    public bool TryGet(string id, out StoredConversation? conversation) => _cache.TryGet(id, out conversation);

    /// <inheritdoc />
    public void Put(string id, StoredConversation conversation) => _cache.Set(id, conversation);
}
