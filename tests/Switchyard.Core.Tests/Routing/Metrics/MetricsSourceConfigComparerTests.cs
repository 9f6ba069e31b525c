using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing.Metrics;

public class MetricsSourceConfigComparerTests
{
    private static readonly MetricsSourceConfigComparer Comparer = MetricsSourceConfigComparer.Instance;
    private static readonly Uri Url = new("https://models.dev/api.json");

    private static CostSourceConfig Cost(Dictionary<string, string> aliases, int line = 3) => new(CostSourceKind.ModelsDev, Url, aliases, line);

    [Fact]
    public void Equals_AliasesWithSameContent_EqualDespiteOtherDictionaryAndLine()
    {
        var a = Cost(new() { ["x"] = "1", ["y"] = "2" });
        var b = Cost(new() { ["y"] = "2", ["x"] = "1" }, line: 9);

        Assert.NotEqual(a, b); // the generated record equality compares the dictionary by reference
        Assert.True(Comparer.Equals(a, b));
        Assert.Equal(Comparer.GetHashCode(a), Comparer.GetHashCode(b));
    }

    [Fact]
    public void Equals_AnyFetchRelevantDifference_NotEqual()
    {
        var cost = Cost(new() { ["x"] = "1" });
        Assert.False(Comparer.Equals(cost, Cost(new() { ["x"] = "2" })));
        Assert.False(Comparer.Equals(cost, Cost(new() { ["x"] = "1", ["z"] = "1" })));
        Assert.False(Comparer.Equals(cost, cost with { RefreshInterval = TimeSpan.FromMinutes(1) }));
        Assert.False(Comparer.Equals(cost, cost with { Kind = CostSourceKind.DigitalOcean }));
        Assert.False(Comparer.Equals(cost, cost with { Url = null }));
        Assert.False(Comparer.Equals(cost, cost with { Url = new Uri("https://user:secret@models.dev/api.json") }));

        var prometheus = new LatencySourceConfig(LatencySourceKind.Prometheus, new Uri("http://prom:9090"), "q", 1);
        Assert.True(Comparer.Equals(prometheus, prometheus with { Line = 2 }));
        Assert.False(Comparer.Equals(prometheus, prometheus with { Query = "q2" }));
        Assert.False(Comparer.Equals(prometheus, prometheus with { Url = new Uri("http://prom:9091") }));
        Assert.False(Comparer.Equals(prometheus, prometheus with { HalfLife = TimeSpan.FromMinutes(1) }));
        Assert.False(Comparer.Equals(prometheus, prometheus with { Kind = LatencySourceKind.Observed }));
        Assert.False(Comparer.Equals(prometheus, cost));
        Assert.False(Comparer.Equals(prometheus, null));
    }
}
