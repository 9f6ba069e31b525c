namespace Switchyard.Core.Configuration;

/// <summary>
/// Puts environment references back when a config is written: a value is written as its reference text only when a
/// reference was recorded for the same place and expands to exactly the value being written, so a reference can
/// never land on a different value. "Same place" is the written path, one of the caller's alternate spellings of
/// it (<c>llm_providers[0]</c> for <c>model_providers[0]</c>), or else the only unused reference in the same section
/// with the same key and value (listener indexes shift when non-model listeners are dropped).
/// </summary>
internal sealed class EnvReferenceMap(IReadOnlyList<EnvReference> references)
{
    private readonly Dictionary<string, EnvReference> _byPath = references
        .GroupBy(r => r.Path, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private readonly HashSet<EnvReference> _used = new(ReferenceEqualityComparer.Instance);

    /// <summary>References that were not written back (their values were written expanded, or not at all).</summary>
    public IReadOnlyList<EnvReference> Unused => references.Where(r => !_used.Contains(r)).ToList();

    /// <summary>The reference text to write instead of <paramref name="value"/> at <paramref name="path"/>, or null.</summary>
    public string? Take(string path, string value, IEnumerable<string>? alternatePaths = null)
    {
        foreach (var candidate in alternatePaths is null ? [path] : alternatePaths.Prepend(path))
        {
            if (_byPath.TryGetValue(candidate, out var exact) && exact.Expanded == value && !_used.Contains(exact))
            {
                return Use(exact);
            }
        }

        var section = Section(path);
        var key = LeafKey(path);
        var loose = references
            .Where(r => !_used.Contains(r) && r.Expanded == value && Section(r.Path) == section && LeafKey(r.Path) == key)
            .Take(2)
            .ToList();
        return loose.Count == 1 ? Use(loose[0]) : null;
    }

    private string Use(EnvReference reference)
    {
        _used.Add(reference);
        return reference.Raw;
    }

    private static string Section(string path)
    {
        var end = path.IndexOfAny(['.', '[']);
        return end < 0 ? path : path[..end];
    }

    // "listeners[1].port" → "port"; "routing_preferences[0].models[2]" → "models".
    private static string LeafKey(string path)
    {
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        var bracket = leaf.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? leaf : leaf[..bracket];
    }
}
