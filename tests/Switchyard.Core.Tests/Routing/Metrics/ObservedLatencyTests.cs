using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing.Metrics;

public class ObservedLatencyTests
{
    [Fact]
    public void TryGetSeconds_Unobserved_False()
    {
        Assert.False(new ObservedLatency(new ManualTime()).TryGetSeconds("m", out _));
    }

    [Fact]
    public void Record_FirstSample_IsTheAverage()
    {
        var latency = new ObservedLatency(new ManualTime());

        latency.Record("m", TimeSpan.FromMilliseconds(300));

        Assert.True(latency.TryGetSeconds("m", out var seconds));
        Assert.Equal(0.3, seconds, 9);
    }

    [Fact]
    public void Record_SameInstant_PlainMean()
    {
        var latency = new ObservedLatency(new ManualTime());

        latency.Record("m", TimeSpan.FromSeconds(1));
        latency.Record("m", TimeSpan.FromSeconds(3));

        latency.TryGetSeconds("m", out var seconds);
        Assert.Equal(2, seconds, 9);
    }

    [Fact]
    public void Record_AfterOneHalfLife_OldSampleCountsHalf()
    {
        var time = new ManualTime();
        var latency = new ObservedLatency(time, TimeSpan.FromMinutes(1));

        latency.Record("m", TimeSpan.FromSeconds(4));
        time.Advance(TimeSpan.FromMinutes(1));
        latency.Record("m", TimeSpan.FromSeconds(1));

        // (4 * 0.5 + 1) / (0.5 + 1) = 2
        latency.TryGetSeconds("m", out var seconds);
        Assert.Equal(2, seconds, 9);
    }

    [Fact]
    public void Record_LongAfter_OldSamplesFadeOut()
    {
        var time = new ManualTime();
        var latency = new ObservedLatency(time, TimeSpan.FromSeconds(10));

        latency.Record("m", TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMinutes(10));
        latency.Record("m", TimeSpan.FromSeconds(1));

        latency.TryGetSeconds("m", out var seconds);
        Assert.Equal(1, seconds, 6);
    }

    [Fact]
    public void Record_ModelsAreIndependent_NegativeIgnored()
    {
        var latency = new ObservedLatency(new ManualTime());

        latency.Record("a", TimeSpan.FromSeconds(1));
        latency.Record("b", TimeSpan.FromSeconds(2));
        latency.Record("a", TimeSpan.FromSeconds(-5));

        var snapshot = latency.Snapshot();
        Assert.Equal("observed", snapshot.Source);
        Assert.Equal(1, snapshot.Seconds["a"], 9);
        Assert.Equal(2, snapshot.Seconds["b"], 9);
    }

    [Fact]
    public void Constructor_NonPositiveHalfLife_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObservedLatency(halfLife: TimeSpan.Zero));
    }

    [Fact]
    public async Task Record_Concurrently_NoSampleLost()
    {
        var latency = new ObservedLatency(new ManualTime());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                latency.Record("m", TimeSpan.FromSeconds(2));
                latency.Record("n", TimeSpan.FromSeconds(i % 2 == 0 ? 1 : 3));
            }
        })));

        latency.TryGetSeconds("m", out var m);
        latency.TryGetSeconds("n", out var n);
        Assert.Equal(2, m, 9);
        Assert.Equal(2, n, 9);
    }

    [Fact]
    public void HalfLife_Changed_AppliesFromNextSampleAndKeepsFigures()
    {
        var time = new ManualTime();
        var latency = new ObservedLatency(time, TimeSpan.FromMinutes(1));
        latency.Record("m", TimeSpan.FromSeconds(4));

        latency.HalfLife = TimeSpan.FromMinutes(2);
        latency.TryGetSeconds("m", out var kept);
        time.Advance(TimeSpan.FromMinutes(2));
        latency.Record("m", TimeSpan.FromSeconds(1));

        Assert.Equal(4, kept, 9);
        latency.TryGetSeconds("m", out var seconds);
        Assert.Equal(2, seconds, 9); // one new half-life passed: (4 * 0.5 + 1) / 1.5
        Assert.Equal(1, latency.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => latency.HalfLife = TimeSpan.Zero);
    }
}
