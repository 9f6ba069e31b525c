namespace Switchyard.Core.Routing.Selection;

/// <summary>
/// Reorders a route's declared candidates by a selection policy: models with data ascending by their figure,
/// ties in declared order, models without data (or with a negative/NaN/infinite figure) last in declared order.
/// </summary>
public static class CandidateRanker
{
    /// <summary>
    /// Ranks <paramref name="candidates"/> for <paramref name="policy"/>. For <see cref="SelectionPolicy.None"/>
    /// the lookup is not consulted and the declared order is returned with no figures.
    /// </summary>
    /// <param name="candidates">The route's models in declared order.</param>
    /// <param name="policy">The policy to apply.</param>
    /// <param name="lookup">The figure source (price for cheapest, latency for fastest); may be null only for None.</param>
    public static CandidateRanking Rank(IReadOnlyList<string> candidates, SelectionPolicy policy, FigureLookup? lookup)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ranked = new RankedCandidate[candidates.Count];
        if (policy == SelectionPolicy.None)
        {
            for (var i = 0; i < ranked.Length; i++)
            {
                ranked[i] = new RankedCandidate(candidates[i], null, i);
            }

            return new CandidateRanking(policy, ranked);
        }

        ArgumentNullException.ThrowIfNull(lookup);
        for (var i = 0; i < ranked.Length; i++)
        {
            var model = candidates[i];
            double? figure = lookup(model, out var value) && double.IsFinite(value) && value >= 0 ? value : null;
            ranked[i] = new RankedCandidate(model, figure, i);
        }

        // Array.Sort is unstable, so the declared index breaks ties and keeps the result deterministic.
        Array.Sort(ranked, Compare);
        return new CandidateRanking(policy, ranked);
    }

    /// <summary>Ranks by the cheapest policy using a price lookup in USD per million tokens (input+output).</summary>
    public static CandidateRanking RankCheapest(IReadOnlyList<string> candidates, FigureLookup pricePerMillion) =>
        Rank(candidates, SelectionPolicy.Cheapest, pricePerMillion);

    /// <summary>Ranks by the fastest policy using a latency lookup in seconds.</summary>
    public static CandidateRanking RankFastest(IReadOnlyList<string> candidates, FigureLookup latencySeconds) =>
        Rank(candidates, SelectionPolicy.Fastest, latencySeconds);

    private static int Compare(RankedCandidate a, RankedCandidate b)
    {
        if (a.Figure is { } fa)
        {
            if (b.Figure is not { } fb)
            {
                return -1;
            }

            var byFigure = fa.CompareTo(fb);
            if (byFigure != 0)
            {
                return byFigure;
            }
        }
        else if (b.Figure is not null)
        {
            return 1;
        }

        return a.DeclaredIndex.CompareTo(b.DeclaredIndex);
    }
}
