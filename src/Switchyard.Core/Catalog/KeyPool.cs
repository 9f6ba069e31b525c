using Switchyard.Core.Configuration;

namespace Switchyard.Core.Catalog;

/// <summary>
/// The keys of one pooled entry (<see cref="ModelProviderConfig.AccessKeys"/>) as per-key copies of the entry — same
/// name, model and settings, one credential each, marked with their <see cref="KeySlot"/> — so each key is its own
/// endpoint (own <see cref="Endpoints.EndpointState"/>: limits, breaker, latency) and every per-endpoint mechanism
/// works per key. A request's candidate list holds an entry's keys one after another, starting one key further on
/// each request (round-robin), so a refused or rate-limited key moves the request to the next key before any other
/// model. Built once per config snapshot.
/// </summary>
public sealed class KeyPool
{
    // Incremented before use, so the first request starts at key 1 (deterministic for tests and operators).
    private int _counter = -1;

    private KeyPool(IReadOnlyList<ModelProviderConfig> entries) => Entries = entries;

    /// <summary>The per-key entries, in pool order; at least two.</summary>
    public IReadOnlyList<ModelProviderConfig> Entries { get; }

    /// <summary>The pool of <paramref name="entry"/>, or null when it has fewer than two keys or uses the caller's key.</summary>
    public static KeyPool? For(ModelProviderConfig entry)
    {
        var keys = entry.AccessKeys;
        if (keys.Count < 2 || entry.PassthroughAuth)
        {
            return null;
        }

        var entries = new ModelProviderConfig[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            entries[i] = entry with { AccessKey = keys[i], AccessKeys = [], KeySlot = new KeySlot(i + 1, keys.Count, KeyPoolConfig.Fingerprint(keys[i])) };
        }

        return new KeyPool(entries);
    }

    /// <summary>The key index (0-based) that leads the next request; thread-safe, wraps on overflow.</summary>
    public int NextStart()
    {
        var ticket = unchecked((uint)Interlocked.Increment(ref _counter));
        return (int)(ticket % (uint)Entries.Count);
    }

    /// <summary>
    /// <paramref name="candidates"/> with each pooled model replaced by its keys, rotated (a key already listed is not
    /// listed again). The same list, without allocating, when no candidate has a pool.
    /// </summary>
    public static IReadOnlyList<ResolvedModel> Expand(IReadOnlyList<ResolvedModel> candidates)
    {
        if (!AnyPooled(candidates))
        {
            return candidates;
        }

        var result = new List<ResolvedModel>(candidates.Count + 4);
        foreach (var candidate in candidates)
        {
            if (candidate.Keys is not { } pool)
            {
                Routing.CandidatePlanner.AddOnce(result, candidate);
                continue;
            }

            var perKey = candidate.PerKey();
            var start = pool.NextStart();
            for (var k = 0; k < perKey.Length; k++)
            {
                Routing.CandidatePlanner.AddOnce(result, perKey[(start + k) % perKey.Length]);
            }
        }

        return result;
    }

    /// <summary>True when any of <paramref name="candidates"/> has a key pool (without advancing any rotation).</summary>
    public static bool AnyPooled(IReadOnlyList<ResolvedModel> candidates)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates[i].Keys is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// How logs name a candidate: its name, and for a pooled key which key it is and the key's fingerprint
    /// (<c>gpt-4o (key 2/3, sha256:1a2b3c4d)</c>) — never the key.
    /// </summary>
    public static string Describe(ResolvedModel candidate)
        => candidate.Entry.KeySlot is { } slot ? $"{candidate.CanonicalName} ({slot.Label}, {slot.Fingerprint})" : candidate.CanonicalName;
}
