using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// A <c>{type: cost}</c> source kept fresh by a <see cref="RefreshingSource{T}"/>. Lookup order for a candidate:
/// <list type="number">
/// <item>its configured name as is — a catalog key (models.dev <c>provider/model</c>, DigitalOcean <c>model_id</c>)
/// or a configured name <c>model_aliases</c> mapped a catalog key to;</item>
/// <item>models.dev: <c>{provider}/{model_id}</c> built from the candidate's provider prefix (translated to
/// models.dev's provider id, see <see cref="ModelsDevProviderIds"/>) and upstream model id;</item>
/// <item>DigitalOcean: the bare upstream model id (DigitalOcean's own <c>model_id</c>).</item>
/// </list>
/// </summary>
internal sealed class CostSourceEntry : RefreshingSourceEntry<CostCatalog>
{
    private static readonly SpanLookup<CostCatalog> Lookup = static (CostCatalog catalog, ReadOnlySpan<char> key, out double figure) => catalog.TryGetTotalPerMillion(key, out figure);

    private readonly CostSourceKind _kind;

    public CostSourceEntry(CostSourceConfig config, HttpClient http, TimeProvider time, ILogger logger)
        : base(config, config.Kind == CostSourceKind.DigitalOcean ? "cost:digitalocean" : "cost:models.dev",
            new CostCatalogFetcher(http, config.Kind, config.Url, config.ModelAliases).FetchAsync, time, logger)
        => _kind = config.Kind;

    public override bool IsCost => true;

    protected override bool TryGet(in MetricsModelKey key, CostCatalog catalog, out double figure)
    {
        if (catalog.TryGetTotalPerMillion(key.Name, out figure))
        {
            return true;
        }

        if (key.ModelId is not { Length: > 0 } modelId)
        {
            return false;
        }

        if (_kind == CostSourceKind.DigitalOcean)
        {
            return catalog.TryGetTotalPerMillion(modelId, out figure);
        }

        return key.Provider is { Length: > 0 } provider
            && TryJoined(ModelsDevProviderIds.For(provider), modelId, catalog, Lookup, out figure);
    }

    /// <summary>
    /// The full price (input and output separately) of <paramref name="key"/> in the current catalog, looked up as
    /// <see cref="TryGet(in MetricsModelKey, CostCatalog, out double)"/> does; for the per-request cost.
    /// </summary>
    public bool TryGetPrice(in MetricsModelKey key, out ModelCost cost)
    {
        cost = default;
        if (Current is not { } catalog)
        {
            return false;
        }

        if (catalog.TryGet(key.Name, out cost))
        {
            return true;
        }

        if (key.ModelId is not { Length: > 0 } modelId)
        {
            return false;
        }

        if (_kind == CostSourceKind.DigitalOcean)
        {
            return catalog.TryGet(modelId, out cost);
        }

        return key.Provider is { Length: > 0 } provider && catalog.TryGet(ModelsDevProviderIds.For(provider) + "/" + modelId, out cost);
    }
}
