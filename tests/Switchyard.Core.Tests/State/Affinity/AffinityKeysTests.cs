using Switchyard.Core.Ir;
using Switchyard.Core.State.Affinity;

namespace Switchyard.Core.Tests.State.Affinity;

public class AffinityKeysTests
{
    [Theory]
    [InlineData("abc", null, "plano:affinity:abc")]
    [InlineData("abc", "", "plano:affinity:abc")]
    [InlineData("abc", "acme", "plano:affinity:acme:abc")]
    [InlineData("9f3c-42", "tenant-7", "plano:affinity:tenant-7:9f3c-42")]
    public void TryBuild_PlanoRedisLayout(string id, string? tenant, string expected)
    {
        Assert.True(AffinityKeys.TryBuild(id, tenant, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("a\nb", null)]
    [InlineData("abc", "bad\ttenant")]
    public void TryBuild_InvalidParts_False(string? id, string? tenant)
    {
        Assert.False(AffinityKeys.TryBuild(id, tenant, out var key));
        Assert.Equal("", key);
    }

    [Fact]
    public void TryBuild_OverlongParts_False()
    {
        var longPart = new string('x', AffinityKeys.MaxPartLength + 1);
        var maxPart = new string('x', AffinityKeys.MaxPartLength);

        Assert.False(AffinityKeys.TryBuild(longPart, null, out _));
        Assert.False(AffinityKeys.TryBuild("abc", longPart, out _));
        Assert.True(AffinityKeys.TryBuild(maxPart, maxPart, out _));
    }

    private static IrMessage Text(IrRole role, string text) => new(role, [new IrTextPart(text)]);

    [Fact]
    public void ImplicitSessionId_StableAsTheConversationGrows()
    {
        var turn1 = AffinityKeys.ImplicitSessionId([Text(IrRole.User, "fix the bug in main.rs")]);
        var turn5 = AffinityKeys.ImplicitSessionId([
            Text(IrRole.User, "fix the bug in main.rs"), Text(IrRole.Assistant, "done"),
            Text(IrRole.User, "now add tests"), Text(IrRole.Assistant, "added"),
        ]);

        Assert.Equal(turn1, turn5);
        Assert.Matches("^implicit:[0-9a-f]{16}$", turn1);
    }

    [Fact]
    public void ImplicitSessionId_DifferentFirstUserMessage_DifferentSession()
        => Assert.NotEqual(
            AffinityKeys.ImplicitSessionId([Text(IrRole.User, "conversation A")]),
            AffinityKeys.ImplicitSessionId([Text(IrRole.User, "conversation B")]));

    [Fact]
    public void ImplicitSessionId_NoUserMessage_Null()
        => Assert.Null(AffinityKeys.ImplicitSessionId([Text(IrRole.Assistant, "hello")]));
}
