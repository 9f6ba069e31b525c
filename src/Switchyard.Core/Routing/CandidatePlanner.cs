using Switchyard.Core.Catalog;

namespace Switchyard.Core.Routing;

/// <summary>
/// Builds the candidate order for a resolved model: the model itself, then its configured <c>fallbacks</c>
/// (each resolved by name, duplicates dropped). Preference routing later reorders or replaces this list.
/// </summary>
public static class CandidatePlanner
{
    public static RoutePlan Plan(ModelCatalog catalog, ResolvedModel primary, string? viaAlias)
    {
        var fallbacks = primary.Entry.Fallbacks;
        if (fallbacks.Count == 0)
        {
            return new RoutePlan([primary], viaAlias);
        }

        var candidates = new List<ResolvedModel>(fallbacks.Count + 1) { primary };
        foreach (var name in fallbacks)
        {
            var next = catalog.ResolveName(name);
            if (next is not null && !Contains(candidates, next))
            {
                candidates.Add(next);
            }
        }

        return new RoutePlan(candidates, viaAlias);
    }

    private static bool Contains(List<ResolvedModel> list, ResolvedModel model)
    {
        foreach (var m in list)
        {
            if (ReferenceEquals(m.Entry, model.Entry) && m.ModelId == model.ModelId)
            {
                return true;
            }
        }

        return false;
    }
}
