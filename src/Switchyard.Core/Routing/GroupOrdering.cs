using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing;

/// <summary>
/// What a group's strategy reads for one request: the snapshot's endpoint state, whether the request streams (which
/// latency figure counts), the cost figures, and the randomness (injectable so tests are deterministic). The default
/// value (no endpoints, no figures) orders state-based strategies in declared order.
/// </summary>
public readonly record struct PlanContext(EndpointRegistry? Endpoints, bool Streaming, ISelectionFigures? Figures = null, Func<double>? Random = null)
{
    internal double NextRandom() => Random is { } r ? r() : System.Random.Shared.NextDouble();
}

/// <summary>
/// Orders a group's members for one request by its <see cref="GroupStrategy"/> (docs/resilience.md, "Strategies").
/// Works on member indices in a caller's span: no allocation for groups of up to <see cref="StackLimit"/> members.
/// </summary>
public static class GroupOrdering
{
    /// <summary>Share of latency-based requests that lead with another member than the fastest, so its figure stays current.</summary>
    public const double ExplorationShare = 0.05;

    /// <summary>Largest group ordered on the stack.</summary>
    public const int StackLimit = 64;

    /// <summary>Fills <paramref name="order"/> (one slot per member) with member indices, first to try first.</summary>
    public static void Order(ModelGroup group, in PlanContext context, Span<int> order)
    {
        var n = group.Members.Count;
        if (n == 1)
        {
            order[0] = 0;
            return;
        }

        switch (group.Kind)
        {
            case GroupStrategy.Priority:
                group.PriorityOrder.CopyTo(order);
                return;
            case GroupStrategy.Weighted:
                Weighted(group.Weights, context, order);
                return;
            case GroupStrategy.LatencyBased when context.Endpoints is not null:
                Latency(group, context, order);
                return;
            case GroupStrategy.CostBased:
                Cost(group, context, order);
                return;
            case GroupStrategy.LeastBusy when context.Endpoints is not null:
            case GroupStrategy.UsageBased when context.Endpoints is not null:
                Load(group, context, order);
                return;
            case GroupStrategy.LatencyBased:
                Declared(order);
                return;
            default:
                Rotation(group, order);
                return;
        }
    }

    /// <summary>
    /// The usage-based strategy's figure for one endpoint (lower is better): the share of its budget used in about the
    /// last minute — attempts started against its <c>rpm</c>, tokens reported against its <c>tpm</c>, the larger of
    /// the two. A member without limits counts its attempts against <paramref name="referenceRpm"/> (the largest rpm
    /// in its group), or as a plain count when no member has an rpm.
    /// </summary>
    public static double UsageScore(EndpointState state, ModelProviderConfig entry, long nowMilliseconds, double referenceRpm = 0)
    {
        var requests = state.Usage.Count(nowMilliseconds);
        if (entry.Rpm is null && entry.Tpm is null)
        {
            return referenceRpm > 0 ? requests / referenceRpm : requests;
        }

        var share = entry.Rpm is { } rpm ? requests / (double)rpm : 0;
        return entry.Tpm is { } tpm ? Math.Max(share, state.Tokens.Count(nowMilliseconds) / (double)tpm) : share;
    }

    /// <summary>The latency figure of an endpoint for this request (seconds), or null without one.</summary>
    public static double? LatencyScore(EndpointState state, bool streaming)
        => streaming ? state.TimeToFirstTokenSeconds ?? state.LatencySeconds : state.LatencySeconds ?? state.TimeToFirstTokenSeconds;

    internal static int[] PriorityOrder(IReadOnlyList<ResolvedModel> members)
    {
        var order = new int[members.Count];
        Span<double> score = members.Count <= StackLimit ? stackalloc double[members.Count] : new double[members.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            score[i] = members[i].Entry.Priority ?? double.PositiveInfinity;
        }

        StableSort(order, score);
        return order;
    }

