namespace Switchyard.Core.Catalog;

/// <summary>How a load-balanced group orders its members for each request (<c>model_groups[].strategy</c>, <c>routing_strategy</c>).</summary>
public enum GroupStrategy
{
    /// <summary>The leader rotates through the members, one step per request.</summary>
    RoundRobin,

    /// <summary>Members by their entry's <c>priority</c> (lower first; none: after those with one), then declared order.</summary>
    Priority,

    /// <summary>Random order, each member drawn in proportion to its entry's <c>weight</c> (default 1).</summary>
    Weighted,

    /// <summary>Fewest attempts in flight first; ties rotate.</summary>
    LeastBusy,

    /// <summary>Lowest average latency first (time to first token for streams, total latency otherwise), with exploration.</summary>
    LatencyBased,

    /// <summary>Least recent usage first (attempts started in the last minute); ties rotate.</summary>
    UsageBased,

    /// <summary>Cheapest first by the cost figures of <c>model_metrics_sources</c>; no figure: declared order after those with one.</summary>
    CostBased,
}

/// <summary>
/// The strategy names both dialects accept (Switchyard's own, PLLM's and LiteLLM's) and what each maps to. Unknown
/// names are load errors with a did-you-mean; <see cref="CanonicalName"/> is what <c>switchyard migrate</c> writes.
/// </summary>
public static class GroupStrategies
{
    private static readonly (string Name, GroupStrategy Strategy)[] Table =
    [
        ("round-robin", GroupStrategy.RoundRobin),
        ("priority", GroupStrategy.Priority),
        ("weighted", GroupStrategy.Weighted),
        ("simple-shuffle", GroupStrategy.Weighted),          // LiteLLM's default: random by weight
        ("random", GroupStrategy.Weighted),                  // PLLM: random (weights default to 1)
        ("weighted-round-robin", GroupStrategy.Weighted),    // PLLM: a weighted spread, served as weighted random
        ("least-busy", GroupStrategy.LeastBusy),
        ("latency-based", GroupStrategy.LatencyBased),
        ("latency-based-routing", GroupStrategy.LatencyBased), // LiteLLM
        ("least-latency", GroupStrategy.LatencyBased),       // PLLM
        ("usage-based", GroupStrategy.UsageBased),           // PLLM's config comment
        ("usage-based-routing", GroupStrategy.UsageBased),   // LiteLLM
        ("usage-based-routing-v2", GroupStrategy.UsageBased), // LiteLLM
        ("cost-based", GroupStrategy.CostBased),
        ("cost-based-routing", GroupStrategy.CostBased),     // LiteLLM
    ];

    /// <summary>Every accepted name, Switchyard's own first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>The strategy a name stands for.</summary>
    public static bool TryParse(string? name, out GroupStrategy strategy)
    {
        foreach (var (n, s) in Table)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                strategy = s;
                return true;
            }
        }

        strategy = GroupStrategy.RoundRobin;
        return false;
    }

    /// <summary>Switchyard's own name for <paramref name="strategy"/> (what migrate writes).</summary>
    public static string CanonicalName(GroupStrategy strategy) => strategy switch
    {
        GroupStrategy.Priority => "priority",
        GroupStrategy.Weighted => "weighted",
        GroupStrategy.LeastBusy => "least-busy",
        GroupStrategy.LatencyBased => "latency-based",
        GroupStrategy.UsageBased => "usage-based",
        GroupStrategy.CostBased => "cost-based",
        _ => "round-robin",
    };

    /// <summary>Switchyard's own name for any accepted name (the name itself when unknown).</summary>
    public static string Canonical(string name) => TryParse(name, out var s) ? CanonicalName(s) : name;
}
