namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// What the router model's answer means. Three outcomes: a known <see cref="Route"/>; no route (the router said none
/// fits, or named only routes that do not exist); or a <see cref="Failure"/> (the answer could not be read), which the
/// pipeline treats like a router error and fails open.
/// </summary>
public sealed record RouterDecision
{
    private RouterDecision(string? route, string rawAnswer, string? failure, IReadOnlyList<string> unknownRoutes)
    {
        Route = route;
        RawAnswer = rawAnswer;
        Failure = failure;
        UnknownRoutes = unknownRoutes;
    }

    /// <summary>The chosen route's name, exactly as configured; null when no route was chosen.</summary>
    public string? Route { get; }

    /// <summary>The router model's answer, unmodified (for <c>x-switchyard-explain</c> and logs).</summary>
    public string RawAnswer { get; }

    /// <summary>Why the answer could not be read; null when it could (even if it chose no route).</summary>
    public string? Failure { get; }

    /// <summary>Route names the router gave that are not configured; they are dropped but kept here for explanations.</summary>
    public IReadOnlyList<string> UnknownRoutes { get; }

    /// <summary>True when the answer could not be read.</summary>
    public bool IsFailure => Failure is not null;

    /// <summary>A readable answer that chose <paramref name="route"/>.</summary>
    public static RouterDecision Routed(string route, string rawAnswer, IReadOnlyList<string>? unknownRoutes = null) =>
        new(route, rawAnswer, null, unknownRoutes ?? []);

    /// <summary>A readable answer that chose no configured route.</summary>
    public static RouterDecision NoRoute(string rawAnswer, IReadOnlyList<string>? unknownRoutes = null) =>
        new(null, rawAnswer, null, unknownRoutes ?? []);

    /// <summary>An answer that could not be read.</summary>
    public static RouterDecision Failed(string rawAnswer, string reason) => new(null, rawAnswer, reason, []);
}
