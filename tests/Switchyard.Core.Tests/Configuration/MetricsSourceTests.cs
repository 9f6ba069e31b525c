using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Metrics;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class MetricsSourceTests
{
    [Fact]
    public void Parse_AllSourceKinds_ReadInOrder()
    {
        var config = LoadValid(RoutingBase + "\n" + """
            model_metrics_sources:
              - type: cost
                provider: models.dev
                url: https://models.dev/api.json
                refresh_interval: 3600
                model_aliases:
                  openai/gpt-4o-2024-08-06: openai/gpt-4o
              - type: cost
                provider: digitalocean
              - type: latency
                provider: prometheus
                url: http://prometheus:9090
                query: histogram_quantile(0.5, rate(ttft_seconds_bucket[5m]))
                refresh_interval: 30s
              - type: latency
                provider: observed
                half_life: 2m
            """);

        Assert.Collection(config.MetricsSources,
            s =>
            {
                var cost = Assert.IsType<CostSourceConfig>(s);
                Assert.Equal((CostSourceKind.ModelsDev, new Uri("https://models.dev/api.json"), TimeSpan.FromHours(1), 14), (cost.Kind, cost.Url, cost.RefreshInterval, cost.Line));
                Assert.Equal(new Dictionary<string, string> { ["openai/gpt-4o-2024-08-06"] = "openai/gpt-4o" }, cost.ModelAliases);
            },
            s =>
            {
                var cost = Assert.IsType<CostSourceConfig>(s);
                Assert.Equal((CostSourceKind.DigitalOcean, (Uri?)null, (TimeSpan?)null, 0, 20), (cost.Kind, cost.Url, cost.RefreshInterval, cost.ModelAliases.Count, cost.Line));
            },
            s => Assert.Equal(
                new LatencySourceConfig(LatencySourceKind.Prometheus, new Uri("http://prometheus:9090"), "histogram_quantile(0.5, rate(ttft_seconds_bucket[5m]))", 22)
                {
                    RefreshInterval = TimeSpan.FromSeconds(30),
                },
                s),
            s => Assert.Equal(new LatencySourceConfig(LatencySourceKind.Observed, null, null, 27) { HalfLife = TimeSpan.FromMinutes(2) }, s));
    }

    [Fact]
    public void LoadFile_CostCatalogRelativePath_ResolvedAgainstConfigDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-metrics-").FullName;
        try
        {
            var file = Path.Combine(dir, "switchyard.yaml");
            File.WriteAllText(file, MinimalProviders + "\n" + """
                model_metrics_sources:
                  - type: cost
                    provider: models.dev
                    url: catalogs/api.json
                  - type: cost
                    provider: digitalocean
                    url: file:///srv/do.json
                """);

            var result = ConfigLoader.LoadFile(file, _ => null);

            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            var sources = result.Config!.MetricsSources.Cast<CostSourceConfig>().ToList();
            Assert.Equal(new Uri(Path.Combine(dir, "catalogs", "api.json")), sources[0].Url);
            Assert.True(sources[0].Url!.IsFile);
            Assert.Equal(new Uri("file:///srv/do.json"), sources[1].Url);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("  - url: x", "model_metrics_sources[0].type", 5, "is required: one of cost, latency")]
    [InlineData("  - type: throughput", "model_metrics_sources[0].type", 5, "'throughput' is not one of cost, latency")]
    [InlineData("  - type: cost", "model_metrics_sources[0].provider", 5, "is required: one of digitalocean, models.dev")]
    [InlineData("  - type: cost\n    provider: openrouter", "model_metrics_sources[0].provider", 6, "'openrouter' is not one of digitalocean, models.dev")]
    [InlineData("  - type: latency\n    provider: datadog", "model_metrics_sources[0].provider", 6, "'datadog' is not one of prometheus, observed")]
    [InlineData("  - type: cost\n    provider: models.dev\n    url: ftp://host/api.json", "model_metrics_sources[0].url", 7, "'ftp://host/api.json' must be an http:// or https:// URL, a file:// URL or a file path")]
    [InlineData("  - type: cost\n    provider: models.dev\n    query: up", "model_metrics_sources[0].query", 7, "unknown key 'query'")]
    [InlineData("  - type: cost\n    provider: models.dev\n    refresh_interval: -5", "model_metrics_sources[0].refresh_interval", 7, "must be greater than zero, got '-5'")]
    [InlineData("  - type: latency\n    provider: prometheus\n    url: http://p:9090", "model_metrics_sources[0].query", 5, "is required")]
    [InlineData("  - type: latency\n    provider: prometheus\n    query: up", "model_metrics_sources[0].url", 5, "is required")]
    [InlineData("  - type: latency\n    provider: prometheus\n    url: /var/prom\n    query: up", "model_metrics_sources[0].url", 7, "'/var/prom' must be an absolute http:// or https:// URL (the Prometheus server)")]
    [InlineData("  - type: latency\n    provider: observed\n    url: http://p:9090", "model_metrics_sources[0].url", 7, "unknown key 'url'")]
    [InlineData("  - type: latency\n    provider: observed\n    half_life: soon", "model_metrics_sources[0].half_life", 7, "must be a duration such as 500ms, 30s, 2m, 1h or a number of seconds, got 'soon'")]
    [InlineData("  - type: cost\n    provider: models.dev\n    model_aliases: [a]", "model_metrics_sources[0].model_aliases", 7, "must be a mapping (key: value), got a list")]
    [InlineData("  type: cost", "model_metrics_sources", 5, "must be a list, got a mapping")]
    public void Parse_BadSource_ErrorAtPathAndLine(string entry, string path, int line, string message)
    {
        var d = SingleError(MinimalProviders + "\nmodel_metrics_sources:\n" + entry);

        AssertAt(d, path, line);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Parse_CostAliasToUnconfiguredModel_Warning()
    {
        var result = Load(RoutingBase + "\n" + """
            model_metrics_sources:
              - type: cost
                provider: digitalocean
                model_aliases:
                  openai/openai-gpt-4o: openai/gpt-4o-min
            """);

        Assert.True(result.Success);
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "model_metrics_sources[0].model_aliases.openai/openai-gpt-4o", 17);
        Assert.Equal("'openai/gpt-4o-min' does not match any configured model, so this catalog price is never used (did you mean 'openai/gpt-4o-mini'?)", w.Message);
    }
}
