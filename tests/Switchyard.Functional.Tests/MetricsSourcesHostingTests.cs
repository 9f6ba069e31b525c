using Microsoft.Extensions.DependencyInjection;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>The host runs the metrics-sources registry behind the Route stage and re-applies it on every reload.</summary>
public sealed class MetricsSourcesHostingTests
{
    private static string Config(FakeUpstream up, string name) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            name: {name}
            access_key: k
            base_url: {up.BaseUrl}
        """;

    [Fact]
    public async Task Host_SelectionFiguresAreTheRegistry_ReappliedOnReload()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up, "first"));
        var registry = gw.Host.Services.GetRequiredService<MetricsSourceRegistry>();
        Assert.Same(registry, gw.Host.Services.GetRequiredService<ISelectionFigures>());
        Assert.Same(gw.Host.Services.GetRequiredService<ObservedLatency>(), registry.Observed);
        var before = registry.Current;

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(up, "second"));
        await reloaded;

        var limit = DateTime.UtcNow + TestGateway.WaitLimit;
        while (ReferenceEquals(before, registry.Current))
        {
            Assert.True(DateTime.UtcNow < limit, "the reload did not re-apply the metrics sources");
            await Task.Delay(10);
        }
    }
}
