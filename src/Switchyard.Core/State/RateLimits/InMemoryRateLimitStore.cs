using System.Collections.Concurrent;

namespace Switchyard.Core.State.RateLimits;

/// <summary>
/// Rate-limit buckets in this process, by GCRA (the generic cell rate algorithm): each bucket is one number, its
/// theoretical arrival time (TAT) — the moment the bucket will be full again. A cost of n units moves the TAT
/// n × (period / amount) later; it is admitted when the new TAT is at most one period ahead of now, i.e. when the
/// bucket holds n units. Same behaviour as a token bucket of capacity <c>amount</c> refilling continuously at
/// <c>amount</c> per period, without a refill step: one compare-and-swap per acquire, no lock, no allocation after
/// the bucket's first use. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// A bucket that has been full for a whole period is the same as no bucket at all, so buckets idle that long are
/// dropped by a sweep that runs at most once per <see cref="SweepInterval"/> (per-value buckets of a <c>"*"</c>
/// selector are keyed by what clients send; the sweep keeps them bounded by the values active in the last period).
/// </remarks>
public sealed class InMemoryRateLimitStore(TimeProvider time) : IRateLimitStore
{
    /// <summary>How often idle buckets are looked for.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<RateLimitKey, Cell> _cells = new();
    private long _lastSweep = time.GetUtcNow().UtcTicks;

    /// <summary>How many buckets are held (tests, diagnostics).</summary>
    public int Count => _cells.Count;

    public RateLimitDecision TryAcquire(RateLimitKey key, RateLimit limit, long cost)
    {
        var now = time.GetUtcNow().UtcTicks;
        MaybeSweep(now);
        var cell = _cells.GetOrAdd(key, static _ => new Cell());
        var period = limit.Period.Ticks;
        var increment = Increment(cost, limit);
        while (true)
        {
            var tat = Volatile.Read(ref cell.Tat);
            var start = Math.Max(tat, now);
            var next = start + increment;
            if (next - now > period && tat > now)
            {
                // Not enough in the bucket. A cost within the bucket's size waits until its units have refilled;
                // a larger one waits until the bucket is full (then it is admitted and the bucket owes the rest).
                var wait = increment <= period ? next - period - now : tat - now;
                return new RateLimitDecision(false, TimeSpan.FromTicks(Math.Max(wait, 1)));
            }

            if (Interlocked.CompareExchange(ref cell.Tat, next, tat) == tat)
            {
                cell.Period = period;
                return RateLimitDecision.Admit;
            }
        }
    }

    public void Adjust(RateLimitKey key, RateLimit limit, long delta)
    {
        if (delta == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcTicks;
        Cell? cell;
        if (delta < 0)
        {
            if (!_cells.TryGetValue(key, out cell))
            {
                return; // no bucket is a full bucket: nothing to give back to
            }
        }
        else
        {
            cell = _cells.GetOrAdd(key, static _ => new Cell());
        }

        var increment = Increment(Math.Abs(delta), limit);
        while (true)
        {
            var tat = Volatile.Read(ref cell.Tat);
            long next;
            if (delta > 0)
            {
                next = Math.Max(tat, now) + increment;
            }
            else
            {
                if (tat <= now)
                {
                    return; // already full
                }

                next = Math.Max(tat - increment, now);
            }

            if (Interlocked.CompareExchange(ref cell.Tat, next, tat) == tat)
            {
                cell.Period = limit.Period.Ticks;
                return;
            }
        }
    }

    /// <summary>How far one charge of <paramref name="cost"/> units moves the TAT: cost × period / amount, exact in 128 bits.</summary>
    internal static long Increment(long cost, RateLimit limit)
    {
        if (cost <= 0)
        {
            return 0;
        }

        var amount = Math.Max(limit.Amount, 1);
        var ticks = (Int128)cost * limit.Period.Ticks / amount;
        return ticks > long.MaxValue / 4 ? long.MaxValue / 4 : (long)ticks;
    }

    private void MaybeSweep(long now)
    {
        var last = Volatile.Read(ref _lastSweep);
        if (now - last < SweepInterval.Ticks || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, cell) in _cells)
        {
            // Full for a whole period (its own): idle. A request racing this removal may charge the dropped cell;
            // requiring a full idle period makes that a rare loss of one charge, never a wrong refusal.
            if (Volatile.Read(ref cell.Tat) + Volatile.Read(ref cell.Period) <= now)
            {
                _cells.TryRemove(new KeyValuePair<RateLimitKey, Cell>(key, cell));
            }
        }
    }

    private sealed class Cell
    {
        public long Tat;
        public long Period;
    }
}
