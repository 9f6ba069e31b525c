using Microsoft.AspNetCore.Http;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Selection;
using static Switchyard.Core.Tests.Routing.Metrics.MetricsSourceFixtures;

namespace Switchyard.Core.Tests.Routing.Metrics;

public sealed class MetricsSourcesTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly HttpClient _http = new();
    private FakePrometheus _prometheus = null!;

    public async Task InitializeAsync() => _prometheus = await FakePrometheus.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _prometheus.DisposeAsync();
    }

    [Fact]
    public async Task Rank_CheapestDigitalOceanFile_MatchesBareModelIdAndAliases()
    {
        var aliases = new Dictionary<string, string> { ["anthropic-claude-haiku-4.5"] = "claude-fast" };
        await using var sources = new MetricsSources([Cost(CostSourceKind.DigitalOcean, TestDataPath("digitalocean-catalog.json"), aliases)], _http, new ObservedLatency(new ManualTime()));
        await sources.StartAsync();

        var ranking = sources.Rank(["digitalocean/openai-gpt-4o", "digitalocean/llama3.3-70b-instruct", "claude-fast", "mistral-nemo"], SelectionPolicy.Cheapest);

        Assert.Equal(["mistral-nemo", "claude-fast", "digitalocean/openai-gpt-4o", "digitalocean/llama3.3-70b-instruct"], ranking.Models);
        Assert.Equal(0.6, ranking.Candidates[0].Figure!.Value, 9);
        Assert.Equal(12.5, ranking.Candidates[2].Figure!.Value, 9);
        Assert.Null(ranking.Candidates[3].Figure);
    }

    [Fact]
    public async Task Rank_CheapestModelsDevFile_MatchesProviderSlashModel()
    {
        await using var sources = new MetricsSources([Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json"))], _http, new ObservedLatency(new ManualTime()));
        await sources.StartAsync();

        var ranking = sources.Rank(["openai/gpt-4o", "local/unpriced", "anthropic/claude-haiku-4-5", "openai/gpt-4o-mini"], SelectionPolicy.Cheapest);

        Assert.Equal(["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "openai/gpt-4o", "local/unpriced"], ranking.Models);
        Assert.Equal([0.75, 6, 12.5, null], ranking.Candidates.Select(c => c.Figure));
    }

    private const string EntryNamesConfig = """
          - model: openai/gpt-4o-mini
            name: small
            access_key: a
          - model: gemini/gemini-2.5-flash
            name: flash
            access_key: b
          - model: anthropic/claude-sonnet-4-5
            access_key: c
        """;

    // models.dev lists Gemini under its own provider id "google".
    private const string GoogleAndOpenAICatalog =
        """{"google": {"models": {"gemini-2.5-flash": {"cost": {"input": 0.3, "output": 2.5}}}}, "openai": {"models": {"gpt-4o-mini": {"cost": {"input": 0.15, "output": 0.6}}}}}""";

    [Fact]
    public async Task Rank_ResolvedCandidates_MatchEntryNamesByProviderAndModelId()
    {
        using var catalog = new TempCatalog("models-dev-api.json");
        catalog.Write(GoogleAndOpenAICatalog);
        var candidates = Resolve(EntryNamesConfig, "anthropic/claude-sonnet-4-5", "flash", "small");
        await using var sources = new MetricsSources([Cost(CostSourceKind.ModelsDev, catalog.Path)], _http, new ObservedLatency(new ManualTime()));
        await sources.StartAsync();

        var ranking = sources.Rank(candidates, SelectionPolicy.Cheapest);

        Assert.Equal(["small", "flash", "anthropic/claude-sonnet-4-5"], ranking.Models);
        Assert.Equal([2, 1, 0], ranking.Candidates.Select(c => c.DeclaredIndex));
        Assert.Equal(2.8, ranking.Candidates[1].Figure!.Value, 9);
        Assert.False(sources.TryGetCost("small", out _)); // a bare entry name carries no provider/model to match
    }

    [Fact]
    public async Task LookupFor_WithModelCatalog_EntryNamesMatchByTheirProviderAndModelId()
    {
        using var catalog = new TempCatalog("models-dev-api.json");
        catalog.Write(GoogleAndOpenAICatalog);
        await using var sources = new MetricsSources([Cost(CostSourceKind.ModelsDev, catalog.Path)], _http, new ObservedLatency(new ManualTime()), catalog: ModelCatalogOf(EntryNamesConfig));
        await sources.StartAsync();

        var ranking = CandidateRanker.Rank(["anthropic/claude-sonnet-4-5", "flash", "small"], SelectionPolicy.Cheapest, sources.LookupFor(SelectionPolicy.Cheapest));

        Assert.Equal(["small", "flash", "anthropic/claude-sonnet-4-5"], ranking.Models);
        Assert.True(sources.TryGetCost("small", out var small));
        Assert.Equal(0.75, small, 9);
        Assert.True(sources.TryGetCost("gemini/gemini-2.5-flash", out _)); // provider/model names need no catalog
    }

    [Fact]
    public async Task Rank_FastestPrometheus_RanksByQueryResult()
    {
        var body = MetricsTestData.Read("prometheus-vector.json");
        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
        await using var sources = new MetricsSources([Prometheus(_prometheus.BaseUrl)], _http, new ObservedLatency(new ManualTime()));
        await sources.StartAsync();

        var ranking = sources.Rank(["openai/gpt-4o", "local/none", "anthropic/claude-haiku-4-5"], SelectionPolicy.Fastest);

        Assert.Equal(["anthropic/claude-haiku-4-5", "openai/gpt-4o", "local/none"], ranking.Models);
        Assert.Equal(0.2, ranking.Candidates[0].Figure!.Value, 9);
        Assert.Equal("/api/v1/query?query=ttft_p95", Assert.Single(_prometheus.Targets));
        Assert.True(sources.HasLatency);
        Assert.False(sources.HasCost);
    }

    [Fact]
    public async Task Rank_SeveralCostSources_FirstSourceWithTheModelWins()
    {
        // DigitalOcean's mistral-nemo price is aliased onto openai/gpt-4o, which models.dev prices differently.
        var aliases = new Dictionary<string, string> { ["mistral-nemo"] = "openai/gpt-4o" };
        var digitalOcean = Cost(CostSourceKind.DigitalOcean, TestDataPath("digitalocean-catalog.json"), aliases);
        var modelsDev = Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json"));
        await using var doFirst = new MetricsSources([digitalOcean, modelsDev], _http, new ObservedLatency(new ManualTime()));
        await using var mdFirst = new MetricsSources([modelsDev, digitalOcean], _http, new ObservedLatency(new ManualTime()));
        await Task.WhenAll(doFirst.StartAsync(), mdFirst.StartAsync());

        Assert.True(doFirst.TryGetCost("openai/gpt-4o", out var fromDo));
        Assert.Equal(0.6, fromDo, 9);
        Assert.True(mdFirst.TryGetCost("openai/gpt-4o", out var fromMd));
        Assert.Equal(12.5, fromMd, 9);
        // A model only the second source lists is still found.
        Assert.True(doFirst.TryGetCost("openai/gpt-4o-mini", out var mini));
        Assert.Equal(0.75, mini, 9);
        Assert.Equal(["openai/gpt-4o", "openai/gpt-4o-mini"], doFirst.Rank(["openai/gpt-4o-mini", "openai/gpt-4o"], SelectionPolicy.Cheapest).Models);
        Assert.Equal(["openai/gpt-4o-mini", "openai/gpt-4o"], mdFirst.Rank(["openai/gpt-4o-mini", "openai/gpt-4o"], SelectionPolicy.Cheapest).Models);
    }

    [Fact]
    public async Task Rank_ObservedBeforePrometheus_ObservedFiguresWin()
    {
        var body = MetricsTestData.Read("prometheus-vector.json");
        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
        var observed = new ObservedLatency(new ManualTime());
        observed.Record("anthropic/claude-haiku-4-5", TimeSpan.FromSeconds(2));
        await using var sources = new MetricsSources([Observed(), Prometheus(_prometheus.BaseUrl)], _http, observed);
        await sources.StartAsync();

        var ranking = sources.Rank(["anthropic/claude-haiku-4-5", "openai/gpt-4o"], SelectionPolicy.Fastest);

        Assert.Equal(["openai/gpt-4o", "anthropic/claude-haiku-4-5"], ranking.Models);
        Assert.Equal([0.412, 2.0], ranking.Candidates.Select(c => c.Figure!.Value));
    }

    [Fact]
    public async Task Observed_FedByRecords_RanksFastestAndTakesConfiguredHalfLife()
    {
        var observed = new ObservedLatency(new ManualTime());
        await using var sources = new MetricsSources([Observed(TimeSpan.FromSeconds(30))], _http, observed);
        await sources.StartAsync();
        Assert.Equal(TimeSpan.FromSeconds(30), observed.HalfLife);
        Assert.False(sources.Status[0].HasData);

        observed.Record("openai/gpt-4o", TimeSpan.FromMilliseconds(900));
        observed.Record("openai/gpt-4o-mini", TimeSpan.FromMilliseconds(300));

        Assert.Equal(["openai/gpt-4o-mini", "openai/gpt-4o", "never/seen"], sources.Rank(["openai/gpt-4o", "never/seen", "openai/gpt-4o-mini"], SelectionPolicy.Fastest).Models);
        Assert.True(sources.Status[0].HasData);
        Assert.Equal("latency:observed", sources.Status[0].Name);
    }

    [Fact]
    public async Task StartAsync_InitialFetchFails_StartsAnywayWithNoDataThenRecovers()
    {
        var time = new ManualTime();
        using var catalog = new TempCatalog("models-dev-api.json");
        catalog.Delete();
        var logs = new ListLogger();
        await using var sources = new MetricsSources([Cost(CostSourceKind.ModelsDev, catalog.Path, refresh: Interval)], _http, new ObservedLatency(time), time, logs);

        await sources.StartAsync();
        Assert.StartsWith("Warning: Metrics source cost:models.dev has no data yet (cost catalog: reading ", Assert.Single(logs.Messages), StringComparison.Ordinal);

        var status = Assert.Single(sources.Status);
        Assert.False(status.HasData);
        Assert.Contains("failed", status.LastError, StringComparison.Ordinal);
        var ranking = sources.Rank(["openai/gpt-4o", "openai/gpt-4o-mini"], SelectionPolicy.Cheapest);
        Assert.Equal(["openai/gpt-4o", "openai/gpt-4o-mini"], ranking.Models);
        Assert.All(ranking.Candidates, c => Assert.Null(c.Figure));

        File.WriteAllBytes(catalog.Path, MetricsTestData.Read("models-dev-api.json"));
        time.Advance(Interval);
        await UntilAsync(() => sources.Status[0].HasData);
        Assert.Equal(["openai/gpt-4o-mini", "openai/gpt-4o"], sources.Rank(["openai/gpt-4o", "openai/gpt-4o-mini"], SelectionPolicy.Cheapest).Models);
    }

    [Fact]
    public async Task Refresh_PrometheusFails_LastGoodFiguresKept()
    {
        var time = new ManualTime();
        var logs = new ListLogger();
        var body = MetricsTestData.Read("prometheus-vector.json");
        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
        await using var sources = new MetricsSources([Prometheus(_prometheus.BaseUrl, refresh: Interval)], _http, new ObservedLatency(time), time, logs);
        await sources.StartAsync();
        var goodAt = time.Now;
        Assert.Equal(["Information: Metrics source latency:prometheus ready"], logs.Messages);

        _prometheus.Handler = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        time.Advance(Interval);
        await UntilAsync(() => sources.Status[0].ConsecutiveFailures == 1);

        var status = sources.Status[0];
        Assert.True(status.HasData);
        Assert.Equal(goodAt, status.LastSuccessAt);
        Assert.Contains("answered 503", status.LastError, StringComparison.Ordinal);
        Assert.True(sources.TryGetLatency("openai/gpt-4o", out var seconds));
        Assert.Equal(0.412, seconds, 9);
        Assert.Equal(2, _prometheus.Targets.Count);
        Assert.StartsWith("Warning: Metrics source latency:prometheus refresh failed (prometheus: GET ", logs.Messages[^1], StringComparison.Ordinal);

        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
        time.Advance(Interval);
        await UntilAsync(() => sources.Status[0].ConsecutiveFailures == 0);
        Assert.Equal("Information: Metrics source latency:prometheus refreshed again after failing", logs.Messages[^1]);
    }

    [Fact]
    public async Task Rank_PolicyWithoutSourceOfItsType_KeepsDeclaredOrderWithoutFigures()
    {
        var observed = new ObservedLatency(new ManualTime());
        observed.Record("b", TimeSpan.FromSeconds(1));
        await using var sources = new MetricsSources([Observed()], _http, observed);

        var ranking = sources.Rank(["a", "b"], SelectionPolicy.Cheapest);

        Assert.Equal(["a", "b"], ranking.Models);
        Assert.All(ranking.Candidates, c => Assert.Null(c.Figure));
        Assert.Null(sources.CostLookup);
        Assert.Null(sources.LookupFor(SelectionPolicy.None));
        Assert.Same(sources.LatencyLookup, sources.LookupFor(SelectionPolicy.Fastest));
        Assert.Equal(["a", "b"], MetricsSources.Empty.Rank(["a", "b"], SelectionPolicy.Fastest).Models);
    }

    [Fact]
    public async Task Status_SameProviderTwice_NamesStayUnique()
    {
        var path = TestDataPath("models-dev-api.json");
        await using var sources = new MetricsSources(
            [Cost(CostSourceKind.ModelsDev, path), Cost(CostSourceKind.DigitalOcean, TestDataPath("digitalocean-catalog.json")), Cost(CostSourceKind.ModelsDev, path), Observed()],
            _http,
            new ObservedLatency(new ManualTime()));
        await sources.StartAsync();

        Assert.Equal(["cost:models.dev", "cost:digitalocean", "cost:models.dev#2", "latency:observed"], sources.Status.Select(s => s.Name));
        Assert.All(sources.Status.Take(3), s => Assert.True(s.HasData));
    }

    [Fact]
    public async Task DisposeAsync_StopsRefreshTimers()
    {
        var time = new ManualTime();
        var sources = new MetricsSources([Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json"), refresh: Interval)], _http, new ObservedLatency(time), time);
        await sources.StartAsync();
        Assert.Equal(1, time.ActiveTimers);

        await sources.DisposeAsync();

        Assert.Equal(0, time.ActiveTimers);
    }
}
