using Switchyard.Core.State.Affinity;
using Switchyard.Core.Tests.Routing.Metrics;

namespace Switchyard.Core.Tests.State.Affinity;

public class InMemoryAffinityStoreTests
{
    private static readonly AffinityEntry Pin = new("openai/gpt-4o", "code_generation");

    [Fact]
    public void Set_ThenTryGet_ReturnsPin()
    {
        var store = new InMemoryAffinityStore(new ManualTime());

        store.Set("plano:affinity:s1", Pin);

        Assert.True(store.TryGet("plano:affinity:s1", out var found));
        Assert.Equal(Pin, found);
        Assert.False(store.TryGet("plano:affinity:s2", out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public void Set_SameKey_ReplacesPin()
    {
        var store = new InMemoryAffinityStore(new ManualTime());

        store.Set("k", Pin);
        store.Set("k", new AffinityEntry("anthropic/claude-haiku-4-5", null));

        store.TryGet("k", out var found);
        Assert.Equal("anthropic/claude-haiku-4-5", found!.Model);
        Assert.Null(found.Route);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void TryGet_DefaultTtl_ExpiresAfter600Seconds()
    {
        var time = new ManualTime();
        var store = new InMemoryAffinityStore(time);
        store.Set("k", Pin);

        time.Advance(TimeSpan.FromSeconds(599));
        Assert.True(store.TryGet("k", out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(store.TryGet("k", out _));
        Assert.Equal(0, store.Count);
        Assert.Equal(TimeSpan.FromSeconds(600), store.TimeToLive);
        Assert.Equal(10_000, store.MaxEntries);
    }

    [Fact]
    public void TryGet_DoesNotExtendLife_SetDoes()
    {
        var time = new ManualTime();
        var store = new InMemoryAffinityStore(time, TimeSpan.FromSeconds(60));
        store.Set("read", Pin);
        store.Set("reset", Pin);

        time.Advance(TimeSpan.FromSeconds(50));
        Assert.True(store.TryGet("read", out _));
        store.Set("reset", Pin);
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(store.TryGet("read", out _));
        Assert.True(store.TryGet("reset", out _));
    }

    [Fact]
    public void Set_BeyondCap_EvictsLeastRecentlyUsed()
    {
        var store = new InMemoryAffinityStore(new ManualTime(), maxEntries: 2);
        store.Set("a", Pin);
        store.Set("b", Pin);
        Assert.True(store.TryGet("a", out _));

        store.Set("c", Pin);

        Assert.True(store.TryGet("a", out _));
        Assert.False(store.TryGet("b", out _));
        Assert.True(store.TryGet("c", out _));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void Set_SweepsExpiredFromColdEnd()
    {
        var time = new ManualTime();
        var store = new InMemoryAffinityStore(time, TimeSpan.FromSeconds(10));
        store.Set("old1", Pin);
        store.Set("old2", Pin);

        time.Advance(TimeSpan.FromSeconds(11));
        store.Set("new", Pin);

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Remove_DropsPin()
    {
        var store = new InMemoryAffinityStore(new ManualTime());
        store.Set("k", Pin);

        Assert.True(store.Remove("k"));
        Assert.False(store.Remove("k"));
        Assert.False(store.TryGet("k", out _));
    }

    [Fact]
    public void Constructor_InvalidLimits_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryAffinityStore(maxEntries: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryAffinityStore(timeToLive: TimeSpan.Zero));
    }

    [Fact]
    public async Task Concurrent_SetAndGet_StaysWithinCap()
    {
        var store = new InMemoryAffinityStore(new ManualTime(), maxEntries: 100);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var key = $"k{(t * 31 + i) % 500}";
                store.Set(key, Pin);
                store.TryGet(key, out _);
            }
        })));

        Assert.Equal(100, store.Count);
    }

    [Fact]
    public void Tenants_SameSessionId_PinnedSeparately()
    {
        var store = new InMemoryAffinityStore(new ManualTime());
        Assert.True(AffinityKeys.TryBuild("session-1", "acme", out var acme));
        Assert.True(AffinityKeys.TryBuild("session-1", "globex", out var globex));

        store.Set(acme, Pin);
        store.Set(globex, new AffinityEntry("anthropic/claude-haiku-4-5", "general"));

        store.TryGet(acme, out var a);
        store.TryGet(globex, out var g);
        Assert.Equal("openai/gpt-4o", a!.Model);
        Assert.Equal("anthropic/claude-haiku-4-5", g!.Model);
    }
}
