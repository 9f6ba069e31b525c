using Switchyard.Core.Ir;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Tests.Routing;

public class UserTurnTests
{
    private static IrMessage User(params IrPart[] parts) => new(IrRole.User, parts);

    private static IrMessage Text(IrRole role, string text) => new(role, [new IrTextPart(text)]);

    [Fact]
    public void IsUserTurn_UserText_True()
        => Assert.True(UserTurn.IsUserTurn([Text(IrRole.User, "hi")]));

    [Fact]
    public void IsUserTurn_ImageWithoutCaption_True()
        => Assert.True(UserTurn.IsUserTurn([User(new IrImagePart { Url = "https://x/a.png" })]));

    [Fact]
    public void IsUserTurn_TextAroundReminder_True()
        => Assert.True(UserTurn.IsUserTurn([Text(IrRole.User, "<system-reminder>todo list</system-reminder>\nnow add tests")]));

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("<system-reminder>the todo list changed</system-reminder>")]
    [InlineData("<system-reminder>a</system-reminder> <user-prompt-submit-hook>b</user-prompt-submit-hook>")]
    [InlineData("<system-reminder>truncated envelope without its close")]
    public void IsUserTurn_EmptyOrOnlyEnvelopes_False(string text)
        => Assert.False(UserTurn.IsUserTurn([Text(IrRole.User, "do it"), Text(IrRole.Assistant, "ok"), Text(IrRole.User, text)]));

    [Fact]
    public void IsUserTurn_ToolResultOrAssistantTail_False()
    {
        var tool = new IrMessage(IrRole.Tool, [new IrToolResultPart("c1", [new IrTextPart("42")])]);

        Assert.False(UserTurn.IsUserTurn([Text(IrRole.User, "hi"), tool]));
        Assert.False(UserTurn.IsUserTurn([Text(IrRole.User, "hi"), Text(IrRole.Assistant, "partial")]));
        Assert.False(UserTurn.IsUserTurn([]));
    }

    [Fact]
    public void Describe_NamesTheTail()
    {
        Assert.Equal("the last turn is a tool result", UserTurn.Describe([new IrMessage(IrRole.Tool, [new IrToolResultPart("c", [])])]));
        Assert.Equal("the last turn is assistant output", UserTurn.Describe([Text(IrRole.Assistant, "x")]));
        Assert.StartsWith("the last user turn holds no user text", UserTurn.Describe([Text(IrRole.User, "")]), StringComparison.Ordinal);
    }
}
