namespace Switchyard.Core.State.Affinity;

/// <summary>
/// Process-local <see cref="IAffinityStore"/>, the default (<c>session_cache.type: memory</c>): a pin expires
/// <see cref="TimeToLive"/> after it was last <see cref="Set"/> (reads do not extend it — re-set to slide), and
/// beyond <see cref="MaxEntries"/> the least recently used pin is evicted.
/// </summary>
public sealed class InMemoryAffinityStore : IAffinityStore
{
    /// <summary>Default lifetime of a pin (<c>routing.session_ttl_seconds</c>: 600).</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(600);

    /// <summary>Default cap (<c>routing.session_max_entries</c>: 10,000).</summary>
    public const int DefaultMaxEntries = 10_000;

    private readonly ExpiringLruCache<AffinityEntry> _cache;

    /// <summary>Creates a store with the given lifetime and cap (defaults 600 s and 10,000).</summary>
    public InMemoryAffinityStore(TimeProvider? time = null, TimeSpan? timeToLive = null, int maxEntries = DefaultMaxEntries)
        => _cache = new ExpiringLruCache<AffinityEntry>(time, timeToLive ?? DefaultTimeToLive, maxEntries);

    /// <summary>How long a pin lives after it was set.</summary>
    public TimeSpan TimeToLive => _cache.TimeToLive;

    /// <summary>The most pins kept; the least recently used one goes first.</summary>
    public int MaxEntries => _cache.MaxEntries;

    /// <summary>Pins currently held (expired ones not yet swept included).</summary>
    public int Count => _cache.Count;

    /// <inheritdoc />
    public bool TryGet(string key, out AffinityEntry? entry) => _cache.TryGet(key, out entry);

    /// <inheritdoc />
    public void Set(string key, AffinityEntry entry) => _cache.Set(key, entry);

    /// <inheritdoc />
    public bool Remove(string key) => _cache.Remove(key);
}
