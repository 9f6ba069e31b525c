using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Selection;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Routing;

/// <summary>Each group strategy orders the members from the endpoints' state, deterministically given the random source.</summary>
public class GroupStrategyTests
{
    private static string Three(string strategy, string a = "", string b = "", string c = "") => $"""
        model_providers:
          - name: a
            model: openai/gpt-4o
            access_key: ka
            {a}
          - name: b
            model: openai/gpt-4o
            access_key: kb
            base_url: https://b.example
            {b}
          - name: c
            model: openai/gpt-4o
            access_key: kc
            base_url: https://c.example
            {c}
        model_groups:
          g:
            models: [a, b, c]
            strategy: {strategy}
        """;

    private sealed record Setup(ModelCatalog Catalog, EndpointRegistry Endpoints)
    {
        public EndpointState State(string name) => Endpoints.For(Catalog.ResolveName(name)!.Entry);

        public string[] Order(bool streaming = false, Func<double>? random = null, ISelectionFigures? figures = null)
        {
            var plan = CandidatePlanner.Plan(Catalog, Catalog.ResolveName("g")!, null, new PlanContext(Endpoints, streaming, figures, random));
            return [.. plan.Candidates.Select(m => m.CanonicalName)];
        }
    }

    private static Setup Build(string yaml)
    {
        var config = LoadValid(yaml);
        return new Setup(ModelCatalog.Build(config), EndpointRegistry.Build(config.Providers, null));
    }

    // A random source that plays back the given values, then repeats the last.
    private static Func<double> Sequence(params double[] values)
    {
        var i = 0;
        return () => values[Math.Min(i++, values.Length - 1)];
    }

    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Priority_LowerFirst_UnsetLast_TiesInDeclaredOrder_SameEveryRequest()
    {
        var s = Build(Three("priority", a: "", b: "priority: 2", c: "priority: -1"));

        Assert.Equal(["c", "b", "a"], s.Order());
        Assert.Equal(["c", "b", "a"], s.Order());
    }

    [Fact]
    public void Priority_NoneSet_DeclaredOrder()
    {
        var s = Build(Three("priority"));

        Assert.Equal(["a", "b", "c"], s.Order());
        Assert.Equal(["a", "b", "c"], s.Order());
    }

    [Fact]
    public void Weighted_FirstPlaceFollowsWeights()
    {
        var s = Build(Three("weighted", a: "weight: 6", b: "weight: 3", c: "weight: 1"));
        var random = new Random(1234);
        var firsts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };

        for (var i = 0; i < 10_000; i++)
        {
            var order = s.Order(random: random.NextDouble);
            Assert.Equal(3, order.Distinct().Count());
            firsts[order[0]]++;
        }

