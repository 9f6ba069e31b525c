using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// The runtime side of <c>model_metrics_sources</c>: the figures <c>selection_policy: cheapest | fastest</c> ranks
/// by. Cost sources (DigitalOcean, models.dev) and Prometheus latency sources are fetched at
/// <see cref="StartAsync"/> and refreshed on their <c>refresh_interval</c>, keeping the last good data when a fetch
/// fails; the <c>observed</c> latency source reads the process-wide <see cref="ObservedLatency"/>.
/// <para>
/// Lookup: cheapest asks the cost sources, fastest the latency sources, each IN CONFIG ORDER — the first source
/// that has a figure for the candidate wins. Within one source the candidate is matched by its configured name
/// first, then by names derived from its provider and upstream model id (models.dev <c>provider/model</c>,
/// DigitalOcean's bare <c>model_id</c>, Prometheus <c>provider/model</c>); see <see cref="CostSourceEntry"/>. A
/// candidate no source knows has no data and ranks last (<see cref="CandidateRanker"/>).
/// </para>
/// <para>
/// By-name lookups (<see cref="LookupFor"/>, <see cref="TryGetCost"/>, <see cref="TryGetLatency"/>) learn a name's
/// provider and model id from the name itself when it is <c>provider/model</c>, otherwise from the
/// <see cref="ModelCatalog"/> given at construction (an entry name such as <c>fast</c> resolves to its
/// <c>openai/gpt-4o-mini</c>); without a catalog such a name matches only as it is (or through <c>model_aliases</c>).
/// </para>
/// Thread-safe for lookups. A view built by <see cref="MetricsSourceRegistry"/> does not own its sources (the
/// registry carries them across reloads); one built with the public constructor does, and stops them on dispose.
/// </summary>
public sealed class MetricsSources : ISelectionFigures, IAsyncDisposable
{
    private static readonly FigureLookup NoData = static (string _, out double figure) =>
    {
        figure = 0;
        return false;
    };

    private readonly MetricsSourceEntry[] _entries;
    private readonly string[] _names;
    private readonly bool _ownsEntries;
    private readonly ModelCatalog? _catalog;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Builds the sources of <paramref name="configs"/>; nothing is fetched until <see cref="StartAsync"/>.</summary>
    /// <param name="configs">The <c>model_metrics_sources</c> entries, in config order (the lookup priority).</param>
    /// <param name="http">A shared client for catalogs and Prometheus (not disposed here).</param>
    /// <param name="observed">The process-wide observed TTFT; its half-life follows an <c>observed</c> entry's <c>half_life</c>.</param>
    /// <param name="time">Clock and refresh timers.</param>
    /// <param name="logger">Startup outcome of each source.</param>
    /// <param name="catalog">The config's models, so by-name lookups can match entry names by provider and model id.</param>
    public MetricsSources(IReadOnlyList<MetricsSourceConfig> configs, HttpClient http, ObservedLatency observed, TimeProvider? time = null, ILogger? logger = null, ModelCatalog? catalog = null)
        : this(CreateEntries(configs, http, observed, time ?? TimeProvider.System, logger ?? NullLogger.Instance), ownsEntries: true, logger, catalog)
    {
        ApplyObservedSettings(configs, observed);
    }

    internal MetricsSources(MetricsSourceEntry[] entries, bool ownsEntries, ILogger? logger, ModelCatalog? catalog = null)
    {
        _entries = entries;
        _ownsEntries = ownsEntries;
        _catalog = catalog;
        _logger = logger ?? NullLogger.Instance;
        _names = NameEntries(entries);
        foreach (var entry in entries)
        {
            HasCost |= entry.IsCost;
            HasLatency |= !entry.IsCost;
        }

        CostLookup = HasCost ? TryGetCost : null;
        LatencyLookup = HasLatency ? TryGetLatency : null;
    }

    /// <summary>No sources: every candidate has no data, so rankings keep the declared order.</summary>
    public static MetricsSources Empty { get; } = new([], ownsEntries: false, null);

    /// <summary>True when at least one cost source is configured (cheapest can rank).</summary>
    public bool HasCost { get; }

    /// <summary>True when at least one latency source is configured (fastest can rank).</summary>
    public bool HasLatency { get; }

    /// <summary>Price lookup by configured name (USD per million, input+output) for <see cref="CandidateRanker"/>; null without cost sources.</summary>
    public FigureLookup? CostLookup { get; }

    /// <summary>Latency lookup by configured name (seconds) for <see cref="CandidateRanker"/>; null without latency sources.</summary>
    public FigureLookup? LatencyLookup { get; }

    /// <summary>Each source's health in config order, for the admin API and the explain output.</summary>
    public IReadOnlyList<MetricsSourceStatus> Status
    {
        get
        {
            var statuses = new MetricsSourceStatus[_entries.Length];
            for (var i = 0; i < statuses.Length; i++)
            {
                statuses[i] = _entries[i].Status with { Name = _names[i] };
            }

            return statuses;
        }
    }

    internal IReadOnlyList<MetricsSourceEntry> Entries => _entries;

    /// <summary>Status names in config order (<c>cost:models.dev</c>, <c>cost:models.dev#2</c>, …).</summary>
    internal IReadOnlyList<string> Names => _names;

    /// <summary>
    /// Fetches every source once (concurrently) and starts the refresh timers. A failed first fetch is logged and
    /// left on <see cref="Status"/>, never thrown: the gateway starts, and that source's models rank as no data
    /// until a refresh succeeds.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => StartEntriesAsync(_entries, _names, _logger, cancellationToken);

    /// <summary>The lookup a policy ranks by; null for <see cref="SelectionPolicy.None"/> or when no source of its type is configured.</summary>
    public FigureLookup? LookupFor(SelectionPolicy policy) => policy switch
    {
        SelectionPolicy.Cheapest => CostLookup,
        SelectionPolicy.Fastest => LatencyLookup,
        _ => null,
    };

