using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// A <c>{type: latency, provider: prometheus}</c> source kept fresh by a <see cref="RefreshingSource{T}"/>. Lookup
/// order: the candidate's configured name (the query's <c>model_name</c> label), then <c>{provider}/{model_id}</c>.
/// </summary>
internal sealed class PrometheusSourceEntry : MetricsSourceEntry
{
    private static readonly SpanLookup<LatencySnapshot> Lookup = static (LatencySnapshot snapshot, ReadOnlySpan<char> key, out double figure) => snapshot.TryGetSeconds(key, out figure);

    private readonly RefreshingSource<LatencySnapshot> _source;

    public PrometheusSourceEntry(LatencySourceConfig config, HttpClient http, TimeProvider time, ILogger logger)
        : base(config, "latency:prometheus")
    {
        Func<CancellationToken, Task<MetricsResult<LatencySnapshot>>> fetch;
        if (config.Url is { } url && !string.IsNullOrWhiteSpace(config.Query))
        {
            fetch = new PrometheusLatencyFetcher(http, url, config.Query).FetchAsync;
        }
        else
        {
            // The config validator requires both; should an entry slip through, it reports instead of stopping startup.
            fetch = static _ => Task.FromResult(MetricsResult<LatencySnapshot>.Fail("prometheus: 'url' and 'query' are required"));
        }

        _source = new RefreshingSource<LatencySnapshot>(Label, Logged(fetch, logger), config.RefreshInterval, time);
    }

    public override bool IsCost => false;

    public override MetricsSourceStatus Status => _source.Status;

    /// <summary>The snapshot in use (the last good one); null before the first successful fetch.</summary>
    public LatencySnapshot? Current => _source.Current;

    public override Task<MetricsSourceStatus> StartAsync(CancellationToken cancellationToken) => _source.StartAsync(cancellationToken);

    public override bool TryGet(in MetricsModelKey key, out double figure)
    {
        figure = 0;
        var snapshot = _source.Current;
        if (snapshot is null)
        {
            return false;
        }

        if (snapshot.TryGetSeconds(key.Name, out figure))
        {
            return true;
        }

        return key.Provider is { Length: > 0 } provider
            && key.ModelId is { Length: > 0 } modelId
            && TryJoined(provider, modelId, snapshot, Lookup, out figure);
    }

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
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
