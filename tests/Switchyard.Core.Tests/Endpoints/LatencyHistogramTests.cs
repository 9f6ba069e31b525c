using Switchyard.Core.Endpoints;

namespace Switchyard.Core.Tests.Endpoints;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_WithinOneBucketAboveTheTrueValue()
    {
        var h = new LatencyHistogram();
        for (var ms = 1; ms <= 100; ms++)
        {
            h.Record(TimeSpan.FromMilliseconds(ms));
        }

        var counts = h.Counts();
        Assert.Equal(100, h.Count);
        foreach (var (q, truth) in (ReadOnlySpan<(double, double)>)[(0.5, 50), (0.95, 95), (0.99, 99)])
        {
            var p = LatencyHistogram.Percentile(counts, q)!.Value;
            Assert.InRange(p, truth, truth * LatencyHistogram.Growth);
        }
    }

    [Fact]
    public void Percentile_NothingRecorded_IsNull()
        => Assert.Null(LatencyHistogram.Percentile(new LatencyHistogram().Counts(), 0.5));

    [Theory]
    [InlineData(0)]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.12)]
    [InlineData(1.0)]
    [InlineData(37.5)]
    [InlineData(86_400_000)]
    public void BucketOf_HoldsTheValue(double milliseconds)
    {
        var i = LatencyHistogram.BucketOf(TimeSpan.FromMilliseconds(milliseconds));
        var micros = milliseconds * 1000;
        if (i < LatencyHistogram.BucketCount - 1)
        {
            Assert.True(micros <= LatencyHistogram.UpperBoundMicroseconds(i), $"{micros} > bound {LatencyHistogram.UpperBoundMicroseconds(i)}");
        }

        if (i > 0)
        {
            Assert.True(micros > LatencyHistogram.UpperBoundMicroseconds(i - 1));
        }
    }

    [Fact]
    public void ConcurrentRecords_AllCounted()
    {
        var h = new LatencyHistogram();
        Parallel.For(0, 10_000, i => h.Record(TimeSpan.FromMilliseconds(i % 100)));

        Assert.Equal(10_000, h.Count);
        Assert.Equal(10_000, h.Counts().Sum());
    }
}
