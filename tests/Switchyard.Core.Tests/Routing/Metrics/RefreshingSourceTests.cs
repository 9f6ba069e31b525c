using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing.Metrics;

public class RefreshingSourceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>A fetch whose outcomes are queued by the test; each call takes the next one.</summary>
    private sealed class ScriptedFetch
    {
        private readonly Queue<Func<MetricsResult<LatencySnapshot>>> _script = new();

        public int Calls { get; private set; }

        public void Succeed(string model, double seconds) =>
            _script.Enqueue(() => MetricsResult<LatencySnapshot>.Ok(new LatencySnapshot("test", [new(model, seconds)])));

        public void Fail(string error) => _script.Enqueue(() => MetricsResult<LatencySnapshot>.Fail(error));

        public void Throw() => _script.Enqueue(() => throw new InvalidOperationException("bug"));

        public Task<MetricsResult<LatencySnapshot>> FetchAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(_script.Dequeue()());
        }
    }

    [Fact]
    public async Task StartAsync_FetchesOnceAndStartsTimer()
    {
        var time = new ManualTime();
        var fetch = new ScriptedFetch();
        fetch.Succeed("m", 1);
        await using var source = new RefreshingSource<LatencySnapshot>("latency", fetch.FetchAsync, Interval, time);

        var status = await source.StartAsync();

        Assert.True(status.HasData);
        Assert.Equal(time.Now, status.LastSuccessAt);
        Assert.Equal(1, fetch.Calls);
        Assert.Equal(1, time.ActiveTimers);
        Assert.True(source.Current!.TryGetSeconds("m", out _));
    }

    [Fact]
    public async Task Timer_RefreshesEveryInterval()
    {
        var time = new ManualTime();
        var fetch = new ScriptedFetch();
        fetch.Succeed("m", 1);
        fetch.Succeed("m", 2);
        fetch.Succeed("m", 3);
        await using var source = new RefreshingSource<LatencySnapshot>("latency", fetch.FetchAsync, Interval, time);
        await source.StartAsync();

        time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(1, fetch.Calls);
        time.Advance(TimeSpan.FromSeconds(1));
        await source.LastTick;
        Assert.Equal(2, fetch.Calls);
        source.Current!.TryGetSeconds("m", out var second);
        Assert.Equal(2, second);

        time.Advance(Interval);
        await source.LastTick;
        source.Current!.TryGetSeconds("m", out var third);
        Assert.Equal(3, third);
        Assert.Equal(time.Now, source.Status.LastSuccessAt);
    }

    [Fact]
    public async Task FailedRefresh_KeepsLastGoodData_AndExposesError()
    {
        var time = new ManualTime();
        var fetch = new ScriptedFetch();
        fetch.Succeed("m", 1);
        fetch.Fail("prometheus: GET http://p/api/v1/query answered 503");
        fetch.Throw();
        fetch.Succeed("m", 4);
        await using var source = new RefreshingSource<LatencySnapshot>("latency", fetch.FetchAsync, Interval, time);
        await source.StartAsync();
        var good = source.Current;
        var goodAt = time.Now;

        time.Advance(Interval);
        await source.LastTick;
        Assert.Same(good, source.Current);
        var status = source.Status;
        Assert.Equal("prometheus: GET http://p/api/v1/query answered 503", status.LastError);
        Assert.Equal(time.Now, status.LastErrorAt);
        Assert.Equal(goodAt, status.LastSuccessAt);
        Assert.Equal(1, status.ConsecutiveFailures);

        time.Advance(Interval);
        await source.LastTick;
        Assert.Same(good, source.Current);
        Assert.Equal("InvalidOperationException: bug", source.Status.LastError);
        Assert.Equal(2, source.Status.ConsecutiveFailures);

        time.Advance(Interval);
        await source.LastTick;
        source.Current!.TryGetSeconds("m", out var fresh);
        Assert.Equal(4, fresh);
        Assert.Null(source.Status.LastError);
        Assert.Equal(0, source.Status.ConsecutiveFailures);
        Assert.NotNull(source.Status.LastErrorAt);
    }

    [Fact]
    public async Task StartAsync_FirstFetchFails_NoDataButTimerRetries()
    {
        var time = new ManualTime();
        var fetch = new ScriptedFetch();
        fetch.Fail("down");
        fetch.Succeed("m", 1);
        await using var source = new RefreshingSource<LatencySnapshot>("latency", fetch.FetchAsync, Interval, time);

        var status = await source.StartAsync();
        Assert.False(status.HasData);
        Assert.Null(source.Current);
        Assert.Equal("down", status.LastError);

        time.Advance(Interval);
        await source.LastTick;
        Assert.NotNull(source.Current);
    }

    [Fact]
    public async Task NoInterval_FetchesOnceOnly()
    {
        var time = new ManualTime();
        var fetch = new ScriptedFetch();
        fetch.Succeed("m", 1);
        await using var source = new RefreshingSource<LatencySnapshot>("cost", fetch.FetchAsync, null, time);

        await source.StartAsync();
        time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(1, fetch.Calls);
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public async Task DisposeAsync_StopsTimer()
    {
        var time = new ManualTime();
        var fetch = new ScriptedFetch();
        fetch.Succeed("m", 1);
        var source = new RefreshingSource<LatencySnapshot>("latency", fetch.FetchAsync, Interval, time);
        await source.StartAsync();

        await source.DisposeAsync();
        time.Advance(Interval * 3);

        Assert.Equal(1, fetch.Calls);
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public async Task RefreshAsync_WhileRunning_SkipsOverlap()
    {
        var gate = new TaskCompletionSource<MetricsResult<LatencySnapshot>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var source = new RefreshingSource<LatencySnapshot>(
            "latency",
            _ =>
            {
                Interlocked.Increment(ref calls);
                return gate.Task;
            },
            null,
            new ManualTime());

        var first = source.RefreshAsync();
        Assert.False(await source.RefreshAsync());
        gate.SetResult(MetricsResult<LatencySnapshot>.Ok(LatencySnapshot.Empty));

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Constructor_NonPositiveInterval_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new RefreshingSource<LatencySnapshot>("x", _ => Task.FromResult(MetricsResult<LatencySnapshot>.Fail("x")), TimeSpan.Zero));
    }
}
