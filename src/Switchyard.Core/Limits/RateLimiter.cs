using Microsoft.AspNetCore.Http.Features;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Resilience;
using Switchyard.Core.State.RateLimits;

namespace Switchyard.Core.Limits;

/// <summary>
/// What one admitted attempt charged to token buckets, kept until the attempt is over to reconcile the estimate with
/// the usage the upstream reported. Empty (default) when nothing was charged in tokens.
/// </summary>
internal readonly struct RateLimitLease
{
    public RateLimitKey TpmKey { get; init; }
    public RateLimit TpmLimit { get; init; }
    /// <summary>Tokens charged to the endpoint's tpm bucket (0: none).</summary>
    public long TpmCharged { get; init; }
    public int PromptEstimate { get; init; }
    public int OutputEstimate { get; init; }
    /// <summary>Plano rule buckets charged <see cref="RuleCharge"/> input tokens each.</summary>
    public (RateLimitKey Key, RateLimit Limit)[]? Rules { get; init; }
    public int RuleCount { get; init; }
    public long RuleCharge { get; init; }

    public bool IsEmpty => TpmCharged == 0 && RuleCount == 0;
}

/// <summary>
/// Rate-limit admission (DESIGN.md §1 "Admit"), run before each attempt: an endpoint's <c>rpm</c>/<c>tpm</c> (native
/// <c>limits</c>, model_list <c>rpm</c>/<c>tpm</c>) and Plano's <c>ratelimits</c> rules that select the request. A
/// candidate over any of them is skipped with a 429 failure whose Retry-After is the time until it has room, and
/// the next candidate serves — the client sees a 429 only when no candidate has room (FailureAggregate answers with
/// the soonest Retry-After). Buckets live in an <see cref="IRateLimitStore"/> keyed by the endpoint's canonical key
/// (or the rule), so they outlive config reloads. Token limits admit on <see cref="TokenEstimator"/>'s estimate and
/// are reconciled with the real usage once the attempt is over (<see cref="Settle"/>).
/// </summary>
public sealed class RateLimiter(IRateLimitStore store)
{
    internal const string RpmScope = "rpm";
    internal const string TpmScope = "tpm";
    internal const string RuleScope = "ratelimits";

    /// <summary>The store the buckets live in.</summary>
    public IRateLimitStore Store => store;

    /// <summary>
    /// Takes one request (rpm) and the token estimate (tpm, rules) from every bucket that applies to this attempt, all
    /// or none. Null when admitted (<paramref name="lease"/> says what to reconcile); otherwise the 429 failure that
    /// skips this candidate. Costs nothing when the entry has no limit and the config no <c>ratelimits</c>.
    /// </summary>
    internal AttemptFailure? Admit(GatewayRequest request, ResolvedModel candidate, EndpointState endpoint, out RateLimitLease lease)
    {
        lease = default;
        var entry = candidate.Entry;
        var rules = request.Snapshot.Config.RateLimits;
        return entry.Rpm is null && entry.Tpm is null && rules.Count == 0
            ? null
            : AdmitLimited(request, candidate, endpoint, rules, out lease);
    }

    /// <summary>
    /// Reconciles an attempt's token charges: an answer with usage replaces the estimate by the reported input and
    /// output tokens (a missing part keeps its estimate); an answer without usage keeps the estimate; an attempt the
    /// upstream refused or never got (an HTTP error, a connection failure) gives the tokens back; a timeout or a
    /// client that left keeps them (the upstream may have done the work).
    /// </summary>
    internal void Settle(in RateLimitLease lease, AttemptKind kind, AttemptFailure? failure, IrUsage? usage)
    {
        if (lease.IsEmpty)
        {
            return;
        }

        long tpmDelta = 0, ruleDelta = 0;
        if (kind == AttemptKind.Committed && usage is not null && (usage.InputTokens is not null || usage.OutputTokens is not null))
        {
            var input = (long?)usage.InputTokens ?? lease.PromptEstimate;
            tpmDelta = input + ((long?)usage.OutputTokens ?? lease.OutputEstimate) - lease.TpmCharged;
            ruleDelta = usage.InputTokens is { } realInput ? realInput - lease.RuleCharge : 0;
        }
        else if (kind is AttemptKind.Failed or AttemptKind.Skipped && failure is not { Cause: FailureCause.Timeout })
        {
            tpmDelta = -lease.TpmCharged;
            ruleDelta = -lease.RuleCharge;
        }

        if (lease.TpmCharged > 0)
        {
            store.Adjust(lease.TpmKey, lease.TpmLimit, tpmDelta);
        }

        for (var i = 0; i < lease.RuleCount; i++)
        {
            store.Adjust(lease.Rules![i].Key, lease.Rules[i].Limit, ruleDelta);
        }
    }

    /// <summary>
    /// Gives back everything <see cref="Admit"/> charged, the request included: the attempt was not made after all (the
    /// endpoint's circuit breaker or bulkhead turned it away after admission).
    /// </summary>
    internal void Release(in RateLimitLease lease, ResolvedModel candidate, EndpointState endpoint)
        => Undo(candidate.Entry, endpoint, lease.TpmCharged, lease.TpmLimit, lease.Rules, lease.RuleCount, lease.RuleCharge);

