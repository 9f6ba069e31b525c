using System.Globalization;
using System.Text;

namespace Switchyard.Core.Resilience;

/// <summary>How one attempt against one candidate ended.</summary>
internal enum AttemptKind
{
    /// <summary>The response was committed to the client (success, or a stream that later ended).</summary>
    Committed,
    /// <summary>The client went away; stop everything.</summary>
    ClientGone,
    /// <summary>Failed before commit; <see cref="AttemptFailure.Action"/> says whether to retry, fail over or stop.</summary>
    Failed,
    /// <summary>This candidate cannot be tried at all (missing key, unsupported protocol); try the next.</summary>
    Skipped,
}

/// <summary>The failure left by an attempt, kept so the client gets one aggregated answer if every candidate fails.</summary>
internal sealed record AttemptFailure(int Status, string Message, string Type, string Code)
{
    /// <summary>What failed, for the failure table.</summary>
    public FailureCause Cause { get; init; } = FailureCause.Status;

    /// <summary>What the failure table decided.</summary>
    public FailureAction Action { get; init; } = FailureAction.Final;

    /// <summary>The candidate's name (for the aggregated message).</summary>
    public string Candidate { get; init; } = "";

    /// <summary>An upstream error body to relay (already shaped for the client), when the upstream answered.</summary>
    public byte[]? Body { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the upstream refused the gateway's own credential (the body must never reach the client).</summary>
    public bool GatewayCredentialRefused { get; init; }

    public bool IsRateLimited => Cause == FailureCause.Status && Status == 429;

    public bool IsUnavailable => Cause is FailureCause.ConnectFailure or FailureCause.TransportFailure
                                 || (Cause == FailureCause.Status && Status is 503 or 529);

    public bool IsTimeout => Cause == FailureCause.Timeout;
}

/// <summary>
/// The one error the client gets when every candidate failed (DESIGN.md §1.1): 429 when any candidate was
/// rate-limited (capacity comes back; <c>Retry-After</c> = the smallest one seen); else 503 when all were
/// unavailable, overloaded or unreachable; else 504 when all timed out; else 502. A single endpoint's own HTTP
/// answer is relayed as it is (its status and message say more than any summary), except a refusal of the gateway's
/// own key, which becomes a 502 naming the provider entry.
/// </summary>
internal static class FailureAggregate
{
    public static AttemptFailure Of(IReadOnlyList<AttemptFailure> failures)
    {
        if (failures.Count == 0)
        {
            return new AttemptFailure(502, "no candidate model could be tried", "upstream_error", "no_candidates");
        }

        var last = failures[^1];
        var oneCandidate = true;
        for (var i = 1; i < failures.Count; i++)
        {
            oneCandidate &= failures[i].Candidate == failures[0].Candidate;
        }

        if (oneCandidate && !last.GatewayCredentialRefused && last.Cause == FailureCause.Status)
        {
            return last;
        }

        TimeSpan? retryAfter = null;
        bool anyRateLimited = false, allUnavailable = true, allTimeouts = true, allAuth = true;
        foreach (var f in failures)
        {
            if (f.IsRateLimited)
            {
                anyRateLimited = true;
                if (f.RetryAfter is { } ra && (retryAfter is null || ra < retryAfter))
                {
                    retryAfter = ra;
                }
            }

            allUnavailable &= f.IsUnavailable || f.IsTimeout;
            allTimeouts &= f.IsTimeout;
            allAuth &= f.GatewayCredentialRefused;
        }

        var summary = Summary(failures);
        string Code(string category)
        {
            // One kind of failure keeps its own code (e.g. upstream_timeout, empty_stream); a mix gets the category's.
            for (var i = 1; i < failures.Count; i++)
            {
                if (failures[i].Code != failures[0].Code)
                {
                    return category;
                }
            }

            return failures[0].Code;
        }

        if (anyRateLimited)
        {
            return new AttemptFailure(429, summary, "rate_limit_error", Code("all_candidates_rate_limited")) { RetryAfter = retryAfter, Cause = FailureCause.Status };
        }

        if (allAuth)
        {
            return new AttemptFailure(502, summary, "upstream_auth_error", "upstream_auth_error");
        }

        if (allTimeouts)
        {
            return new AttemptFailure(504, summary, "timeout_error", Code("upstream_timeout"));
        }

        return allUnavailable
            ? new AttemptFailure(503, summary, "upstream_unavailable", Code("upstream_unavailable"))
            : new AttemptFailure(502, summary, "upstream_error", Code("all_candidates_failed"));
    }

    private static string Summary(IReadOnlyList<AttemptFailure> failures)
    {
        if (failures.Count == 1)
        {
            return failures[0].Message;
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"all {failures.Count} attempts failed: ");
        for (var i = 0; i < failures.Count; i++)
        {
            if (i > 0)
            {
                sb.Append("; ");
            }

            sb.Append(CultureInfo.InvariantCulture, $"{i + 1}. {failures[i].Message}");
        }

        return sb.ToString();
    }
}
