using Switchyard.Core.Catalog;

namespace Switchyard.Core.Routing;

/// <summary>
/// Builds the candidate order for a resolved model: the model itself, then its configured <c>fallbacks</c>
/// (each resolved by name, duplicates dropped), followed transitively — breadth-first in declared order, so a
/// fallback's own fallbacks come after every fallback of the level before — up to
/// <see cref="FallbackChains.MaxCandidates"/> candidates. A group expands into its members in the order its strategy
/// gives for this request (<see cref="GroupOrdering"/>), followed by the members' fallbacks. Preference routing later
/// reorders or replaces this list.
/// </summary>
public static class CandidatePlanner
{
    public static RoutePlan Plan(ModelCatalog catalog, ResolvedModel primary, string? viaAlias, PlanContext context = default)
    {
        // The common case (one model, no fallbacks) allocates only the plan.
        if (primary.Group is null && primary.Entry.Fallbacks.Count == 0)
        {
            return new RoutePlan([primary], viaAlias);
        }

        var candidates = new List<ResolvedModel>(primary.Group is { } g ? g.Members.Count + 2 : primary.Entry.Fallbacks.Count + 1);
        Add(candidates, primary, context);

        // Fallbacks of the primary (or of each group member, in rotated order) follow, then theirs (breadth-first).
        var leaders = candidates.Count;
        for (var i = 0; i < candidates.Count && candidates.Count < FallbackChains.MaxCandidates; i++)
        {
            foreach (var name in candidates[i].Entry.Fallbacks)
            {
                if (catalog.ResolveName(name) is { } next)
                {
                    Add(candidates, next, context);
                }
            }
        }

        return new RoutePlan(candidates, viaAlias) { FirstFallback = leaders, Origin = primary.CanonicalName };
    }

    /// <summary>
    /// Adds <paramref name="model"/> — a group as its members in its strategy's order — skipping models already in
    /// <paramref name="candidates"/>; each skipped one goes to <paramref name="duplicates"/> when given.
    /// </summary>
    internal static void Add(List<ResolvedModel> candidates, ResolvedModel model, in PlanContext context, List<ResolvedModel>? duplicates = null)
    {
        if (model.Group is not { } group)
        {
            AddOnce(candidates, model, duplicates);
            return;
        }

        var members = group.Members;
        Span<int> order = members.Count <= GroupOrdering.StackLimit ? stackalloc int[members.Count] : new int[members.Count];
        GroupOrdering.Order(group, context, order);
        foreach (var index in order)
        {
            AddOnce(candidates, members[index], duplicates);
        }
    }

    /// <summary>Adds <paramref name="model"/> unless the same entry and model id is already listed.</summary>
    internal static void AddOnce(List<ResolvedModel> list, ResolvedModel model, List<ResolvedModel>? duplicates = null)
    {
        foreach (var m in list)
        {
            if (ReferenceEquals(m.Entry, model.Entry) && m.ModelId == model.ModelId)
            {
                duplicates?.Add(model);
                return;
            }
        }

        list.Add(model);
    }
}
