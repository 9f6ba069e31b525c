namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// The <c>{type: cost, provider, url?, model_aliases?}</c> source: GETs the catalog (the provider's public address
/// when <c>url</c> is omitted; <c>file://</c> reads a local snapshot) and parses it for <see cref="Kind"/>.
/// Thread-safe; share one <see cref="HttpClient"/>.
/// </summary>
public sealed class CostCatalogFetcher
{
    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, string>? _aliases;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a fetcher.</summary>
    /// <param name="http">A shared client.</param>
    /// <param name="kind">Which catalog shape to parse.</param>
    /// <param name="url">The catalog address; null for the provider's default.</param>
    /// <param name="aliases">Catalog key → configured model name.</param>
    /// <param name="timeout">Bound on one fetch; default 10 s (catalogs are large).</param>
    public CostCatalogFetcher(HttpClient http, CostSourceKind kind, Uri? url = null, IReadOnlyDictionary<string, string>? aliases = null, TimeSpan? timeout = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        Kind = kind;
        Url = url ?? CostCatalogReader.DefaultUrl(kind);
        _aliases = aliases;
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The catalog shape read.</summary>
    public CostSourceKind Kind { get; }

    /// <summary>The address fetched.</summary>
    public Uri Url { get; }

    /// <summary>Fetches and parses the catalog once; failures are values.</summary>
    public async Task<MetricsResult<CostCatalog>> FetchAsync(CancellationToken cancellationToken = default)
    {
        var (body, error) = await MetricsHttp.GetAsync(_http, Url, _timeout, cancellationToken).ConfigureAwait(false);
        return body is null
            ? MetricsResult<CostCatalog>.Fail("cost catalog: " + error)
            : CostCatalogReader.Parse(Kind, body, _aliases);
    }
}
