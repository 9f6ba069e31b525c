using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Routing;

/// <summary>
/// Fallback chains (docs/resilience.md#fallbacks): the bound on a transitive chain, the candidates a context overflow
/// moves to (<c>context_window_fallbacks</c>), and the load-time checks of both kinds of chain — every name resolves,
/// and no chain comes back to where it started.
/// </summary>
public static class FallbackChains
{
    /// <summary>The most candidates one plan holds: the model (or its group's members) and its transitive fallbacks.</summary>
    public const int MaxCandidates = 16;

    /// <summary>
    /// The candidates to move to after <paramref name="overflowed"/> could not take the prompt: the plan of each of its
    /// <c>context_window_fallbacks</c> in declared order (that model or group, then its ordinary fallbacks),
    /// duplicates and <paramref name="overflowed"/> dropped; null when it has none. A context-window fallback that
    /// overflows in turn moves on to its own context-window fallbacks, so the chain follows transitively.
    /// </summary>
    public static List<ResolvedModel>? OnOverflow(ModelCatalog catalog, ResolvedModel overflowed)
    {
        var names = overflowed.Entry.ContextWindowFallbacks;
        if (names.Count == 0)
        {
            return null;
        }

        var next = new List<ResolvedModel>(names.Count + 2);
        foreach (var name in names)
        {
            if (catalog.ResolveName(name) is not { } model)
            {
                continue; // left the config (checked at load)
            }

            foreach (var c in CandidatePlanner.Plan(catalog, model, viaAlias: null).Candidates)
            {
                if (next.Count < MaxCandidates && !(c.CanonicalName == overflowed.CanonicalName && c.ModelId == overflowed.ModelId))
                {
                    CandidatePlanner.AddOnce(next, c);
                }
            }
        }

        return next.Count > 0 ? next : null;
    }

    /// <summary>
    /// Native/Plano checks: <c>context_window_fallbacks</c> names resolve (like <c>fallbacks</c>), and neither kind of
    /// chain has a cycle. A cycle is reported at the entry whose fallback closes it, naming the whole cycle.
    /// </summary>
    internal static IEnumerable<ConfigDiagnostic> Validate(GatewayConfig config, ModelCatalog catalog)
    {
        for (var i = 0; i < config.Providers.Count; i++)
        {
            var entry = config.Providers[i];
            for (var j = 0; j < entry.ContextWindowFallbacks.Count; j++)
            {
                var name = entry.ContextWindowFallbacks[j];
                var resolved = catalog.ResolvePublic(name);
                if (resolved is null)
                {
                    yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, $"model_providers[{i}].context_window_fallbacks[{j}]", entry.Line,
                        $"context-window fallback '{name}' does not match any configured model");
                }
                else if (resolved.Group is null ? ReferenceEquals(resolved.Entry, entry) && resolved.ModelId == entry.ModelId : resolved.Group.Members.Any(m => ReferenceEquals(m.Entry, entry)))
                {
                    yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, $"model_providers[{i}].context_window_fallbacks[{j}]", entry.Line,
                        $"context-window fallback '{name}' is the model itself{(resolved.Group is null ? "" : " (a group it belongs to)")}");
                }
            }
        }

        foreach (var (key, select) in new (string, Func<ModelProviderConfig, IReadOnlyList<string>>)[] { ("fallbacks", e => e.Fallbacks), ("context_window_fallbacks", e => e.ContextWindowFallbacks) })
        {
            // Nodes are public names (an entry's name, a group's name); a group's edges are its members' fallbacks.
            var edges = new Dictionary<string, List<(string To, string Path, int Line)>>(StringComparer.Ordinal);
            for (var i = 0; i < config.Providers.Count; i++)
            {
                var entry = config.Providers[i];
                var list = select(entry);
                for (var j = 0; j < list.Count; j++)
                {
                    if (catalog.ResolvePublic(list[j]) is not { } target)
                    {
                        continue;
                    }

                    var edge = (target.CanonicalName, $"model_providers[{i}].{key}[{j}]", entry.Line);
                    Add(edges, entry.Name, edge);
                    foreach (var g in config.Groups)
                    {
                        if (g.Members.Contains(entry.Name))
                        {
                            Add(edges, g.Name, edge);
                        }
                    }
                }
            }

            foreach (var (cycle, path, line) in Cycles(edges))
            {
                yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, path, line,
                    $"{key} form a cycle: {string.Join(" → ", cycle)}; a chain must end (remove one of these fallbacks)");
            }
        }

        static void Add(Dictionary<string, List<(string, string, int)>> edges, string from, (string, string, int) edge)
            => (edges.TryGetValue(from, out var l) ? l : edges[from] = []).Add(edge);
    }

    /// <summary>
    /// Every distinct cycle in a name graph, each as its names from the first to the first again, with where the edge
    /// that closes it was written. Depth-first in declared order, so the report is deterministic.
    /// </summary>
    internal static List<(List<string> Cycle, string Path, int Line)> Cycles(IReadOnlyDictionary<string, List<(string To, string Path, int Line)>> edges)
    {
        var found = new List<(List<string>, string, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
        var stack = new List<string>();

        void Visit(string node)
        {
            state[node] = 1;
            stack.Add(node);
            if (edges.TryGetValue(node, out var outs))
            {
                foreach (var (to, path, line) in outs)
                {
                    if (to == node)
                    {
                        continue; // "is the model itself" is reported on its own
                    }

                    var s = state.GetValueOrDefault(to);
                    if (s == 1)
                    {
                        var cycle = stack.GetRange(stack.IndexOf(to), stack.Count - stack.IndexOf(to));
                        var key = string.Join("\n", cycle.Order(StringComparer.Ordinal));
                        if (seen.Add(key))
                        {
                            cycle.Add(to);
                            found.Add((cycle, path, line));
                        }
                    }
                    else if (s == 0)
                    {
                        Visit(to);
                    }
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
        }

        foreach (var node in edges.Keys)
        {
            if (state.GetValueOrDefault(node) == 0)
            {
                Visit(node);
            }
        }

        return found;
    }
}
