using System.Net.Http.Headers;
using Switchyard.Core.Resilience;

namespace Switchyard.Core.Tests.Resilience;

public class RetryPolicyTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void NextDelay_Backoff_GrowsAndIsCapped_WithJitter()
    {
        var policy = new RetryPolicy(TimeProvider.System, () => 1.0) { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500) };
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.NextDelay(0, null));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.NextDelay(1, null));
        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.NextDelay(2, null));
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.NextDelay(3, null));
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.NextDelay(30, null));

        var low = new RetryPolicy(TimeProvider.System, () => 0.0) { BaseDelay = TimeSpan.FromMilliseconds(100) };
        Assert.Equal(TimeSpan.FromMilliseconds(50), low.NextDelay(0, null)); // jitter never goes below half
    }

    [Fact]
    public void NextDelay_RetryAfterWithinCap_IsHonoured_BeyondCap_FailsOver()
    {
        var policy = new RetryPolicy(TimeProvider.System, () => 0.5) { MaxRetryAfter = TimeSpan.FromSeconds(5) };
        Assert.Equal(TimeSpan.FromSeconds(3), policy.NextDelay(0, TimeSpan.FromSeconds(3)));
        Assert.Null(policy.NextDelay(0, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void ParseRetryAfter_DeltaDateAndMilliseconds()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var policy = new RetryPolicy(new FixedTime(now), () => 0.5);

        using var delta = new HttpResponseMessage();
        delta.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), policy.ParseRetryAfter(delta.Headers));

        using var date = new HttpResponseMessage();
        date.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.ParseRetryAfter(date.Headers));

        using var ms = new HttpResponseMessage();
        ms.Headers.TryAddWithoutValidation("retry-after-ms", "250");
        Assert.Equal(TimeSpan.FromMilliseconds(250), policy.ParseRetryAfter(ms.Headers));

        using var none = new HttpResponseMessage();
        Assert.Null(policy.ParseRetryAfter(none.Headers));
    }
}
