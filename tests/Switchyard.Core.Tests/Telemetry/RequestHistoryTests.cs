using System.Diagnostics;
using Switchyard.Core.Ir;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>The admin page's request ring and traffic counters (docs/observability.md, "Admin page").</summary>
public sealed class RequestHistoryTests
{
    private static RequestRecord Finished(int status, int input = 0, int output = 0)
    {
        var r = new RequestRecord { Status = status, Usage = input + output == 0 ? null : new IrUsage { InputTokens = input, OutputTokens = output } };
        r.Ended = Stopwatch.GetTimestamp();
        return r;
    }

    [Fact]
    public void Add_AllocatesNothing()
    {
        var history = new RequestHistory();
        var records = Enumerable.Range(0, 1000).Select(i => Finished(200, 10, 20)).ToArray();
        foreach (var r in records)
        {
            _ = r.Cost; // the Record stage computes it before adding
        }

        history.Add(Finished(200)); // first-call costs (JIT, statics) out of the way
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var r in records)
        {
            history.Add(r);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1001, history.Latest);
    }

    [Fact]
    public void Traffic_SumsRequestsErrorsAndTokens_InTenSecondPoints()
    {
        var history = new RequestHistory();
        history.Add(Finished(200, 8, 377));
        history.Add(Finished(503));
        history.Add(Finished(429));
        history.Add(Finished(499)); // the client left: not an error of the gateway's
        history.Add(Finished(200, 2, 3));

        var points = history.Traffic(10);
        Assert.Equal(RequestHistory.WindowSeconds / 10, points.Length);
        Assert.Equal(5, points.Sum(p => p.Requests));
        Assert.Equal(2, points.Sum(p => p.Errors));
        Assert.Equal(10, points.Sum(p => p.InputTokens));
        Assert.Equal(380, points.Sum(p => p.OutputTokens));
        Assert.Equal(0, points.Sum(p => p.SpendUsd)); // no served model: unknown cost adds nothing
        // Oldest first; the last point is the current interval, which holds everything just added.
        Assert.True(points[0].AgoSeconds > points[^1].AgoSeconds);
        Assert.Equal(5, points[^1].Requests + (points.Length > 1 ? points[^2].Requests : 0));
        Assert.InRange(points[^1].Seconds, 1, 10);
    }

    [Fact]
    public void Recent_IsTheLast100NewestFirst_AndFindForgetsOlderOnes()
    {
        var history = new RequestHistory();
        Assert.Empty(history.Recent());
        Assert.Null(history.Find(1));
        var all = Enumerable.Range(0, 250).Select(_ => Finished(200)).ToList();
        Parallel.ForEach(all, history.Add);

        // Concurrent adds: every record gets its own number.
        Assert.Equal(250, history.Latest);
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), all.Select(r => r.Sequence).Order());
        Assert.Equal(RequestHistory.RecentCapacity, history.Recent().Count);

        // (Sequential here: under concurrency a slot may briefly hold a record 100 older, which the ring tolerates.)
        var more = Enumerable.Range(0, 100).Select(_ => Finished(200)).ToList();
        more.ForEach(history.Add);
        var recent = history.Recent();
        Assert.Equal(Enumerable.Range(251, 100).Reverse().Select(i => (long)i), recent.Select(r => r.Sequence));
        Assert.Same(more[^1], history.Find(350));
        Assert.Null(history.Find(250));
        Assert.Null(history.Find(0));
        Assert.Null(history.Find(351));
    }
}
