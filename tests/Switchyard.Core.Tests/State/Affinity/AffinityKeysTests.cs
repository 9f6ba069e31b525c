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
}
