using System.Diagnostics;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// What the admin page (<c>/ui</c>) shows of past traffic, kept in memory by each gateway: the last
/// <see cref="RecentCapacity"/> requests (their <see cref="RequestRecord"/>s, as the Record stage finished them) and
/// per-second counters over the last <see cref="WindowSeconds"/> seconds (requests, errors, tokens, spend). Fed once
/// per request by the Record stage, whether or not the access log is on.
/// </summary>
/// <remarks>
/// The hot path is lock-free and allocates nothing: one interlocked increment and a reference store for the ring, a
/// handful of interlocked adds on a preallocated bucket for the counters. Readers (the admin endpoints, once a
/// second per open page) copy what they need. Two tolerated inexactnesses, both only under heavy concurrency: a
/// bucket that rolls over to a new second may lose the counts of requests that land in it while it is being reset,
/// and a request may be missing from the ring when more than <see cref="RecentCapacity"/> others finish while its
/// slot is being written.
/// </remarks>
public sealed class RequestHistory
{
    /// <summary>How many recent requests are kept.</summary>
    public const int RecentCapacity = 100;

    /// <summary>How far back the traffic counters reach.</summary>
    public const int WindowSeconds = 900;

    // A few seconds beyond the window so that 10-second sums over the whole window never read a recycled bucket.
    private const int BucketCount = WindowSeconds + 20;

    private readonly RequestRecord?[] _recent = new RequestRecord?[RecentCapacity];
    private long _sequence;
    private readonly Bucket[] _buckets = new Bucket[BucketCount];

    /// <summary>Per-second counters; <see cref="Second"/> says which second the counts belong to.</summary>
    private struct Bucket
    {
        public long Second;
        public long Requests;
        public long Errors;
        public long InputTokens;
        public long OutputTokens;
        public long SpendNanoUsd;
    }

    public RequestHistory()
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i].Second = -1;
        }
    }

    /// <summary>Requests recorded since start (the <see cref="RequestRecord.Sequence"/> of the newest).</summary>
    public long Latest => Interlocked.Read(ref _sequence);

    /// <summary>
    /// Records a finished request. Its fields (cost included) must be final: readers on other threads see the record
    /// from here on.
    /// </summary>
    public void Add(RequestRecord record)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        record.Sequence = sequence;
        Volatile.Write(ref _recent[(int)((sequence - 1) % RecentCapacity)], record);

        var second = SecondOf(record.Ended == 0 ? Stopwatch.GetTimestamp() : record.Ended);
        ref var b = ref _buckets[(int)(second % BucketCount)];
        var stamp = Volatile.Read(ref b.Second);
        if (stamp != second)
        {
            if (stamp > second)
            {
                return; // a record more than a window late (cannot happen with monotonic timestamps): not counted
            }

            if (Interlocked.CompareExchange(ref b.Second, second, stamp) == stamp)
            {
                Interlocked.Exchange(ref b.Requests, 0);
                Interlocked.Exchange(ref b.Errors, 0);
                Interlocked.Exchange(ref b.InputTokens, 0);
                Interlocked.Exchange(ref b.OutputTokens, 0);
                Interlocked.Exchange(ref b.SpendNanoUsd, 0);
            }
        }

        Interlocked.Increment(ref b.Requests);
        if (IsError(record.Status))
        {
            Interlocked.Increment(ref b.Errors);
        }

        if (record.Usage is { } u)
        {
            if (u.InputTokens is > 0 and var input)
            {
                Interlocked.Add(ref b.InputTokens, input);
            }

            if (u.OutputTokens is > 0 and var output)
            {
                Interlocked.Add(ref b.OutputTokens, output);
            }
        }

        if (record.Cost.Usd is { } usd && usd > 0)
        {
            Interlocked.Add(ref b.SpendNanoUsd, RequestCost.NanoUsd(usd)); // truncated, capped at long.MaxValue / 4
        }
    }

    /// <summary>An answer the traffic chart counts as an error: any 4xx or 5xx except a client that left (499).</summary>
    public static bool IsError(int status) => status >= 400 && status != 499;

    /// <summary>The recorded requests still in the ring, newest first.</summary>
    public List<RequestRecord> Recent()
    {
        var list = new List<RequestRecord>(RecentCapacity);
        for (var i = 0; i < _recent.Length; i++)
        {
            if (Volatile.Read(ref _recent[i]) is { } r)
            {
                list.Add(r);
            }
        }

        list.Sort((a, b) => b.Sequence.CompareTo(a.Sequence));
        return list;
    }

    /// <summary>The request with this <see cref="RequestRecord.Sequence"/> when it is still in the ring.</summary>
    public RequestRecord? Find(long sequence)
    {
        if (sequence <= 0)
        {
            return null;
        }

        var r = Volatile.Read(ref _recent[(int)((sequence - 1) % RecentCapacity)]);
        return r is not null && r.Sequence == sequence ? r : null;
    }

    /// <summary>
    /// The counters summed into <paramref name="resolutionSeconds"/>-second points covering the last
    /// <see cref="WindowSeconds"/> seconds, oldest first; the last point is the current, partial interval.
    /// </summary>
    public TrafficPoint[] Traffic(int resolutionSeconds = 10)
    {
        resolutionSeconds = Math.Clamp(resolutionSeconds, 1, 60);
        var now = SecondOf(Stopwatch.GetTimestamp());
        var lastStart = now - (now % resolutionSeconds);
        var count = WindowSeconds / resolutionSeconds;
        var points = new TrafficPoint[count];
        for (var p = 0; p < count; p++)
        {
            var start = lastStart - ((long)(count - 1 - p) * resolutionSeconds);
            long requests = 0, errors = 0, input = 0, output = 0, spend = 0;
            var end = Math.Min(start + resolutionSeconds - 1, now);
            for (var s = start; s <= end; s++)
            {
                if (s < 0)
                {
                    continue;
                }

                ref var b = ref _buckets[(int)(s % BucketCount)];
                if (Volatile.Read(ref b.Second) != s)
                {
                    continue;
                }

                requests += Interlocked.Read(ref b.Requests);
                errors += Interlocked.Read(ref b.Errors);
                input += Interlocked.Read(ref b.InputTokens);
                output += Interlocked.Read(ref b.OutputTokens);
                spend += Interlocked.Read(ref b.SpendNanoUsd);
            }

            points[p] = new TrafficPoint(now - start, (int)(end - start + 1), requests, errors, input, output, spend / 1e9);
        }

        return points;
    }

    private static long SecondOf(long timestamp) => timestamp / Stopwatch.Frequency;
}

/// <summary>One interval of <see cref="RequestHistory.Traffic"/>.</summary>
/// <param name="AgoSeconds">How many seconds before now the interval started.</param>
/// <param name="Seconds">Its length so far (the current interval is partial).</param>
public readonly record struct TrafficPoint(long AgoSeconds, int Seconds, long Requests, long Errors, long InputTokens, long OutputTokens, double SpendUsd);
