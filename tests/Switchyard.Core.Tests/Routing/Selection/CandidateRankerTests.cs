using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Tests.Routing.Selection;

public class CandidateRankerTests
{
    private static FigureLookup From(Dictionary<string, double> figures) =>
        (string model, out double figure) => figures.TryGetValue(model, out figure);

    [Fact]
    public void Rank_Cheapest_SortsAscendingByFigure()
    {
        var ranking = CandidateRanker.RankCheapest(["a", "b", "c"], From(new() { ["a"] = 30, ["b"] = 10, ["c"] = 20 }));

        Assert.Equal(["b", "c", "a"], ranking.Models);
        Assert.Equal(SelectionPolicy.Cheapest, ranking.Policy);
        Assert.Equal([10.0, 20.0, 30.0], ranking.Candidates.Select(c => c.Figure!.Value));
    }

    [Fact]
    public void Rank_ModelsWithoutData_GoLastInDeclaredOrder()
    {
        var ranking = CandidateRanker.RankFastest(["x", "a", "y", "b", "z"], From(new() { ["a"] = 0.5, ["b"] = 0.2 }));

        Assert.Equal(["b", "a", "x", "y", "z"], ranking.Models);
        Assert.Null(ranking.Candidates[2].Figure);
        Assert.Equal(0, ranking.Candidates[2].DeclaredIndex);
        Assert.Equal(2, ranking.Candidates[3].DeclaredIndex);
    }

    [Fact]
    public void Rank_Ties_KeepDeclaredOrder()
    {
        var figures = new Dictionary<string, double>();
        var names = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            names.Add($"m{i}");
            figures[$"m{i}"] = i % 2 == 0 ? 1.0 : 2.0;
        }

        var ranking = CandidateRanker.RankCheapest(names, From(figures));

        var expected = names.Where((_, i) => i % 2 == 0).Concat(names.Where((_, i) => i % 2 == 1));
        Assert.Equal(expected, ranking.Models);
    }

    [Fact]
    public void Rank_InvalidFigures_TreatedAsMissing()
    {
        var ranking = CandidateRanker.RankFastest(
            ["nan", "neg", "inf", "ok"],
            From(new() { ["nan"] = double.NaN, ["neg"] = -1, ["inf"] = double.PositiveInfinity, ["ok"] = 3 }));

        Assert.Equal(["ok", "nan", "neg", "inf"], ranking.Models);
        Assert.All(ranking.Candidates.Skip(1), c => Assert.Null(c.Figure));
    }

    [Fact]
    public void Rank_ZeroFigure_IsData()
    {
        var ranking = CandidateRanker.RankCheapest(["paid", "free"], From(new() { ["paid"] = 1, ["free"] = 0 }));

        Assert.Equal(["free", "paid"], ranking.Models);
    }

    [Fact]
    public void Rank_None_KeepsDeclaredOrderWithoutConsultingLookup()
    {
        var ranking = CandidateRanker.Rank(["b", "a"], SelectionPolicy.None, null);

        Assert.Equal(["b", "a"], ranking.Models);
        Assert.All(ranking.Candidates, c => Assert.Null(c.Figure));
    }

    [Fact]
    public void Rank_NoData_KeepsDeclaredOrder()
    {
        var ranking = CandidateRanker.RankFastest(["c", "b", "a"], From([]));

        Assert.Equal(["c", "b", "a"], ranking.Models);
    }

    [Fact]
    public void Rank_EmptyList_ReturnsEmpty()
    {
        Assert.Empty(CandidateRanker.RankCheapest([], From([])).Models);
    }

    [Fact]
    public void Rank_PolicyWithoutLookup_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => CandidateRanker.Rank(["a"], SelectionPolicy.Cheapest, null));
    }

    [Theory]
    [InlineData("cheapest", SelectionPolicy.Cheapest)]
    [InlineData("fastest", SelectionPolicy.Fastest)]
    [InlineData("none", SelectionPolicy.None)]
    public void TryParse_KnownNames_RoundTrip(string name, SelectionPolicy expected)
    {
        Assert.True(SelectionPolicyNames.TryParse(name, out var policy));
        Assert.Equal(expected, policy);
        Assert.Equal(name, SelectionPolicyNames.ToConfigName(policy));
    }

    [Theory]
    [InlineData("Cheapest")]
    [InlineData("random")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownNames_False(string? name)
    {
        Assert.False(SelectionPolicyNames.TryParse(name, out _));
    }
}
