using Switchyard.Core.Routing;

namespace Switchyard.Core.Catalog;

/// <summary>
/// A load-balanced group of concrete models behind one public name (<c>model_groups</c>, or several
/// <c>model_list</c> entries sharing a <c>model_name</c>). Built once per config snapshot; its rotation counter
/// lives as long as the snapshot.
/// </summary>
public sealed class ModelGroup
{
    /// <summary>The default strategy: the primary rotates through the members, one step per request.</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>Strategy names a group may declare (<see cref="GroupStrategies.Names"/>).</summary>
    public static IReadOnlyList<string> Strategies => GroupStrategies.Names;

    // Incremented before use, so the first request starts at member 0 (deterministic order for tests and operators).
    private int _counter = -1;

    internal ModelGroup(string name, IReadOnlyList<ResolvedModel> members, string strategy)
    {
        Name = name;
        Members = members;
        Strategy = strategy;
        Kind = GroupStrategies.TryParse(strategy, out var kind) ? kind : GroupStrategy.RoundRobin;
        PriorityOrder = GroupOrdering.PriorityOrder(members);
        Weights = GroupOrdering.Weights(members);
        StandIn = new ResolvedModel(name, members[0].Entry, members[0].Provider, members[0].ModelId) { Group = this };
    }

    /// <summary>The public name clients request.</summary>
    public string Name { get; }

    /// <summary>The concrete members, in declaration order; never empty.</summary>
    public IReadOnlyList<ResolvedModel> Members { get; }

    /// <summary>The strategy name as configured.</summary>
    public string Strategy { get; }

    /// <summary>What <see cref="Strategy"/> stands for.</summary>
    public GroupStrategy Kind { get; }

    /// <summary>Member indices by entry <c>priority</c> (lower first, none last), ties in declared order.</summary>
    internal int[] PriorityOrder { get; }

    /// <summary>Each member's entry <c>weight</c> (1 when none).</summary>
    internal double[] Weights { get; }

    /// <summary>
    /// What resolving the group name returns: the first member's settings under the group's name, marked with
    /// <see cref="ResolvedModel.Group"/> so the planner expands it into the rotated members.
    /// </summary>
    public ResolvedModel StandIn { get; }

    /// <summary>The member index that leads the next request (round-robin; thread-safe, wraps on overflow).</summary>
    public int NextStart()
    {
        if (Members.Count == 1)
        {
            return 0;
        }

        var ticket = unchecked((uint)Interlocked.Increment(ref _counter));
        return (int)(ticket % (uint)Members.Count);
    }
}
