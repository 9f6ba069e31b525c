using Microsoft.Extensions.Time.Testing;
using Switchyard.Core.Limits;
using Switchyard.Core.State.RateLimits;

namespace Switchyard.Core.Tests.State.RateLimits;

/// <summary>GCRA in memory: a bucket of <c>amount</c> that refills continuously at amount per period.</summary>
public class InMemoryRateLimitStoreTests
{
    private static readonly RateLimitKey Key = new("rpm", "endpoint-a");
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryRateLimitStore _store;

    public InMemoryRateLimitStoreTests() => _store = new InMemoryRateLimitStore(_time);

    [Fact]
    public void TryAcquire_FullBucket_AdmitsExactlyAmountThenRefusesWithTimeToOneUnit()
    {
        var limit = RateLimit.PerMinute(10);

        var admitted = Enumerable.Range(0, 10).Count(_ => _store.TryAcquire(Key, limit, 1).Admitted);
        var refused = _store.TryAcquire(Key, limit, 1);

        Assert.Equal(10, admitted);
        Assert.False(refused.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter); // one request per 60 s / 10
    }

    [Fact]
    public void TryAcquire_AfterRefill_AdmitsWhatRefilledAndNoMore()
    {
        var limit = RateLimit.PerMinute(10);
        for (var i = 0; i < 10; i++)
        {
            _store.TryAcquire(Key, limit, 1);
        }

        _time.Advance(TimeSpan.FromSeconds(12)); // two requests' worth

        Assert.True(_store.TryAcquire(Key, limit, 1).Admitted);
        Assert.True(_store.TryAcquire(Key, limit, 1).Admitted);
        var third = _store.TryAcquire(Key, limit, 1);
        Assert.False(third.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(6), third.RetryAfter);
    }

    [Fact]
    public void TryAcquire_IdleForAWholePeriod_BucketIsFullAgainButNotFuller()
    {
        var limit = RateLimit.PerMinute(10);
        for (var i = 0; i < 10; i++)
        {
            _store.TryAcquire(Key, limit, 1);
        }

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(10, Enumerable.Range(0, 11).Count(_ => _store.TryAcquire(Key, limit, 1).Admitted));
    }

    [Fact]
    public void TryAcquire_TokenCost_RefusedCostTakesNothingAndWaitsForItsOwnUnits()
    {
        var limit = RateLimit.PerMinute(1000);

        Assert.True(_store.TryAcquire(Key, limit, 700).Admitted);
        var refused = _store.TryAcquire(Key, limit, 500);
        var fits = _store.TryAcquire(Key, limit, 300);

        Assert.False(refused.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(12), refused.RetryAfter); // 200 tokens short at 1000/min
        Assert.True(fits.Admitted); // the refusal took nothing
    }

    [Fact]
    public void TryAcquire_CostLargerThanTheBucket_AdmittedOnlyWhenFullAndOwed()
    {
        var limit = RateLimit.PerMinute(1000);

        Assert.True(_store.TryAcquire(Key, limit, 1500).Admitted); // full bucket: admitted, owes 500
        var next = _store.TryAcquire(Key, limit, 1);
        Assert.False(next.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(60), next.RetryAfter); // 500 owed + 1 token

        Assert.True(_store.TryAcquire(new RateLimitKey("tpm", "b"), limit, 10).Admitted);
        var big = _store.TryAcquire(new RateLimitKey("tpm", "b"), limit, 5000);
        Assert.False(big.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(0.6), big.RetryAfter); // until the bucket is full again
    }

    [Fact]
    public void Adjust_Negative_GivesUnitsBackButNeverPastFull()
    {
        var limit = RateLimit.PerMinute(1000);
        _store.TryAcquire(Key, limit, 1000);

        _store.Adjust(Key, limit, -400);

        Assert.True(_store.TryAcquire(Key, limit, 400).Admitted);
        Assert.False(_store.TryAcquire(Key, limit, 1).Admitted);

        _store.Adjust(Key, limit, -5000);
        Assert.Equal(1000, Enumerable.Range(0, 1001).Count(_ => _store.TryAcquire(Key, limit, 1).Admitted));
    }

    [Fact]
    public void Adjust_Positive_ChargesMoreEvenIntoDebt()
    {
        var limit = RateLimit.PerMinute(1000);
        _store.TryAcquire(Key, limit, 100);

        _store.Adjust(Key, limit, 1400); // the answer used 1,500 tokens, not 100

        var next = _store.TryAcquire(Key, limit, 1);
        Assert.False(next.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(60), next.RetryAfter);
    }

    [Fact]
    public void Adjust_NegativeOnUnknownBucket_CreatesNothing()
    {
        _store.Adjust(Key, RateLimit.PerMinute(5), -3);

        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public void TryAcquire_KeysAreIndependent()
    {
        var limit = RateLimit.PerMinute(1);

        Assert.True(_store.TryAcquire(new RateLimitKey("rpm", "a"), limit, 1).Admitted);
        Assert.True(_store.TryAcquire(new RateLimitKey("rpm", "b"), limit, 1).Admitted);
        Assert.True(_store.TryAcquire(new RateLimitKey("tpm", "a"), limit, 1).Admitted);
        Assert.False(_store.TryAcquire(new RateLimitKey("rpm", "a"), limit, 1).Admitted);
    }

    [Fact]
    public void TryAcquire_BucketsIdleForAPeriod_AreSweptAfterTheSweepInterval()
    {
        var limit = new RateLimit(5, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100; i++)
        {
            _store.TryAcquire(new RateLimitKey("ratelimits", "user-" + i), limit, 1);
        }

        _time.Advance(InMemoryRateLimitStore.SweepInterval);
        _store.TryAcquire(Key, limit, 1);

        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task TryAcquire_ConcurrentCallers_NeverAdmitMoreThanTheBucket()
    {
        var limit = RateLimit.PerMinute(1000);
        var admitted = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                if (_store.TryAcquire(Key, limit, 1).Admitted)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        })));

        Assert.Equal(1000, admitted);
    }
}
