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
internal sealed class CostSourceEntry : MetricsSourceEntry
{
    private static readonly SpanLookup<CostCatalog> Lookup = static (CostCatalog catalog, ReadOnlySpan<char> key, out double figure) => catalog.TryGetTotalPerMillion(key, out figure);

    private readonly RefreshingSource<CostCatalog> _source;
    private readonly CostSourceKind _kind;

    public CostSourceEntry(CostSourceConfig config, HttpClient http, TimeProvider time, ILogger logger)
        : base(config, config.Kind == CostSourceKind.DigitalOcean ? "cost:digitalocean" : "cost:models.dev")
    {
        _kind = config.Kind;
        var fetcher = new CostCatalogFetcher(http, config.Kind, config.Url, config.ModelAliases);
        _source = new RefreshingSource<CostCatalog>(Label, Logged<CostCatalog>(fetcher.FetchAsync, logger), config.RefreshInterval, time);
    }

    public override bool IsCost => true;

    public override MetricsSourceStatus Status => _source.Status;

    /// <summary>The catalog in use (the last good one); null before the first successful fetch.</summary>
    public CostCatalog? Current => _source.Current;

    public override Task<MetricsSourceStatus> StartAsync(CancellationToken cancellationToken) => _source.StartAsync(cancellationToken);

    public override bool TryGet(in MetricsModelKey key, out double figure)
    {
        figure = 0;
        var catalog = _source.Current;
        if (catalog is null)
        {
            return false;
        }

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

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
