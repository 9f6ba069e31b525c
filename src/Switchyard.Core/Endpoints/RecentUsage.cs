namespace Switchyard.Core.Endpoints;

/// <summary>
/// How many attempts an endpoint started in about the last minute (the <c>usage-based</c> strategy's figure): six
/// buckets of ten seconds, each one long holding (bucket number &lt;&lt; 32 | count), updated with a compare-exchange.
/// Lock-free and allocation-free; the window is 50–60 s depending on where in the current bucket "now" falls.
/// </summary>
public sealed class RecentUsage
{
    /// <summary>Width of one bucket in milliseconds.</summary>
    public const long BucketMilliseconds = 10_000;

    /// <summary>Number of buckets (the window is <see cref="Buckets"/> × <see cref="BucketMilliseconds"/>).</summary>
    public const int Buckets = 6;

    private readonly long[] _buckets = new long[Buckets];

    /// <summary>Counts one attempt started at <paramref name="nowMilliseconds"/> (a monotonic clock, e.g. <see cref="Environment.TickCount64"/>).</summary>
    public void Record(long nowMilliseconds) => Record(nowMilliseconds, 1);

    /// <summary>Adds <paramref name="amount"/> (e.g. tokens) at <paramref name="nowMilliseconds"/>; a bucket holds at most 2^32 − 1.</summary>
    public void Record(long nowMilliseconds, long amount)
    {
        amount = Math.Clamp(amount, 0, uint.MaxValue);
        var epoch = nowMilliseconds / BucketMilliseconds;
        ref var slot = ref _buckets[(int)(epoch % Buckets)];
        while (true)
        {
            var current = Volatile.Read(ref slot);
            var next = (current >> 32) == epoch ? (epoch << 32) | Math.Min((current & 0xFFFF_FFFF) + amount, uint.MaxValue) : (epoch << 32) | amount;
            if (Interlocked.CompareExchange(ref slot, next, current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Attempts started in the window ending at <paramref name="nowMilliseconds"/>.</summary>
    public long Count(long nowMilliseconds)
    {
        var epoch = nowMilliseconds / BucketMilliseconds;
        long total = 0;
        for (var i = 0; i < Buckets; i++)
        {
            var value = Volatile.Read(ref _buckets[i]);
            var age = epoch - (value >> 32);
            if (age is >= 0 and < Buckets)
            {
                total += value & 0xFFFF_FFFF;
            }
        }

        return total;
    }
}
