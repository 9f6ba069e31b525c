using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// Keeps the metrics sources running across config reloads (DESIGN §5: long-lived state survives reloads). Each
/// <see cref="ApplyAsync"/> builds a new <see cref="MetricsSources"/> view for the new <c>model_metrics_sources</c>
/// list: a running source whose config is equal (<see cref="MetricsSourceConfigComparer"/>: same type, provider,
/// url, query, interval, half-life and aliases; lines ignored) is reused with its data and timer; new ones are
/// fetched once before the view is published; removed ones are stopped after it is. The
/// <see cref="ObservedLatency"/> instance is one per process and is never replaced. Lookups on <see cref="Current"/>
/// are lock-free; applies are serialised. As <see cref="ISelectionFigures"/> it always answers from
/// <see cref="Current"/>, so the Route stage sees reloaded sources without being rebuilt.
/// </summary>
public sealed class MetricsSourceRegistry : ISelectionFigures, IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _applying = new(1, 1);
    private MetricsSources _current = MetricsSources.Empty;
    private bool _disposed;

    /// <summary>Creates a registry with its own HTTP client for catalogs and Prometheus (disposed with the registry).</summary>
    /// <param name="observed">The process-wide observed TTFT the dispatch loop feeds.</param>
    /// <param name="time">Clock and refresh timers.</param>
    /// <param name="logger">Source startup and reload outcomes.</param>
    public MetricsSourceRegistry(ObservedLatency observed, TimeProvider? time = null, ILogger<MetricsSourceRegistry>? logger = null)
        : this(new HttpClient(), observed, time, logger)
    {
        _ownsHttp = true;
    }

    /// <summary>Creates a registry with no sources (<see cref="Current"/> is <see cref="MetricsSources.Empty"/>).</summary>
    /// <param name="http">A shared client for catalogs and Prometheus (not disposed here).</param>
    /// <param name="observed">The process-wide observed TTFT the dispatch loop feeds.</param>
    /// <param name="time">Clock and refresh timers.</param>
    /// <param name="logger">Source startup and reload outcomes.</param>
    public MetricsSourceRegistry(HttpClient http, ObservedLatency observed, TimeProvider? time = null, ILogger<MetricsSourceRegistry>? logger = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        Observed = observed ?? throw new ArgumentNullException(nameof(observed));
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The process-wide observed TTFT source.</summary>
    public ObservedLatency Observed { get; }

    /// <summary>The sources of the last applied config.</summary>
    public MetricsSources Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public FigureLookup? LookupFor(SelectionPolicy policy) => Current.LookupFor(policy);

    /// <summary>
    /// Makes <paramref name="configs"/> current: reuses equal running sources, starts (one fetch each) the new ones,
    /// publishes the new view, then stops the sources no longer listed. A failed first fetch does not fail the apply;
    /// it is logged and shown on <see cref="MetricsSources.Status"/>.
    /// </summary>
    /// <param name="configs">The new <c>model_metrics_sources</c>, in config order.</param>
    /// <param name="catalog">The new config's models, for by-name lookups of entry names (see <see cref="MetricsSources"/>).</param>
    /// <param name="cancellationToken">Cancels the first fetches of new sources (they are then stopped, nothing is published).</param>
    public async Task<MetricsSources> ApplyAsync(IReadOnlyList<MetricsSourceConfig> configs, ModelCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configs);
        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var old = Current;
            var unused = new List<MetricsSourceEntry>(old.Entries);
            var entries = new MetricsSourceEntry[configs.Count];
            var started = new List<MetricsSourceEntry>();
            var startedNames = new List<string>();
            for (var i = 0; i < entries.Length; i++)
            {
                var reused = TakeEqual(unused, configs[i]);
                entries[i] = reused ?? MetricsSourceEntry.Create(configs[i], _http, Observed, _time, _logger);
                if (reused is null)
                {
                    started.Add(entries[i]);
                }
            }

            var next = new MetricsSources(entries, ownsEntries: false, _logger, catalog);
            foreach (var entry in started)
            {
                startedNames.Add(next.Names[Array.IndexOf(entries, entry)]);
            }

            try
            {
                await MetricsSources.StartEntriesAsync(started, startedNames, _logger, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Cancelled before publishing: the new sources belong to nobody, so stop them here.
                await DisposeAllAsync(started).ConfigureAwait(false);
                throw;
            }

            MetricsSources.ApplyObservedSettings(configs, Observed);
            Volatile.Write(ref _current, next);
            await DisposeAllAsync(unused).ConfigureAwait(false);
            if (old.Entries.Count > 0)
            {
                MetricsLog.Reloaded(_logger, entries.Length - started.Count, started.Count, unused.Count);
            }

            return next;
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>Stops every running source.</summary>
    public async ValueTask DisposeAsync()
    {
        await _applying.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var last = Volatile.Read(ref _current);
            Volatile.Write(ref _current, MetricsSources.Empty);
            await DisposeAllAsync(last.Entries).ConfigureAwait(false);
            if (_ownsHttp)
            {
                _http.Dispose();
            }
        }
        finally
        {
            _applying.Release();
        }
    }

    private static MetricsSourceEntry? TakeEqual(List<MetricsSourceEntry> unused, MetricsSourceConfig config)
    {
        for (var i = 0; i < unused.Count; i++)
        {
            if (MetricsSourceConfigComparer.Instance.Equals(unused[i].Config, config))
            {
                var entry = unused[i];
                unused.RemoveAt(i);
                return entry;
            }
        }

        return null;
    }

    private static async Task DisposeAllAsync(IEnumerable<MetricsSourceEntry> entries)
    {
        foreach (var entry in entries)
        {
            await entry.DisposeAsync().ConfigureAwait(false);
        }
    }
}
