using System.Collections.Frozen;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// An immutable snapshot of model prices (USD per million tokens) keyed by model name, ordinal and case-sensitive.
/// Keys are the source's own keys (DigitalOcean <c>model_id</c>, models.dev <c>provider/model</c>) plus the
/// configured names <c>model_aliases</c> maps them to.
/// </summary>
public sealed class CostCatalog
{
    private readonly FrozenDictionary<string, ModelCost> _prices;
    private readonly FrozenDictionary<string, ModelCost>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    /// <summary>Creates a snapshot from <paramref name="prices"/> (copied).</summary>
    /// <param name="source">Where the prices came from, for diagnostics and the explain output (e.g. <c>models.dev</c>).</param>
    /// <param name="prices">Prices keyed by model name.</param>
    public CostCatalog(string source, IEnumerable<KeyValuePair<string, ModelCost>> prices)
    {
        Source = source;
        _prices = prices.ToFrozenDictionary(StringComparer.Ordinal);
        _bySpan = _prices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>An empty catalog.</summary>
    public static CostCatalog Empty { get; } = new("empty", []);

    /// <summary>Where the prices came from.</summary>
    public string Source { get; }

    /// <summary>Number of priced keys.</summary>
    public int Count => _prices.Count;

    /// <summary>All prices by key.</summary>
    public IReadOnlyDictionary<string, ModelCost> Prices => _prices;

    /// <summary>The price of <paramref name="model"/>; false when the catalog does not list it.</summary>
    public bool TryGet(string model, out ModelCost cost) => _prices.TryGetValue(model, out cost);

    /// <summary>
    /// Input + output USD per million tokens for <paramref name="model"/>; the signature matches
    /// <see cref="Selection.FigureLookup"/> so it can be passed to the cheapest ranking directly.
    /// </summary>
    public bool TryGetTotalPerMillion(string model, out double figure)
    {
        if (_prices.TryGetValue(model, out var cost))
        {
            figure = cost.TotalPerMillion;
            return true;
        }

        figure = 0;
        return false;
    }

    /// <summary>As <see cref="TryGetTotalPerMillion(string, out double)"/> for a key built on the stack.</summary>
    internal bool TryGetTotalPerMillion(ReadOnlySpan<char> model, out double figure)
    {
        if (_bySpan.TryGetValue(model, out var cost))
        {
            figure = cost.TotalPerMillion;
            return true;
        }

        figure = 0;
        return false;
    }

    /// <summary>
    /// Adds each configured name of <paramref name="aliases"/> (catalog key → configured name) whose catalog key is
    /// priced. An alias never overrides a key the source itself published. Returns this instance when there is
    /// nothing to add.
    /// </summary>
    public CostCatalog WithAliases(IReadOnlyDictionary<string, string>? aliases)
    {
        if (aliases is null || aliases.Count == 0)
        {
            return this;
        }

        var merged = new Dictionary<string, ModelCost>(_prices, StringComparer.Ordinal);
        foreach (var (catalogKey, configured) in aliases)
        {
            if (_prices.TryGetValue(catalogKey, out var cost))
            {
                merged.TryAdd(configured, cost);
            }
        }

        return new CostCatalog(Source, merged);
    }
}
