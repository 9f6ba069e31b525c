using Switchyard.Core.Catalog;

namespace Switchyard.Core.Routing;

/// <summary>The ordered candidates a request is dispatched to: primary first, then fallbacks.</summary>
public sealed record RoutePlan(IReadOnlyList<ResolvedModel> Candidates, string? ViaAlias);
