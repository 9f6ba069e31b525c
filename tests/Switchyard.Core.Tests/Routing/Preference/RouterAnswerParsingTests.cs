using Switchyard.Core.Routing.Preference;
using static Switchyard.Core.Tests.Routing.Preference.RouterFixtures;

namespace Switchyard.Core.Tests.Routing.Preference;

public class RouterAnswerParsingTests
{
    private static RouterDecision Plano(string? answer) => RouterPrompts.PlanoOrchestrator.Parse(answer, Routes);

    private static RouterDecision Arch(string? answer) => RouterPrompts.ArchRouter.Parse(answer, Routes);

    [Theory]
    [InlineData("""{"route": ["code"]}""", "code")]
    [InlineData("""{"route": ["math", "code"]}""", "math")]
    [InlineData("""{"route": ["nope", "chat", "code"]}""", "chat")]
    [InlineData("""{'route': ['chat']}""", "chat")]
    [InlineData("```json\n{\"route\": [\"code\"]}\n```", "code")]
    [InlineData("```\n{\"route\": [\"math\"]}\n```", "math")]
    [InlineData("""{"route": [\n"math"\n]}""", "math")]
    [InlineData("""{\n  'route': ['code']\n}""", "code")]
    [InlineData("""Sure! The best fit is {"route": ["chat"]}. Hope that helps.""", "chat")]
    [InlineData("""Here's my pick: {"route": ["code"]}""", "code")]
    [InlineData("""{"reasoning": "{braces}", "route": [" code "]}""", "code")]
    [InlineData("""{"route": "math"}""", "math")]
    [InlineData("""{"route": [1, null, "code"],}""", "code")]
    [InlineData("""{"thought": "x"} then {"route": ["math"]}""", "math")]
    public void PlanoParse_ReadableAnswer_FirstKnownRoute(string answer, string route)
    {
        var decision = Plano(answer);
        Assert.Equal(route, decision.Route);
        Assert.False(decision.IsFailure);
        Assert.Equal(answer, decision.RawAnswer);
    }

    [Theory]
    [InlineData("""{"route": []}""")]
    [InlineData("""{"route": null}""")]
    [InlineData("""{"route": [""]}""")]
    [InlineData("""{'route': []}""")]
    public void PlanoParse_EmptyList_NoRouteWithoutFailure(string answer)
    {
        var decision = Plano(answer);
        Assert.Null(decision.Route);
        Assert.Null(decision.Failure);
        Assert.Empty(decision.UnknownRoutes);
    }

    [Fact]
    public void PlanoParse_OnlyUnknownNames_NoRouteAndNamesKept()
    {
        var decision = Plano("""{"route": ["Code", "poetry"]}""");
        Assert.Null(decision.Route);
        Assert.False(decision.IsFailure);
        Assert.Equal(["Code", "poetry"], decision.UnknownRoutes);
    }

    [Fact]
    public void PlanoParse_UnknownBeforeKnown_UnknownReported()
    {
        var decision = Plano("""{"route": ["poetry", "math"]}""");
        Assert.Equal("math", decision.Route);
        Assert.Equal(["poetry"], decision.UnknownRoutes);
    }

    [Theory]
    [InlineData(null, "empty answer")]
    [InlineData("", "empty answer")]
    [InlineData("  \n ", "empty answer")]
    [InlineData("code", "no JSON object in the answer")]
    [InlineData("""{"route": ["code"]""", "no JSON object in the answer")]
    [InlineData("{route: code}", "no JSON object in the answer")]
    [InlineData("""{"answer": "code"}""", "no \"route\" field in the answer")]
    [InlineData("""["code"]""", "no JSON object in the answer")]
    public void Parse_Garbage_FailureValueNotException(string? answer, string reason)
    {
        foreach (var decision in new[] { Plano(answer), Arch(answer) })
        {
            Assert.True(decision.IsFailure);
            Assert.Equal(reason, decision.Failure);
            Assert.Null(decision.Route);
            Assert.Equal(answer ?? "", decision.RawAnswer);
        }
    }

    [Theory]
    [InlineData("""{"route": 5}""")]
    [InlineData("""{"route": {"name": "code"}}""")]
    [InlineData("""{"route": true}""")]
    public void Parse_RouteOfWrongType_Failure(string answer)
    {
        Assert.StartsWith("\"route\" is a", Plano(answer).Failure, StringComparison.Ordinal);
        Assert.StartsWith("\"route\" is a", Arch(answer).Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"route": "code"}""", "code")]
    [InlineData("""{'route': 'math'}""", "math")]
    [InlineData("```json\n{\"route\": \"chat\"}\n```", "chat")]
    [InlineData("""{"route":\n"code"}\n""", "code")]
    [InlineData("""I would say {"route": "math"} because it is an equation.""", "math")]
    [InlineData("""{"route": ["chat"]}""", "chat")]
    public void ArchParse_ReadableAnswer_Route(string answer, string route)
    {
        var decision = Arch(answer);
        Assert.Equal(route, decision.Route);
        Assert.False(decision.IsFailure);
    }

    [Theory]
    [InlineData("""{"route": "other"}""")]
    [InlineData("""{'route': 'Other'}""")]
    [InlineData("""{"route": ""}""")]
    [InlineData("""{"route": null}""")]
    public void ArchParse_Other_NoRouteWithoutFailure(string answer)
    {
        var decision = Arch(answer);
        Assert.Null(decision.Route);
        Assert.Null(decision.Failure);
        Assert.Empty(decision.UnknownRoutes);
    }

    [Fact]
    public void ArchParse_UnknownName_DroppedAndKept()
    {
        var decision = Arch("""{"route": "image_generation"}""");
        Assert.Null(decision.Route);
        Assert.False(decision.IsFailure);
        Assert.Equal(["image_generation"], decision.UnknownRoutes);
    }

    [Fact]
    public void ArchParse_RouteNamedOther_ConfiguredRouteWins()
    {
        RoutePreference[] routes = [new("other", "anything else"), new("code", "code")];
        Assert.Equal("other", RouterPrompts.ArchRouter.Parse("""{"route": "other"}""", routes).Route);
    }

    [Fact]
    public void PlanoParse_OtherIsJustAnUnknownName()
    {
        // Only Arch-Router gives "other" a meaning; to Plano-Orchestrator it is a name that is not configured.
        Assert.Equal(["other"], Plano("""{"route": ["other"]}""").UnknownRoutes);
    }

    [Fact]
    public void Parse_RouteNameWithApostrophe_ReadFromDoubleQuotedJson()
    {
        RoutePreference[] routes = [new("user's pick", "d")];
        Assert.Equal("user's pick", RouterPrompts.PlanoOrchestrator.Parse("""{"route": ["user's pick"]}""", routes).Route);
    }

    [Fact]
    public void Parse_ManyBracesOfNoise_FailsQuickly()
    {
        var answer = string.Concat(Enumerable.Repeat("{ not json ", 10_000));
        Assert.True(Plano(answer).IsFailure);
    }

    [Fact]
    public void For_EachFormat_ReturnsThatFormat()
    {
        Assert.Equal(RouterPromptFormat.PlanoOrchestrator, RouterPrompts.For(RouterPromptFormat.PlanoOrchestrator).Format);
        Assert.Equal(RouterPromptFormat.ArchRouter, RouterPrompts.For(RouterPromptFormat.ArchRouter).Format);
    }
}