    private AttemptFailure? AdmitLimited(GatewayRequest request, ResolvedModel candidate, EndpointState endpoint,
        IReadOnlyList<RateLimitRuleConfig> rules, out RateLimitLease lease)
    {
        lease = default;
        var entry = candidate.Entry;
        TokenEstimate? estimate = null;
        TokenEstimate Estimate() => estimate ??= EstimateFor(request, candidate);

        if (entry.Rpm is { } rpm)
        {
            var limit = RateLimit.PerMinute(rpm);
            var d = store.TryAcquire(new RateLimitKey(RpmScope, endpoint.Key), limit, 1);
            if (!d.Admitted)
            {
                return Limited(candidate, d.RetryAfter, $"'{candidate.CanonicalName}' is at its request limit (rpm {rpm}); a request fits again in {Seconds(d.RetryAfter)} s");
            }
        }

        var tpmCharged = 0L;
        var tpmKey = new RateLimitKey(TpmScope, endpoint.Key);
        var tpmLimit = default(RateLimit);
        if (entry.Tpm is { } tpm)
        {
            tpmLimit = RateLimit.PerMinute(tpm);
            var cost = Math.Max(Estimate().Total, 1);
            var d = store.TryAcquire(tpmKey, tpmLimit, cost);
            if (!d.Admitted)
            {
                Undo(entry, endpoint, 0, default, null, 0, 0);
                return Limited(candidate, d.RetryAfter, $"'{candidate.CanonicalName}' is at its token limit (tpm {tpm}): this request needs about {cost} tokens, which are back in {Seconds(d.RetryAfter)} s");
            }

            tpmCharged = cost;
        }

        (RateLimitKey Key, RateLimit Limit)[]? charged = null;
        var count = 0;
        var ruleCost = 0L;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!Applies(rule, candidate) || Selected(request, candidate, rules, rule) is not { } id)
            {
                continue;
            }

            ruleCost = Math.Max(Estimate().PromptTokens, 1);
            var key = new RateLimitKey(RuleScope, id);
            var limit = new RateLimit(rule.Tokens, rule.Period);
            var d = store.TryAcquire(key, limit, ruleCost);
            if (!d.Admitted)
            {
                Undo(entry, endpoint, tpmCharged, tpmLimit, charged, count, ruleCost);
                var value = request.HttpContext.Request.Headers[rule.SelectorKey].ToString();
                return Limited(candidate, d.RetryAfter,
                    $"rate limit exceeded for model '{rule.Model}' and {rule.SelectorKey}: {value} ({rule.Tokens} input tokens per {rule.UnitName}; this request has about {ruleCost}); retry in {Seconds(d.RetryAfter)} s");
            }

            charged ??= new (RateLimitKey, RateLimit)[rules.Count];
            charged[count++] = (key, limit);
        }

        lease = new RateLimitLease
        {
            TpmKey = tpmKey,
            TpmLimit = tpmLimit,
            TpmCharged = tpmCharged,
            PromptEstimate = estimate?.PromptTokens ?? 0,
            OutputEstimate = estimate?.MaxOutputTokens ?? 0,
            Rules = charged,
            RuleCount = count,
            RuleCharge = ruleCost,
        };
        return null;
    }

    // All or none: a later bucket's refusal gives back what the earlier ones took.
    private void Undo(ModelProviderConfig entry, EndpointState endpoint, long tpmCharged, RateLimit tpmLimit,
        (RateLimitKey Key, RateLimit Limit)[]? rules, int ruleCount, long ruleCost)
    {
        if (entry.Rpm is { } rpm)
        {
            store.Adjust(new RateLimitKey(RpmScope, endpoint.Key), RateLimit.PerMinute(rpm), -1);
        }

        if (tpmCharged > 0)
        {
            store.Adjust(new RateLimitKey(TpmScope, endpoint.Key), tpmLimit, -tpmCharged);
        }

        for (var i = 0; i < ruleCount; i++)
        {
            store.Adjust(rules![i].Key, rules[i].Limit, -ruleCost);
        }
    }

    // A rule names its model the way Plano does (the model id) or the way Switchyard does (entry name, provider/model,
    // or the concrete provider/model a wildcard entry resolved to).
    private static bool Applies(RateLimitRuleConfig rule, ResolvedModel candidate)
        => rule.Model == candidate.CanonicalName || rule.Model == candidate.ModelId || RateLimitsReader.Matches(rule.Model, candidate.Entry);

    /// <summary>
    /// The bucket id when <paramref name="rule"/> selects this request: its header is present and carries the rule's
    /// value, or the rule's value is <c>"*"</c> (one bucket per header value) and no rule for the same header that applies
    /// to this candidate names this value exactly (the exact rule wins, as in Plano). Null when the rule does not apply.
    /// </summary>
    private static string? Selected(GatewayRequest request, ResolvedModel candidate, IReadOnlyList<RateLimitRuleConfig> rules, RateLimitRuleConfig rule)
    {
        var header = request.HttpContext.Request.Headers[rule.SelectorKey];
        if (header.Count == 0)
        {
            return null;
        }

        var value = header.ToString();
        if (!rule.PerValue)
        {
            return value == rule.SelectorValue ? rule.Model + "\n" + rule.SelectorKey + "\n" + rule.SelectorValue : null;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var other = rules[i];
            if (!other.PerValue && other.SelectorKey == rule.SelectorKey && other.SelectorValue == value && Applies(other, candidate))
            {
                return null;
            }
        }

        return rule.Model + "\n" + rule.SelectorKey + "\n*\n" + value;
    }

    // One estimate per request and way of counting, however many candidates and attempts ask for it.
    private static TokenEstimate EstimateFor(GatewayRequest request, ResolvedModel candidate) => PromptEstimate.For(request, candidate);

    private static AttemptFailure Limited(ResolvedModel candidate, TimeSpan retryAfter, string message)
        => new(429, message, "rate_limit_error", "rate_limited")
        {
            Candidate = candidate.CanonicalName,
            Action = FailureAction.FailOver,
            RetryAfter = retryAfter,
        };

    private static string Seconds(TimeSpan t) => Math.Ceiling(t.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
