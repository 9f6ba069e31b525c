using Switchyard.Core.Ir;
using Switchyard.Core.Routing.Preference;
using static Switchyard.Core.Tests.Routing.Preference.RouterFixtures;

namespace Switchyard.Core.Tests.Routing.Preference;

public class RouterConversationTests
{
    private static string[] Texts(IReadOnlyList<RouterTurn> turns) => turns.Select(t => t.Text).ToArray();

    [Fact]
    public void Build_MixedConversation_KeepsOnlyUserAndAssistantText()
    {
        var turns = RouterConversation.Build(Conversation());
        Assert.Equal(
            [new RouterTurn(IrRole.User, "hi, café"), new RouterTurn(IrRole.Assistant, "Hello! How can I help?"), new RouterTurn(IrRole.User, "fix my \"Python\" loop")],
            turns);
    }

    [Fact]
    public void Build_NonTextOnlyTurnsAndOtherRoles_Dropped()
    {
        IrMessage[] messages =
        [
            new(IrRole.Developer, [new IrTextPart("be terse")]),
            new(IrRole.System, [new IrTextPart("system text")]),
            new(IrRole.User, [new IrImagePart { Base64 = "AAAA", MediaType = "image/png" }]),
            new(IrRole.Assistant, [new IrToolCallPart("c1", "f", "{\"a\":1}")]),
            new(IrRole.Tool, [new IrTextPart("tool text as a message")]),
            new(IrRole.User, [new IrToolResultPart("c1", [new IrTextPart("result text")])]),
            new(IrRole.Assistant, [new IrThinkingPart("private thought"), new IrRedactedThinkingPart("enc")]),
            new(IrRole.User, [new IrUnknownPart("anthropic", "document", Raw("{\"type\":\"document\"}"))]),
            new(IrRole.User, [new IrTextPart("   ")]),
            new(new IrRole("function"), [new IrTextPart("legacy role")]),
            User("the real question"),
        ];
        Assert.Equal([new RouterTurn(IrRole.User, "the real question")], RouterConversation.Build(messages));
    }

    [Fact]
    public void Build_SeveralTextParts_JoinedByNewline()
    {
        IrMessage[] messages = [new(IrRole.User, [new IrTextPart("first"), new IrImagePart { Url = "https://x/y.png" }, new IrTextPart("second")])];
        Assert.Equal(["first\nsecond"], Texts(RouterConversation.Build(messages)));
    }

    [Fact]
    public void Build_TwentyTurns_KeepsLastSixteen()
    {
        var messages = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? User($"u{i}") : Assistant($"a{i}")).ToList();
        var turns = RouterConversation.Build(messages);
        Assert.Equal(RouterConversation.MaxTurns, turns.Count);
        Assert.Equal("u4", turns[0].Text);
        Assert.Equal("a19", turns[^1].Text);
    }

    [Fact]
    public void Build_SixteenTurnCap_CountsOnlyKeptTurns()
    {
        // System and tool messages do not use up the cap: it applies after filtering.
        var messages = new List<IrMessage> { new(IrRole.System, [new IrTextPart("sys")]) };
        for (var i = 0; i < 16; i++)
        {
            messages.Add(User($"u{i}"));
            messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("c", [new IrTextPart("r")])]));
        }
        var turns = RouterConversation.Build(messages);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"u{i}"), Texts(turns));
    }

    [Fact]
    public void Build_OverBudget_DropsOldestTurnsFirst()
    {
        // 40 characters = 10 tokens each.
        IrMessage[] messages = [User(new string('a', 40)), Assistant(new string('b', 40)), User(new string('c', 40))];
        Assert.Equal(3, RouterConversation.Build(messages, tokenBudget: 30).Count);
        var turns = RouterConversation.Build(messages, tokenBudget: 29);
        Assert.Equal([new string('b', 40), new string('c', 40)], Texts(turns));
        Assert.Single(RouterConversation.Build(messages, tokenBudget: 19));
    }

    [Fact]
    public void Build_OlderTurnOverBudget_DroppedNotTrimmed()
    {
        IrMessage[] messages = [User(new string('a', 4000)), Assistant("ok"), User("short question")];
        Assert.Equal(["ok", "short question"], Texts(RouterConversation.Build(messages, tokenBudget: 100)));
    }

    [Fact]
    public void Build_NewestUserMessageOverBudget_TrimmedInTheMiddle()
    {
        var text = "HEAD" + new string('x', 1000) + "TAIL";
        IrMessage[] messages = [User("earlier"), Assistant("reply"), User(text)];

        var turns = RouterConversation.Build(messages, tokenBudget: 10);

        // 10 tokens = 40 characters: 35 of text around the 5-character marker, the head taking the odd one.
        var expected = "HEAD" + new string('x', 14) + " ... " + new string('x', 13) + "TAIL";
        Assert.Equal([new RouterTurn(IrRole.User, expected)], turns);
        Assert.Equal(40, turns[0].Text.Length);
        Assert.True(RouterConversation.EstimateTokens(turns[0].Text) <= 10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(8192)]
    public void Build_AnyBudget_EstimateNeverExceedsIt(int budget)
    {
        var messages = Enumerable.Range(0, 30)
            .Select(i => i % 2 == 0 ? User(new string('u', 37 * (i + 1))) : Assistant(new string('a', 1234)))
            .Append(User(new string('q', 100_000)))
            .ToList();
        var turns = RouterConversation.Build(messages, budget);
        Assert.NotEmpty(turns);
        Assert.True(turns.Sum(t => RouterConversation.EstimateTokens(t.Text)) <= budget);
        Assert.Equal(IrRole.User, turns[^1].Role);
    }

    [Fact]
    public void Build_SameInputTwice_SameTurns()
    {
        var messages = Enumerable.Range(0, 40).Select(i => User($"message {i} " + new string('z', i * 50))).ToList();
        Assert.Equal(RouterConversation.Build(messages, 300), RouterConversation.Build(messages, 300));
    }

    [Fact]
    public void Build_NoTextAtAll_Empty() =>
        Assert.Empty(RouterConversation.Build([new IrMessage(IrRole.System, [new IrTextPart("only system")])]));

    [Fact]
    public void Build_BudgetBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RouterConversation.Build([User("x")], 0));

    [Theory]
    [InlineData("abcdefghij", 10, "abcdefghij")]
    [InlineData("abcdefghijk", 10, "abc ... jk")]
    [InlineData("abcdefghijk", 5, "abcde")]
    [InlineData("abcdefghijk", 0, "")]
    public void TrimMiddle_Cases(string text, int maxChars, string expected) =>
        Assert.Equal(expected, RouterConversation.TrimMiddle(text, maxChars));

    [Fact]
    public void TrimMiddle_CutInsideSurrogatePair_NeverSplitsIt()
    {
        // "😀" is two UTF-16 code units. With 11 characters, 6 are text: the head would end after the high surrogate
        // of the first pair and the tail would start on the low surrogate of the second.
        var text = "ab😀" + new string('m', 20) + "😀cd";
        var trimmed = RouterConversation.TrimMiddle(text, 11);
        Assert.Equal("ab ... cd", trimmed);
    }
}
