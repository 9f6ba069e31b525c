using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// Decides whether a reloaded <c>model_metrics_sources</c> entry is the same source as a running one, so the running
/// one (its data, its timer) is kept. Compares what changes the fetched data or its schedule: type, provider, url,
/// query, refresh interval, half-life and <c>model_aliases</c> by CONTENT (the generated record equality would
/// compare the dictionary by reference). <see cref="MetricsSourceConfig.Line"/> is ignored: an edit elsewhere in the
/// file moves lines without changing the source.
/// </summary>
public sealed class MetricsSourceConfigComparer : IEqualityComparer<MetricsSourceConfig>
{
    /// <summary>The shared instance.</summary>
    public static MetricsSourceConfigComparer Instance { get; } = new();

    /// <inheritdoc />
    public bool Equals(MetricsSourceConfig? x, MetricsSourceConfig? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.RefreshInterval != y.RefreshInterval)
        {
            return false;
        }

        return (x, y) switch
        {
            (CostSourceConfig a, CostSourceConfig b) => a.Kind == b.Kind && SameUrl(a.Url, b.Url) && SameAliases(a.ModelAliases, b.ModelAliases),
            (LatencySourceConfig a, LatencySourceConfig b) => a.Kind == b.Kind && SameUrl(a.Url, b.Url)
                && string.Equals(a.Query, b.Query, StringComparison.Ordinal) && a.HalfLife == b.HalfLife,
            _ => false,
        };
    }

    /// <inheritdoc />
    public int GetHashCode(MetricsSourceConfig obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj switch
        {
            // Aliases are left out of the hash (order-free content hashing is not worth it for a handful of sources).
            CostSourceConfig c => HashCode.Combine(1, c.Kind, c.Url?.OriginalString, c.RefreshInterval),
            LatencySourceConfig l => HashCode.Combine(2, l.Kind, l.Url?.OriginalString, l.Query, l.RefreshInterval, l.HalfLife),
            _ => obj.GetType().GetHashCode(),
        };
    }

    // Uri equality ignores user info and fragments; a changed credential in the address must restart the source.
    private static bool SameUrl(Uri? a, Uri? b) => string.Equals(a?.OriginalString, b?.OriginalString, StringComparison.Ordinal);

    private static bool SameAliases(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        var countA = a?.Count ?? 0;
        var countB = b?.Count ?? 0;
        if (countA != countB)
        {
            return false;
        }

        if (countA == 0)
        {
            return true;
        }

        foreach (var (key, value) in a!)
        {
            if (!b!.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
