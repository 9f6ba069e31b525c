using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// A source whose data is fetched and kept fresh by a <see cref="RefreshingSource{T}"/> (cost catalogs, Prometheus):
/// status, start, stop and the "no good data yet" case live here; subclasses only say how a candidate is looked up
/// in the current data.
/// </summary>
internal abstract class RefreshingSourceEntry<T> : MetricsSourceEntry
    where T : class
{
    private readonly RefreshingSource<T> _source;

    protected RefreshingSourceEntry(MetricsSourceConfig config, string label, Func<CancellationToken, Task<MetricsResult<T>>> fetch, TimeProvider time, ILogger logger)
        : base(config, label)
        => _source = new RefreshingSource<T>(Label, Logged(fetch, logger), config.RefreshInterval, time);

    public override MetricsSourceStatus Status => _source.Status;

    /// <summary>The data in use (the last good fetch); null before the first successful one.</summary>
    public T? Current => _source.Current;

    public override Task<MetricsSourceStatus> StartAsync(CancellationToken cancellationToken) => _source.StartAsync(cancellationToken);

    public override bool TryGet(in MetricsModelKey key, out double figure)
    {
        figure = 0;
        return _source.Current is { } data && TryGet(key, data, out figure);
    }

    /// <summary>The figure for <paramref name="key"/> in <paramref name="data"/>.</summary>
    protected abstract bool TryGet(in MetricsModelKey key, T data, out double figure);

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
