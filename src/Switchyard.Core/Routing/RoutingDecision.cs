using Switchyard.Core.Catalog;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing;

/// <summary>How the Route stage arrived at a request's candidates.</summary>
public enum RoutingMethod
{
    /// <summary>The request named a model or alias (or relied on the default model); no preference routing.</summary>
    Direct,
    /// <summary>The router model chose a route; its models are the candidates.</summary>
    Preference,
    /// <summary>An <c>X-Model-Affinity</c> pin chose the model without asking the router.</summary>
    Affinity,
    /// <summary>The router answered that no route fits; the requested or default model serves.</summary>
    NoRoute,
    /// <summary>The router failed (error, garbage, timeout); the requested or default model serves.</summary>
    FailOpen,
}

/// <summary>A route candidate that was not dispatched to, and why (for explanations).</summary>
public sealed record SkippedCandidate(string Model, string Reason);

/// <summary>
/// The Route stage's answer for one request: the dispatch order and everything needed to explain it
/// (<c>x-switchyard-explain</c>, the decision API, <c>switchyard route</c>).
/// </summary>
public sealed record RoutingDecision
{
    public required RoutingMethod Method { get; init; }

    /// <summary>The candidates in dispatch order: first primary, the rest fallbacks.</summary>
    public required IReadOnlyList<ResolvedModel> Candidates { get; init; }

    /// <summary>The chosen (or pinned) route's name; null when no route applies.</summary>
    public string? Route { get; init; }

    /// <summary>True when the decision came from an affinity pin.</summary>
    public bool Pinned { get; init; }

    /// <summary>The alias the request named, when resolution went through one.</summary>
    public string? ViaAlias { get; init; }

    /// <summary>The router-model call, when one was made.</summary>
    public RouterCallResult? Router { get; init; }

    /// <summary>The selection-policy ranking with its figures, when the route has a policy.</summary>
    public CandidateRanking? Ranking { get; init; }

    /// <summary>Route models that were not dispatched to, and why.</summary>
    public IReadOnlyList<SkippedCandidate> Skipped { get; init; } = [];

    /// <summary>Where routing preferences came from: <c>config</c> or <c>request</c>; null when none were used.</summary>
    public string? PreferencesSource { get; init; }

    /// <summary>Why the fallback model serves (no route, router failure) or other notes for explanations.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The session the decision was pinned to or reused from: the <c>X-Model-Affinity</c> id, or the id derived from
    /// the conversation (<c>implicit:…</c>) under <c>routing.route_on_user_only</c>; null when none applied.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>Why the router was not asked although preference routing applied (<c>route_on_user_only</c>); null otherwise.</summary>
    public string? RouterSkipped { get; init; }

    /// <summary>True when preference routing ran or was consulted (the response carries routing headers).</summary>
    public bool IsRouted => Method != RoutingMethod.Direct;

    /// <summary>Index of the first candidate that is a fallback (<see cref="RoutePlan.FirstFallback"/>); past the end when none.</summary>
    public int FirstFallback { get; init; } = int.MaxValue;

    /// <summary>The requested model's name when the candidates include its fallbacks (<see cref="RoutePlan.Origin"/>).</summary>
    public string? FallbackOrigin { get; init; }

    /// <summary>
    /// The plan the dispatch loop runs: a pooled entry becomes one candidate per key (<see cref="KeyPool.Expand"/>),
    /// expanded separately before and after <see cref="FirstFallback"/> so the index still marks the first fallback.
    /// </summary>
    public RoutePlan ToPlan()
    {
        if (FirstFallback >= Candidates.Count || !KeyPool.AnyPooled(Candidates))
        {
            return new(KeyPool.Expand(Candidates), ViaAlias) { FirstFallback = FirstFallback, Origin = FallbackOrigin };
        }

        var primary = KeyPool.Expand([.. Candidates.Take(FirstFallback)]);
        return new([.. primary, .. KeyPool.Expand([.. Candidates.Skip(FirstFallback)])], ViaAlias) { FirstFallback = primary.Count, Origin = FallbackOrigin };
    }
}

/// <summary>A request the Route stage refuses (bad inline preferences, unknown model): a client error.</summary>
public sealed record RoutingError(int Status, string Message, string Type, string Code);
