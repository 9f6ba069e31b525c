using Microsoft.AspNetCore.Http;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Tests.Routing.Metrics;

public sealed class MetricsFetcherTests : IAsyncLifetime
{
    private const string Query = "histogram_quantile(0.95, sum by (model_name, le) (rate(ttft_seconds_bucket[5m])))";
    private readonly HttpClient _http = new();
    private FakePrometheus _prometheus = null!;

    public async Task InitializeAsync() => _prometheus = await FakePrometheus.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _prometheus.DisposeAsync();
    }

    [Fact]
    public async Task Prometheus_FetchAsync_SendsInstantQueryAndRanksFastest()
    {
        var body = MetricsTestData.Read("prometheus-vector.json");
        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
        var fetcher = new PrometheusLatencyFetcher(_http, _prometheus.BaseUrl, Query);

        var result = await fetcher.FetchAsync();

        Assert.True(result.Succeeded, result.Error);
        var target = Assert.Single(_prometheus.Targets);
        Assert.Equal("/api/v1/query?query=" + Uri.EscapeDataString(Query), target);
        var ranking = CandidateRanker.RankFastest(["openai/gpt-4o", "local/none", "anthropic/claude-haiku-4-5"], result.Value!.TryGetSeconds);
        Assert.Equal(["anthropic/claude-haiku-4-5", "openai/gpt-4o", "local/none"], ranking.Models);
    }

    [Fact]
    public void Prometheus_UrlWithQueryPath_UsedAsIs()
    {
        var fetcher = new PrometheusLatencyFetcher(_http, new Uri(_prometheus.BaseUrl, "prom/api/v1/query"), "up");

        Assert.Equal("/prom/api/v1/query", fetcher.RequestUri.AbsolutePath);
        Assert.Equal("?query=up", fetcher.RequestUri.Query);
    }

    [Fact]
    public async Task Prometheus_ServerError_FailsAsValue()
    {
        _prometheus.Handler = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };

        var result = await new PrometheusLatencyFetcher(_http, _prometheus.BaseUrl, "up").FetchAsync();

        Assert.False(result.Succeeded);
        Assert.Contains("answered 503", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("query=", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prometheus_SlowServer_TimesOutAsValue()
    {
        _prometheus.Handler = context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);

        var result = await new PrometheusLatencyFetcher(_http, _prometheus.BaseUrl, "up", TimeSpan.FromMilliseconds(200)).FetchAsync();

        Assert.False(result.Succeeded);
        Assert.Contains("timed out", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CostCatalog_FetchAsync_ParsesServedCatalogWithAliases()
    {
        var body = MetricsTestData.Read("digitalocean-catalog.json");
        _prometheus.Handler = context => context.Response.Body.WriteAsync(body).AsTask();
        var aliases = new Dictionary<string, string> { ["openai-gpt-4o"] = "openai/gpt-4o" };
        var fetcher = new CostCatalogFetcher(_http, CostSourceKind.DigitalOcean, new Uri(_prometheus.BaseUrl, "v2/gen-ai/models/catalog"), aliases);

        var result = await fetcher.FetchAsync();

        Assert.True(result.Succeeded, result.Error);
        Assert.True(result.Value!.TryGetTotalPerMillion("openai/gpt-4o", out var total));
        Assert.Equal(12.5, total, 9);
    }

    [Fact]
    public async Task CostCatalog_FileUrl_ReadsLocalSnapshot()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-models-dev-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(path, MetricsTestData.Read("models-dev-api.json"));
        try
        {
            var result = await new CostCatalogFetcher(_http, CostSourceKind.ModelsDev, new Uri(path)).FetchAsync();

            Assert.True(result.Succeeded, result.Error);
            Assert.True(result.Value!.TryGet("openai/gpt-4o-mini", out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CostCatalog_MissingFile_FailsAsValue()
    {
        var result = await new CostCatalogFetcher(_http, CostSourceKind.ModelsDev, new Uri("file:///nonexistent/switchyard/api.json")).FetchAsync();

        Assert.False(result.Succeeded);
        Assert.StartsWith("cost catalog: reading", result.Error);
    }
}
