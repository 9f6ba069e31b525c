using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// A <c>{type: latency, provider: prometheus}</c> source kept fresh by a <see cref="RefreshingSource{T}"/>. Lookup
/// order: the candidate's configured name (the query's <c>model_name</c> label), then <c>{provider}/{model_id}</c>.
/// </summary>
internal sealed class PrometheusSourceEntry : RefreshingSourceEntry<LatencySnapshot>
{
    private static readonly SpanLookup<LatencySnapshot> Lookup = static (LatencySnapshot snapshot, ReadOnlySpan<char> key, out double figure) => snapshot.TryGetSeconds(key, out figure);

    public PrometheusSourceEntry(LatencySourceConfig config, HttpClient http, TimeProvider time, ILogger logger)
        : base(config, "latency:prometheus", Fetch(config, http), time, logger)
    {
    }

    public override bool IsCost => false;

    private static Func<CancellationToken, Task<MetricsResult<LatencySnapshot>>> Fetch(LatencySourceConfig config, HttpClient http)
        => config.Url is { } url && !string.IsNullOrWhiteSpace(config.Query)
            ? new PrometheusLatencyFetcher(http, url, config.Query).FetchAsync
            // The config validator requires both; should an entry slip through, it reports instead of stopping startup.
            : static _ => Task.FromResult(MetricsResult<LatencySnapshot>.Fail("prometheus: 'url' and 'query' are required"));

    protected override bool TryGet(in MetricsModelKey key, LatencySnapshot snapshot, out double figure)
    {
        if (snapshot.TryGetSeconds(key.Name, out figure))
        {
            return true;
        }

        return key.Provider is { Length: > 0 } provider
            && key.ModelId is { Length: > 0 } modelId
            && TryJoined(provider, modelId, snapshot, Lookup, out figure);
    }
}

/// <summary>
/// The built-in <c>{type: latency, provider: observed}</c> source: reads the process-wide
/// <see cref="ObservedLatency"/>, which the dispatch loop feeds under each candidate's canonical name; the lookup is
/// by configured name only. Nothing to fetch, nothing to stop.
/// </summary>
internal sealed class ObservedSourceEntry(LatencySourceConfig config, ObservedLatency observed) : MetricsSourceEntry(config, "latency:observed")
{
    public override bool IsCost => false;

    public override MetricsSourceStatus Status => new(Label, observed.Count > 0, null, null, null, null, 0);

    public override Task<MetricsSourceStatus> StartAsync(CancellationToken cancellationToken) => Task.FromResult(Status);

    public override bool TryGet(in MetricsModelKey key, out double figure) => observed.TryGetSeconds(key.Name, out figure);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
