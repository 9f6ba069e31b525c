namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// The <c>{type: latency, provider: prometheus, url, query}</c> source: runs <c>query</c> as an instant query
/// (<c>GET {url}/api/v1/query?query=…</c>; a <c>url</c> already ending in <c>/api/v1/query</c> is used as is)
/// and parses the answer with <see cref="PrometheusLatencyParser"/>. Thread-safe; share one <see cref="HttpClient"/>.
/// </summary>
public sealed class PrometheusLatencyFetcher
{
    private const string QueryPath = "api/v1/query";
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a fetcher.</summary>
    /// <param name="http">A shared client (never one per request).</param>
    /// <param name="url">The Prometheus base address (or its full <c>/api/v1/query</c> address).</param>
    /// <param name="query">The PromQL instant query; its series must carry a <c>model_name</c> label, values in seconds.</param>
    /// <param name="timeout">Bound on one fetch; default 5 s.</param>
    public PrometheusLatencyFetcher(HttpClient http, Uri url, string query, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
        RequestUri = BuildRequestUri(url, query);
    }

    /// <summary>The exact address fetched.</summary>
    public Uri RequestUri { get; }

    /// <summary>Runs the query once; failures are values.</summary>
    public async Task<MetricsResult<LatencySnapshot>> FetchAsync(CancellationToken cancellationToken = default)
    {
        var (body, error) = await MetricsHttp.GetAsync(_http, RequestUri, _timeout, cancellationToken).ConfigureAwait(false);
        return body is null ? MetricsResult<LatencySnapshot>.Fail("prometheus: " + error) : PrometheusLatencyParser.Parse(body);
    }

    private static Uri BuildRequestUri(Uri url, string query)
    {
        var path = url.AbsolutePath.TrimEnd('/');
        var endpoint = path.EndsWith("/" + QueryPath, StringComparison.Ordinal)
            ? path
            : path + "/" + QueryPath;
        var builder = new UriBuilder(url) { Path = endpoint, Query = "query=" + Uri.EscapeDataString(query) };
        return builder.Uri;
    }
}
