using System.Collections.Frozen;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// An immutable snapshot of per-model latency in SECONDS, keyed by configured model name (ordinal,
/// case-sensitive). What the figure measures is the source's choice (a Prometheus query's p95, or observed
/// time to first token); the fastest policy only compares them.
/// </summary>
public sealed class LatencySnapshot
{
    private readonly FrozenDictionary<string, double> _seconds;
    private readonly FrozenDictionary<string, double>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    /// <summary>Creates a snapshot from <paramref name="seconds"/> (copied).</summary>
    /// <param name="source">Where the figures came from (e.g. <c>prometheus</c>, <c>observed</c>).</param>
    /// <param name="seconds">Latency in seconds keyed by model name.</param>
    public LatencySnapshot(string source, IEnumerable<KeyValuePair<string, double>> seconds)
    {
        Source = source;
        _seconds = seconds.ToFrozenDictionary(StringComparer.Ordinal);
        _bySpan = _seconds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>An empty snapshot.</summary>
    public static LatencySnapshot Empty { get; } = new("empty", []);

    /// <summary>Where the figures came from.</summary>
    public string Source { get; }

    /// <summary>Number of models with a figure.</summary>
    public int Count => _seconds.Count;

    /// <summary>All figures by model.</summary>
    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    /// <summary>
    /// Latency of <paramref name="model"/> in seconds; false when unknown. Matches
    /// <see cref="Selection.FigureLookup"/> for the fastest ranking.
    /// </summary>
    public bool TryGetSeconds(string model, out double seconds) => _seconds.TryGetValue(model, out seconds);

    /// <summary>As <see cref="TryGetSeconds(string, out double)"/> for a key built on the stack.</summary>
    internal bool TryGetSeconds(ReadOnlySpan<char> model, out double seconds) => _bySpan.TryGetValue(model, out seconds);
}