        // Expected 6000/3000/1000; four standard deviations of slack.
        Assert.InRange(firsts["a"], 5800, 6200);
        Assert.InRange(firsts["b"], 2820, 3180);
        Assert.InRange(firsts["c"], 880, 1120);
    }

    [Theory]
    [InlineData("simple-shuffle")]
    [InlineData("random")]
    [InlineData("weighted-round-robin")]
    public void Weighted_OtherNames_AreWeightedRandom(string name)
    {
        var s = Build(Three(name, a: "weight: 1", b: "weight: 1000"));

        // Member b's key is 1000 times smaller for the same draw: it leads unless its own draw is extreme.
        Assert.Equal("b", s.Order(random: Sequence(0.5))[0]);
        Assert.Equal(GroupStrategy.Weighted, s.Catalog.Group("g")!.Kind);
    }

    [Fact]
    public void LeastBusy_FewestInFlightFirst_TiesRotate()
    {
        var s = Build(Three("least-busy"));
        s.State("a").Start();
        s.State("a").Start();
        s.State("b").Start();

        Assert.Equal(["c", "b", "a"], s.Order());

        s.State("a").Finish();
        s.State("a").Finish();
        s.State("b").Finish();

        // All idle: the rotation decides, one step per request.
        var leaders = Enumerable.Range(0, 3).Select(_ => s.Order()[0]).ToHashSet();
        Assert.Equal(3, leaders.Count);
    }

    [Fact]
    public void LatencyBased_JsonRanksByTotalLatency_StreamByTimeToFirstToken()
    {
        var s = Build(Three("latency-based-routing"));
        s.State("a").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(300));
        s.State("b").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(100));
        s.State("c").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(200));
        s.State("a").RecordTimeToFirstToken(TimeSpan.FromMilliseconds(10));
        s.State("b").RecordTimeToFirstToken(TimeSpan.FromMilliseconds(30));
        s.State("c").RecordTimeToFirstToken(TimeSpan.FromMilliseconds(20));
        var noExploration = Sequence(0.99);

        Assert.Equal(["b", "c", "a"], s.Order(streaming: false, random: noExploration));
        Assert.Equal(["a", "c", "b"], s.Order(streaming: true, random: noExploration));
    }

    [Fact]
    public void LatencyBased_NoData_DeclaredOrder_NeverTriedFirst_TriedWithoutFigureLast()
    {
        var s = Build(Three("least-latency"));

        Assert.Equal(["a", "b", "c"], s.Order(random: Sequence(0.0)));
        Assert.Equal(["a", "b", "c"], s.Order(random: Sequence(0.0)));

        // b answered in 50 ms; a failed (tried, no figure); c was never tried, so it is measured next.
        s.State("b").Start();
        s.State("b").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(50));
        s.State("b").Finish();
        s.State("a").Start();
        s.State("a").RecordFailure(Now, 500, "status", credentialRefused: false);
        s.State("a").Finish();
        Assert.Equal(["c", "b", "a"], s.Order(random: Sequence(0.99)));

        s.State("c").Start();
        s.State("c").Finish();
        Assert.Equal(["b", "a", "c"], s.Order(random: Sequence(0.99)));
    }

    [Fact]
    public void LatencyBased_ExplorationShare_LeadsWithAnotherMember_RestKeepTheirOrder()
    {
        var s = Build(Three("latency-based"));
        s.State("a").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(300));
        s.State("b").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(100));
        s.State("c").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(200));

        // Sorted b, c, a. A first draw under the share explores; the second picks among the other two.
        Assert.Equal(["c", "b", "a"], s.Order(random: Sequence(GroupOrdering.ExplorationShare / 2, 0.0)));
        Assert.Equal(["a", "b", "c"], s.Order(random: Sequence(GroupOrdering.ExplorationShare / 2, 0.99)));
        Assert.Equal(["b", "c", "a"], s.Order(random: Sequence(GroupOrdering.ExplorationShare)));
    }

    [Fact]
    public void LatencyBased_ExplorationRate_IsTheShare()
    {
        var s = Build(Three("latency-based"));
        s.State("a").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(10));
        s.State("b").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(100));
        s.State("c").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(100));
        var random = new Random(99);

        var explored = Enumerable.Range(0, 10_000).Count(_ => s.Order(random: random.NextDouble)[0] != "a");

        // Expected 500 (5 %); four standard deviations of slack.
        Assert.InRange(explored, 413, 587);
    }

    [Fact]
    public void UsageBased_LeastRecentUsageFirst()
    {
        var s = Build(Three("usage-based-routing-v2"));
        for (var i = 0; i < 3; i++)
        {
            s.State("a").Start();
            s.State("a").Finish();
        }

        s.State("c").Start();
        s.State("c").Finish();

        Assert.Equal(["b", "c", "a"], s.Order());
    }

    [Fact]
    public void UsageBased_WeighsUsageAgainstEachMembersRpm()
    {
        // a: 3 of rpm 100 (3 %), b: 2 of rpm 10 (20 %), c: 1 without limits, counted against the group's largest
        // rpm (1 %): c, a, b — not the raw counts' c, b, a.
        var s = Build(Three("usage-based", a: "limits: {rpm: 100}", b: "limits: {rpm: 10}"));
        foreach (var (name, n) in (ReadOnlySpan<(string, int)>)[("a", 3), ("b", 2), ("c", 1)])
        {
            for (var i = 0; i < n; i++)
            {
                s.State(name).Start();
                s.State(name).Finish();
            }
        }

        Assert.Equal(["c", "a", "b"], s.Order());
    }

    [Fact]
    public void UsageBased_TokensAgainstTpm_CountWhenLarger()
    {
        // Same attempts everywhere; a has used 9,000 of its 10,000 tpm, b 1,000 of 10,000.
        var s = Build(Three("usage-based", a: "limits: {tpm: 10000}", b: "limits: {tpm: 10000}", c: "limits: {tpm: 10000}"));
        s.State("a").RecordCompleted(TimeSpan.FromMilliseconds(5), 9_000);
        s.State("b").RecordCompleted(TimeSpan.FromMilliseconds(5), 1_000);
        s.State("c").RecordCompleted(TimeSpan.FromMilliseconds(5), 5_000);

        Assert.Equal(["b", "c", "a"], s.Order());
    }

    [Fact]
    public void RecentUsage_RecordsAmounts()
    {
        var usage = new RecentUsage();
        usage.Record(1_000, 1_500);
        usage.Record(2_000, 500);
        usage.Record(2_000, -7); // nothing negative

        Assert.Equal(2_000, usage.Count(2_000));
        Assert.Equal(0, usage.Count(61_000));
    }

    [Fact]
    public void RecentUsage_CountsTheLastMinute_InTenSecondBuckets()
    {
        var usage = new RecentUsage();
        usage.Record(1_000);
        usage.Record(5_000);
        usage.Record(15_000);

        Assert.Equal(3, usage.Count(15_000));
        Assert.Equal(3, usage.Count(59_999));
        Assert.Equal(1, usage.Count(60_000)); // the first bucket (0–10 s) left the window
        Assert.Equal(0, usage.Count(70_000));

        usage.Record(75_000); // reuses bucket 1's slot, which held an old count
        Assert.Equal(1, usage.Count(75_000));
    }

    [Fact]
    public void RecentUsage_ConcurrentRecords_AllCounted()
    {
        var usage = new RecentUsage();

        Parallel.For(0, 10_000, _ => usage.Record(25_000));

        Assert.Equal(10_000, usage.Count(25_000));
    }

    private sealed class Prices(Dictionary<string, double> prices) : ISelectionFigures
    {
        public FigureLookup? LookupFor(SelectionPolicy policy)
            => policy == SelectionPolicy.Cheapest ? (string model, out double figure) => prices.TryGetValue(model, out figure) : null;
    }

    [Fact]
    public void CostBased_CheapestFirst_NoFigureAfter_InDeclaredOrder()
    {
        var s = Build(Three("cost-based-routing"));

        Assert.Equal(["c", "b", "a"], s.Order(figures: new Prices(new() { ["b"] = 10, ["c"] = 2 })));
        Assert.Equal(["a", "b", "c"], s.Order(figures: NoSelectionFigures.Instance));
        Assert.Equal(["a", "b", "c"], s.Order());
    }

    [Theory]
    [InlineData("round-robin")]
    [InlineData("priority")]
    [InlineData("weighted")]
    [InlineData("least-busy")]
    [InlineData("latency-based")]
    [InlineData("usage-based")]
    public void Order_AllocatesNothing(string strategy)
    {
        var s = Build(Three(strategy));
        s.State("a").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(30));
        s.State("b").RecordSuccess(Now, 200, TimeSpan.FromMilliseconds(20));
        var group = s.Catalog.Group("g")!;
        var context = new PlanContext(s.Endpoints, Streaming: false);
        Span<int> order = stackalloc int[3];
        GroupOrdering.Order(group, context, order);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            GroupOrdering.Order(group, context, order);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void NoContext_StateStrategies_FallBackWithoutState()
    {
        var s = Build(Three("least-busy"));

        // Without an endpoint registry (default context) least-busy is plain rotation.
        var plan = CandidatePlanner.Plan(s.Catalog, s.Catalog.ResolveName("g")!, null);
        Assert.Equal(3, plan.Candidates.Count);
    }
}
