using Switchyard.Core.Catalog;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Routing;
using Switchyard.Core.Limits;

namespace Switchyard.Core.Resilience;

/// <summary>The response headers that make a fallback step visible (docs/resilience.md#fallbacks).</summary>
public static class FallbackHeaders
{
    /// <summary>The model the client asked for, when the answer (or the final error) comes from a fallback model.</summary>
    public const string From = "x-switchyard-fallback-from";

    /// <summary>
    /// Why the fallback was taken: <c>context_window</c> (the upstream said the prompt is too long),
    /// <c>context_window_preflight</c> (the estimate exceeded the known context window; nothing was sent), or the code
    /// of the failure that moved to an ordinary fallback (e.g. <c>503</c>, <c>upstream_timeout</c>).
    /// </summary>
    public const string Reason = "x-switchyard-fallback-reason";

    public const string ContextWindow = "context_window";
    public const string ContextWindowPreflight = "context_window_preflight";
}

/// <summary>
/// Where the dispatch loop is in its plan with respect to fallbacks: the candidate list (the plan's, or the
/// context-window fallbacks after an overflow), where fallbacks start in it, and why they were taken. A struct owned by
/// one <see cref="AttemptRunner.RunAsync"/>; a request that never reaches a fallback allocates nothing for it.
/// </summary>
internal struct FallbackTrail(RoutePlan plan)
{
    private IReadOnlyList<ResolvedModel> _candidates = plan.Candidates;
    private int _firstFallback = plan.FirstFallback;
    private string? _reason;
    private string? _pendingReason;

    public readonly IReadOnlyList<ResolvedModel> Candidates => _candidates;

    /// <summary>Before the first attempt at <c>Candidates[index]</c>: marks the response when that is a fallback model.</summary>
    public readonly void Enter(GatewayRequest request, int index, List<AttemptFailure>? failures)
    {
        if (index < _firstFallback)
        {
            return;
        }

        var response = request.HttpContext.Response;
        var origin = plan.Origin ?? plan.Candidates[0].CanonicalName;
        var first = plan.Candidates[0];
        var candidate = _candidates[index];
        if (response.HasStarted || (candidate.Provider.Prefix == first.Provider.Prefix && candidate.ModelId == first.ModelId))
        {
            return; // another key or deployment of the same model is not a move to another model
        }

        response.Headers[FallbackHeaders.From] = origin;
        response.Headers[FallbackHeaders.Reason] = _reason ?? (failures is { Count: > 0 } f ? f[^1].Code : "error");
    }

    /// <summary>
    /// The pre-flight check: when <paramref name="candidate"/> has context-window fallbacks and a known context window
    /// that the estimated prompt exceeds, the overflow failure to act on without sending anything; else null. Candidates
    /// without context-window fallbacks are always sent (the upstream's own answer decides), so the common request
    /// pays one count check.
    /// </summary>
    public AttemptFailure? Preflight(GatewayRequest request, ResolvedModel candidate)
    {
        if (candidate.Entry.ContextWindowFallbacks.Count == 0 || candidate.ContextWindow is not (> 0 and var window))
        {
            return null;
        }

        var estimate = PromptEstimate.For(request, candidate).PromptTokens;
        if (estimate <= window)
        {
            return null;
        }

        _pendingReason = FallbackHeaders.ContextWindowPreflight;
        return new AttemptFailure(400,
            $"the prompt (about {estimate} tokens, estimated) exceeds the context window of '{candidate.CanonicalName}' ({window} tokens); it was not sent",
            "invalid_request_error", "context_length_exceeded")
        {
            Cause = FailureCause.ContextOverflow,
            Action = FailureAction.ContextFallback,
            Candidate = candidate.CanonicalName,
        };
    }

    /// <summary>
    /// After <paramref name="candidate"/> could not take the prompt: moves to its context-window fallbacks (they
    /// replace the rest of the plan) and returns true; false when it has none (the overflow is final).
    /// </summary>
    public bool OnOverflow(GatewayRequest request, ResolvedModel candidate)
    {
        var reason = _pendingReason ?? FallbackHeaders.ContextWindow;
        _pendingReason = null;
        if (FallbackChains.OnOverflow(request.Snapshot.Catalog, candidate) is not { } next)
        {
            return false;
        }

        _candidates = KeyPool.Expand(next); // a pooled fallback is tried once per key, like any candidate
        _firstFallback = 0;
        _reason = reason;
        return true;
    }
}
