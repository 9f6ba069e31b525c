using Microsoft.AspNetCore.Http;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Selection;
using static Switchyard.Core.Tests.Routing.Metrics.MetricsSourceFixtures;

namespace Switchyard.Core.Tests.Routing.Metrics;

public sealed class MetricsSourceRegistryTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly HttpClient _http = new();
    private readonly ManualTime _time = new();
    private FakePrometheus _prometheus = null!;

    public async Task InitializeAsync()
    {
        _prometheus = await FakePrometheus.StartAsync();
        var body = MetricsTestData.Read("prometheus-vector.json");
        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _prometheus.DisposeAsync();
    }

    [Fact]
    public async Task ApplyAsync_EqualConfigAgain_ReusesRunningSourcesWithoutFetching()
    {
        await using var registry = new MetricsSourceRegistry(_http, new ObservedLatency(_time), _time);
        var first = await registry.ApplyAsync(
        [
            Prometheus(_prometheus.BaseUrl, refresh: Interval),
            Cost(CostSourceKind.DigitalOcean, TestDataPath("digitalocean-catalog.json"), new Dictionary<string, string> { ["openai-gpt-4o"] = "openai/gpt-4o" }, Interval),
        ]);

        // A reload parses the file again: new records, a new dictionary with the same content, other lines.
        var second = await registry.ApplyAsync(
        [
            Prometheus(_prometheus.BaseUrl, refresh: Interval) with { Line = 40 },
            Cost(CostSourceKind.DigitalOcean, TestDataPath("digitalocean-catalog.json"), new Dictionary<string, string> { ["openai-gpt-4o"] = "openai/gpt-4o" }, Interval) with { Line = 44 },
        ]);

        Assert.NotSame(first, second);
        Assert.Same(second, registry.Current);
        Assert.Same(first.Entries[0], second.Entries[0]);
        Assert.Same(first.Entries[1], second.Entries[1]);
        Assert.Single(_prometheus.Targets);
        Assert.Equal(2, _time.ActiveTimers);
        Assert.True(second.TryGetCost("openai/gpt-4o", out _));
    }

    [Fact]
    public async Task ApplyAsync_ChangedAndRemovedSources_StartsNewStopsOld()
    {
        await using var registry = new MetricsSourceRegistry(_http, new ObservedLatency(_time), _time);
        var modelsDev = Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json"), refresh: Interval);
        var first = await registry.ApplyAsync([Prometheus(_prometheus.BaseUrl, "q1", Interval), modelsDev]);
        Assert.Equal(2, _time.ActiveTimers);

        var second = await registry.ApplyAsync([modelsDev with { }, Prometheus(_prometheus.BaseUrl, "q2", Interval)]);

        Assert.Same(first.Entries[1], second.Entries[0]);
        Assert.NotSame(first.Entries[0], second.Entries[1]);
        Assert.Equal(["/api/v1/query?query=q1", "/api/v1/query?query=q2"], _prometheus.Targets);
        Assert.Equal(2, _time.ActiveTimers); // the q1 timer stopped, the q2 timer started
        Assert.True(second.TryGetLatency("openai/gpt-4o", out _));

        // The view published before the reload still answers from its (now stopped) source's last data.
        Assert.True(first.TryGetLatency("openai/gpt-4o", out _));

        var third = await registry.ApplyAsync([]);
        Assert.Equal(0, _time.ActiveTimers);
        Assert.False(third.HasCost || third.HasLatency);
        _time.Advance(Interval * 3);
        Assert.Equal(2, _prometheus.Targets.Count);
    }

    [Fact]
    public async Task ApplyAsync_ChangedAliases_RestartsTheSource()
    {
        await using var registry = new MetricsSourceRegistry(_http, new ObservedLatency(_time), _time);
        var path = TestDataPath("digitalocean-catalog.json");
        var first = await registry.ApplyAsync([Cost(CostSourceKind.DigitalOcean, path, new Dictionary<string, string> { ["openai-gpt-4o"] = "gpt" })]);

        var second = await registry.ApplyAsync([Cost(CostSourceKind.DigitalOcean, path, new Dictionary<string, string> { ["openai-gpt-4o"] = "big" })]);

        Assert.NotSame(first.Entries[0], second.Entries[0]);
        Assert.True(second.TryGetCost("big", out _));
        Assert.False(second.TryGetCost("gpt", out _));
    }

    [Fact]
    public async Task ApplyAsync_ObservedLatency_SurvivesReloadsAndFollowsHalfLife()
    {
        var observed = new ObservedLatency(_time);
        await using var registry = new MetricsSourceRegistry(_http, observed, _time);
        await registry.ApplyAsync([Observed(TimeSpan.FromMinutes(1))]);
        observed.Record("openai/gpt-4o", TimeSpan.FromSeconds(1));

        var reloaded = await registry.ApplyAsync([Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json")), Observed(TimeSpan.FromMinutes(2))]);

        Assert.Same(observed, registry.Observed);
        Assert.Equal(TimeSpan.FromMinutes(2), observed.HalfLife);
        Assert.True(reloaded.TryGetLatency("openai/gpt-4o", out var seconds));
        Assert.Equal(1, seconds, 9);
        Assert.Equal(["openai/gpt-4o-mini", "openai/gpt-4o"], reloaded.Rank(["openai/gpt-4o", "openai/gpt-4o-mini"], SelectionPolicy.Cheapest).Models);
    }

    [Fact]
    public async Task LookupFor_AsSelectionFigures_FollowsTheCurrentSources()
    {
        await using var registry = new MetricsSourceRegistry(_http, new ObservedLatency(_time), _time);
        Assert.Null(registry.LookupFor(SelectionPolicy.Cheapest));

        await registry.ApplyAsync([Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json"))], ModelCatalogOf("""
              - model: openai/gpt-4o-mini
                name: mini
                access_key: k
            """));

        var lookup = registry.LookupFor(SelectionPolicy.Cheapest);
        Assert.NotNull(lookup);
        Assert.True(lookup("mini", out var price));
        Assert.Equal(0.75, price, 9);
        Assert.Null(registry.LookupFor(SelectionPolicy.Fastest));
    }

    [Fact]
    public async Task ApplyAsync_NewSourceFailsFirstFetch_StillApplied()
    {
        await using var registry = new MetricsSourceRegistry(_http, new ObservedLatency(_time), _time);

        var sources = await registry.ApplyAsync([Cost(CostSourceKind.ModelsDev, "/nonexistent/switchyard/api.json")]);

        Assert.Same(sources, registry.Current);
        Assert.False(sources.Status[0].HasData);
        Assert.NotNull(sources.Status[0].LastError);
    }

    [Fact]
    public async Task DisposeAsync_StopsEverySource()
    {
        var registry = new MetricsSourceRegistry(_http, new ObservedLatency(_time), _time);
        await registry.ApplyAsync([Prometheus(_prometheus.BaseUrl, refresh: Interval), Cost(CostSourceKind.ModelsDev, TestDataPath("models-dev-api.json"), refresh: Interval)]);

        await registry.DisposeAsync();

        Assert.Equal(0, _time.ActiveTimers);
        Assert.Same(MetricsSources.Empty, registry.Current);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => registry.ApplyAsync([]));
    }
}
