using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// One running <c>model_metrics_sources</c> entry: its config, its data (a <see cref="RefreshingSource{T}"/> or the
/// shared <see cref="ObservedLatency"/>) and how a candidate is looked up in it. Entries are what a reload reuses.
/// </summary>
internal abstract class MetricsSourceEntry : IAsyncDisposable
{
    private const int StackKeyLimit = 256;
    private int _fetches;
    private bool _lastFailed;

    protected MetricsSourceEntry(MetricsSourceConfig config, string label)
    {
        Config = config;
        Label = label;
    }

    /// <summary>The config the entry was built from (compared by <see cref="MetricsSourceConfigComparer"/>).</summary>
    public MetricsSourceConfig Config { get; }

    /// <summary><c>cost:models.dev</c>, <c>latency:prometheus</c>, …: the status name before de-duplication.</summary>
    public string Label { get; }

    /// <summary>True for a price source (cheapest), false for a latency source (fastest).</summary>
    public abstract bool IsCost { get; }

    /// <summary>The entry's health now, named <see cref="Label"/>.</summary>
    public abstract MetricsSourceStatus Status { get; }

    /// <summary>The first fetch; never throws for an expected failure (it is on the returned status).</summary>
    public abstract Task<MetricsSourceStatus> StartAsync(CancellationToken cancellationToken);

    /// <summary>The figure for <paramref name="key"/>; false when the source has no (good) data for it.</summary>
    public abstract bool TryGet(in MetricsModelKey key, out double figure);

    public abstract ValueTask DisposeAsync();

    /// <summary>Builds the entry for <paramref name="config"/>; nothing is fetched until <see cref="StartAsync"/>.</summary>
    public static MetricsSourceEntry Create(MetricsSourceConfig config, HttpClient http, ObservedLatency observed, TimeProvider time, ILogger logger) => config switch
    {
        CostSourceConfig cost => new CostSourceEntry(cost, http, time, logger),
        LatencySourceConfig { Kind: LatencySourceKind.Observed } latency => new ObservedSourceEntry(latency, observed),
        LatencySourceConfig latency => new PrometheusSourceEntry(latency, http, time, logger),
        _ => throw new ArgumentException($"unknown metrics source config {config.GetType().Name}", nameof(config)),
    };

    /// <summary>
    /// Wraps a fetch so refreshes after the first log their failures and the recovery that follows (the first
    /// fetch's outcome is logged by whoever started the source).
    /// </summary>
    protected Func<CancellationToken, Task<MetricsResult<T>>> Logged<T>(Func<CancellationToken, Task<MetricsResult<T>>> fetch, ILogger logger)
        where T : class
        => async cancellationToken =>
        {
            var result = await fetch(cancellationToken).ConfigureAwait(false);
            var first = Interlocked.Increment(ref _fetches) == 1;
            if (!first && !result.Succeeded)
            {
                MetricsLog.RefreshFailed(logger, Label, result.Error);
            }
            else if (!first && _lastFailed)
            {
                MetricsLog.RefreshRecovered(logger, Label);
            }

            _lastFailed = !result.Succeeded;
            return result;
        };

    /// <summary>
    /// Looks up <c>{prefix}/{modelId}</c> without allocating for ordinary lengths: the key is built on the stack.
    /// </summary>
    protected static bool TryJoined<TState>(string prefix, string modelId, TState state, SpanLookup<TState> lookup, out double figure)
    {
        var length = prefix.Length + 1 + modelId.Length;
        if (length > StackKeyLimit)
        {
            return lookup(state, string.Concat(prefix, "/", modelId), out figure);
        }

        Span<char> buffer = stackalloc char[StackKeyLimit];
        prefix.AsSpan().CopyTo(buffer);
        buffer[prefix.Length] = '/';
        modelId.AsSpan().CopyTo(buffer[(prefix.Length + 1)..]);
        return lookup(state, buffer[..length], out figure);
    }

    protected delegate bool SpanLookup<in TState>(TState state, ReadOnlySpan<char> key, out double figure);
}
