using Switchyard.Core.Resilience;

namespace Switchyard.Core.Tests.Resilience;

public class FailureAggregateTests
{
    private static AttemptFailure Status(string candidate, int status, TimeSpan? retryAfter = null, bool body = true)
        => new(status, $"{candidate} answered {status}", "upstream_error", status.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Candidate = candidate,
            RetryAfter = retryAfter,
            Body = body ? [1] : null,
        };

    private static AttemptFailure Refused(string candidate)
        => new(502, $"{candidate} unreachable", "upstream_error", "upstream_unreachable") { Candidate = candidate, Cause = FailureCause.ConnectFailure };

    private static AttemptFailure TimedOut(string candidate)
        => new(504, $"{candidate} timed out", "timeout_error", "upstream_timeout") { Candidate = candidate, Cause = FailureCause.Timeout };

    [Fact]
    public void Of_RateLimitedThenRefused_Is429WithTheSmallestRetryAfter()
    {
        var result = FailureAggregate.Of([Status("a", 429, TimeSpan.FromSeconds(30)), Refused("b"), Status("c", 429, TimeSpan.FromSeconds(7))]);

        Assert.Equal(429, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Contains("a answered 429", result.Message, StringComparison.Ordinal);
        Assert.Contains("b unreachable", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_AllUnavailableOverloadedOrUnreachable_Is503()
        => Assert.Equal(503, FailureAggregate.Of([Status("a", 503), Status("b", 529), Refused("c"), TimedOut("d")]).Status);

    [Fact]
    public void Of_AllTimedOut_Is504()
        => Assert.Equal(504, FailureAggregate.Of([TimedOut("a"), TimedOut("b")]).Status);

    [Fact]
    public void Of_MixedFailures_Is502ListingEveryAttempt()
    {
        var result = FailureAggregate.Of([Status("a", 500), Refused("b")]);

        Assert.Equal(502, result.Status);
        Assert.Equal("all_candidates_failed", result.Code);
        Assert.StartsWith("all 2 attempts failed: 1. a answered 500; 2. b unreachable", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_OneEndpointsOwnHttpAnswer_IsRelayedAsItIs()
    {
        var only = Status("a", 529);
        Assert.Same(only, FailureAggregate.Of([Status("a", 529), only]));
    }

    [Fact]
    public void Of_GatewayKeyRefusedAlone_Is502UpstreamAuthError()
    {
        var refused = new AttemptFailure(401, "provider refused the gateway's credential", "upstream_auth_error", "upstream_auth_error")
        {
            Candidate = "a",
            GatewayCredentialRefused = true,
        };

        var result = FailureAggregate.Of([refused]);

        Assert.Equal(502, result.Status);
        Assert.Equal("upstream_auth_error", result.Type);
        Assert.Null(result.Body);
    }

    [Fact]
    public void Of_Nothing_Is502NoCandidates()
        => Assert.Equal("no_candidates", FailureAggregate.Of([]).Code);
}
