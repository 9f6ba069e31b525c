namespace Switchyard.Core.Endpoints;

/// <summary>
/// A lock-free histogram of durations for percentiles (the admin stats' p50/p95/p99): <see cref="BucketCount"/>
/// buckets whose upper bounds grow by <see cref="Growth"/> from <see cref="FirstBoundMicroseconds"/> (0.1 ms) to about
/// ten minutes; a value above the last bound counts in the last bucket. Recording is one interlocked increment, no
/// allocation. A percentile is reported as the upper bound of the bucket it falls in, so it overstates the true value
/// by at most one bucket (&lt; 20 %). Counts are since the endpoint's state was created (it survives reloads).
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bound of the first bucket, in microseconds.</summary>
    public const double FirstBoundMicroseconds = 100;

    /// <summary>Ratio between consecutive bucket bounds.</summary>
    public const double Growth = 1.2;

    /// <summary>Number of buckets: 0.1 ms × 1.2^84 ≈ 46 min, past every timeout the gateway has by default.</summary>
    public const int BucketCount = 85;

    private static readonly double[] Bounds = MakeBounds();
    private static readonly double LogGrowth = Math.Log(Growth);

    private readonly long[] _counts = new long[BucketCount];
    private long _total;

    /// <summary>Values recorded.</summary>
    public long Count => Interlocked.Read(ref _total);

    /// <summary>Upper bound of bucket <paramref name="index"/> in microseconds.</summary>
    public static double UpperBoundMicroseconds(int index) => Bounds[index];

    /// <summary>The bucket <paramref name="value"/> falls in.</summary>
    public static int BucketOf(TimeSpan value)
    {
        var micros = value.Ticks / (double)TimeSpan.TicksPerMicrosecond;
        if (!(micros > FirstBoundMicroseconds))
        {
            return 0; // also NaN and negatives
        }

        var index = (int)Math.Ceiling(Math.Log(micros / FirstBoundMicroseconds) / LogGrowth);
        // Rounding in the log can land one off the bucket whose bound holds the value: settle against the bounds.
        index = Math.Clamp(index, 0, BucketCount - 1);
        while (index > 0 && micros <= Bounds[index - 1])
        {
            index--;
        }

        while (index < BucketCount - 1 && micros > Bounds[index])
        {
            index++;
        }

        return index;
    }

    public void Record(TimeSpan value)
    {
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>Adds this histogram's counts into <paramref name="into"/> (a model's figure sums its endpoints').</summary>
    public void AddTo(long[] into)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            into[i] += Interlocked.Read(ref _counts[i]);
        }
    }

    /// <summary>A copy of the counts (index = bucket).</summary>
    public long[] Counts()
    {
        var copy = new long[BucketCount];
        AddTo(copy);
        return copy;
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) of <paramref name="counts"/> in milliseconds: the upper bound of the bucket
    /// holding the value of that rank; null when nothing was recorded.
    /// </summary>
    public static double? Percentile(long[] counts, double quantile)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Bounds[i] / 1000.0;
            }
        }

        return Bounds[^1] / 1000.0;
    }

    private static double[] MakeBounds()
    {
        var bounds = new double[BucketCount];
        var bound = FirstBoundMicroseconds;
        for (var i = 0; i < bounds.Length; i++)
        {
            bounds[i] = bound;
            bound *= Growth;
        }

        return bounds;
    }
}
