using Switchyard.Core.Catalog;

namespace Switchyard.Core.Routing;

/// <summary>The ordered candidates a request is dispatched to: primary first, then fallbacks.</summary>
public sealed record RoutePlan(IReadOnlyList<ResolvedModel> Candidates, string? ViaAlias)
{
    /// <summary>Index of the first candidate that is a fallback of the requested model (not the model or a member of its group); past the end when none.</summary>
    public int FirstFallback { get; init; } = int.MaxValue;

    /// <summary>The requested model's name, for <c>x-switchyard-fallback-from</c>; null when the plan has no fallbacks.</summary>
    public string? Origin { get; init; }
}