    /// <summary>The price of <paramref name="model"/> (a configured name) in USD per million tokens, input+output.</summary>
    public bool TryGetCost(string model, out double usdPerMillion) => TryGet(isCost: true, KeyFor(model), out usdPerMillion);

    /// <summary>
    /// The price (input and output, USD per million) of the resolved <paramref name="model"/> from the first cost
    /// source that lists it, in config order; <paramref name="source"/> names that source. For the per-request cost.
    /// </summary>
    public bool TryGetPrice(ResolvedModel model, out ModelCost cost, out string source)
    {
        var key = MetricsModelKey.For(model);
        for (var i = 0; i < _entries.Length; i++)
        {
            if (_entries[i] is CostSourceEntry entry && entry.TryGetPrice(key, out cost))
            {
                source = _names[i];
                return true;
            }
        }

        cost = default;
        source = "";
        return false;
    }

    /// <summary>The latency of <paramref name="model"/> (a configured name) in seconds.</summary>
    public bool TryGetLatency(string model, out double seconds) => TryGet(isCost: false, KeyFor(model), out seconds);

    /// <summary>
    /// Ranks configured model names for <paramref name="policy"/>, looked up as <see cref="TryGetCost"/> and
    /// <see cref="TryGetLatency"/> do.
    /// </summary>
    public CandidateRanking Rank(IReadOnlyList<string> candidates, SelectionPolicy policy) =>
        CandidateRanker.Rank(candidates, policy, policy == SelectionPolicy.None ? null : LookupFor(policy) ?? NoData);

    /// <summary>
    /// Ranks resolved candidates for <paramref name="policy"/> by canonical name, provider and model id. The
    /// ranking names are <see cref="ResolvedModel.CanonicalName"/>; <see cref="RankedCandidate.DeclaredIndex"/>
    /// points back into <paramref name="candidates"/>.
    /// </summary>
    public CandidateRanking Rank(IReadOnlyList<ResolvedModel> candidates, SelectionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var names = new string[candidates.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = candidates[i].CanonicalName;
        }

        if (policy == SelectionPolicy.None)
        {
            return CandidateRanker.Rank(names, policy, null);
        }

        var isCost = policy == SelectionPolicy.Cheapest;
        return CandidateRanker.Rank(names, policy, (string name, out double figure) =>
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                if (string.Equals(candidates[i].CanonicalName, name, StringComparison.Ordinal))
                {
                    return TryGet(isCost, MetricsModelKey.For(candidates[i]), out figure);
                }
            }

            figure = 0;
            return false;
        });
    }

    /// <summary>Stops the refresh timers of the sources this instance owns (none for a registry's view).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_ownsEntries || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var entry in _entries)
        {
            await entry.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static async Task StartEntriesAsync(IReadOnlyList<MetricsSourceEntry> entries, IReadOnlyList<string> names, ILogger logger, CancellationToken cancellationToken)
    {
        var starts = new Task<MetricsSourceStatus>[entries.Count];
        for (var i = 0; i < starts.Length; i++)
        {
            starts[i] = entries[i].StartAsync(cancellationToken);
        }

        var statuses = await Task.WhenAll(starts).ConfigureAwait(false);
        for (var i = 0; i < statuses.Length; i++)
        {
            if (statuses[i].HasData || entries[i] is ObservedSourceEntry)
            {
                MetricsLog.SourceReady(logger, names[i]);
            }
            else
            {
                MetricsLog.SourceNoData(logger, names[i], statuses[i].LastError);
            }
        }
    }

    /// <summary>An <c>observed</c> entry's <c>half_life</c> (or the default) applies to the shared instance.</summary>
    internal static void ApplyObservedSettings(IReadOnlyList<MetricsSourceConfig> configs, ObservedLatency observed)
    {
        foreach (var config in configs)
        {
            if (config is LatencySourceConfig { Kind: LatencySourceKind.Observed } latency)
            {
                observed.HalfLife = latency.HalfLife is { } halfLife && halfLife > TimeSpan.Zero ? halfLife : ObservedLatency.DefaultHalfLife;
                return;
            }
        }
    }

    // Entry names resolve through the catalog's exact maps (no allocation); a provider/model name says it itself,
    // which also covers wildcard matches without building a ResolvedModel.
    private MetricsModelKey KeyFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_catalog is not null && !name.Contains('/', StringComparison.Ordinal) && _catalog.ResolveName(name) is { } model)
        {
            return new MetricsModelKey(name, model.Provider.Prefix, model.ModelId);
        }

        return MetricsModelKey.FromName(name);
    }

    private bool TryGet(bool isCost, in MetricsModelKey key, out double figure)
    {
        foreach (var entry in _entries)
        {
            if (entry.IsCost == isCost && entry.TryGet(key, out figure))
            {
                return true;
            }
        }

        figure = 0;
        return false;
    }

    private static MetricsSourceEntry[] CreateEntries(IReadOnlyList<MetricsSourceConfig> configs, HttpClient http, ObservedLatency observed, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(observed);
        var entries = new MetricsSourceEntry[configs.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = MetricsSourceEntry.Create(configs[i], http, observed, time, logger);
        }

        return entries;
    }

    // cost:models.dev, cost:models.dev#2, …: names stay unique when one provider is listed twice.
    private static string[] NameEntries(MetricsSourceEntry[] entries)
    {
        var names = new string[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var seen = 1;
            for (var j = 0; j < i; j++)
            {
                if (entries[j].Label == entries[i].Label)
                {
                    seen++;
                }
            }

            names[i] = seen == 1 ? entries[i].Label : entries[i].Label + "#" + seen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }
}