    internal static double[] Weights(IReadOnlyList<ResolvedModel> members)
    {
        var weights = new double[members.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = members[i].Entry.Weight is { } w && double.IsFinite(w) && w > 0 ? w : 1;
        }

        return weights;
    }

    private static void Declared(Span<int> order)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
    }

    private static void Rotation(ModelGroup group, Span<int> order)
    {
        var n = order.Length;
        var start = group.NextStart();
        for (var k = 0; k < n; k++)
        {
            order[k] = (start + k) % n;
        }
    }

    // Weighted random order without replacement (Efraimidis–Spirakis): each member draws an exponential key with
    // rate = weight; ascending keys. The first place goes to member i with probability weight_i / total.
    private static void Weighted(double[] weights, in PlanContext context, Span<int> order)
    {
        Span<double> key = order.Length <= StackLimit ? stackalloc double[order.Length] : new double[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            key[i] = -Math.Log(1 - context.NextRandom()) / weights[i];
        }

        StableSort(order, key);
    }

    // Least-busy and usage-based: ascending load, ties in rotation order so equal members share the traffic.
    private static void Load(ModelGroup group, in PlanContext context, Span<int> order)
    {
        Rotation(group, order);
        var members = group.Members;
        Span<double> score = order.Length <= StackLimit ? stackalloc double[order.Length] : new double[order.Length];
        var now = Environment.TickCount64;
        var referenceRpm = 0d;
        for (var i = 0; i < order.Length && group.Kind != GroupStrategy.LeastBusy; i++)
        {
            referenceRpm = Math.Max(referenceRpm, members[i].Entry.Rpm ?? 0);
        }

        for (var i = 0; i < order.Length; i++)
        {
            var state = context.Endpoints!.For(members[i].Entry);
            score[i] = group.Kind == GroupStrategy.LeastBusy ? state.InFlight : UsageScore(state, members[i].Entry, now, referenceRpm);
        }

        StableSort(order, score);
    }

    // Members never tried first (declared order), so each is measured once; then ascending average latency; then
    // members tried but without a figure (no success yet), in declared order. Once any member has a figure,
    // ExplorationShare of requests lead with a random other member (the rest keep their order), so a slow member is
    // measured again and a recovered one comes back.
    private static void Latency(ModelGroup group, in PlanContext context, Span<int> order)
    {
        var members = group.Members;
        Span<double> score = order.Length <= StackLimit ? stackalloc double[order.Length] : new double[order.Length];
        var measured = false;
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            var state = context.Endpoints!.For(members[i].Entry);
            var figure = LatencyScore(state, context.Streaming);
            measured |= figure is not null;
            score[i] = figure is { } f && double.IsFinite(f) && f >= 0 ? f
                : state.Requests == 0 ? -1
                : double.PositiveInfinity;
        }

        StableSort(order, score);
        if (measured && context.NextRandom() < ExplorationShare)
        {
            var pick = 1 + Math.Min(order.Length - 2, (int)(context.NextRandom() * (order.Length - 1)));
            var probe = order[pick];
            order[..pick].CopyTo(order[1..]);
            order[0] = probe;
        }
    }

    // Ascending price (the figures selection_policy: cheapest ranks by); members without one after, in declared order.
    private static void Cost(ModelGroup group, in PlanContext context, Span<int> order)
    {
        Declared(order);
        if (context.Figures?.LookupFor(SelectionPolicy.Cheapest) is not { } lookup)
        {
            return;
        }

        var members = group.Members;
        Span<double> score = order.Length <= StackLimit ? stackalloc double[order.Length] : new double[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            score[i] = lookup(members[i].CanonicalName, out var price) && double.IsFinite(price) && price >= 0 ? price : double.PositiveInfinity;
        }

        StableSort(order, score);
    }

    // Insertion sort of member indices by score[index], stable (groups are small).
    private static void StableSort(Span<int> order, ReadOnlySpan<double> score)
    {
        for (var i = 1; i < order.Length; i++)
        {
            var item = order[i];
            var j = i - 1;
            while (j >= 0 && score[order[j]] > score[item])
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = item;
        }
    }
}
