using Switchyard.Core.Configuration;

namespace Switchyard.Core.Tests.Configuration;

public class DurationParserTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("45", 45_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0.25", 250)]
    public void TryParse_ValidDuration_ReturnsValue(string text, int milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("30x")]
    [InlineData("thirty")]
    [InlineData("1d")]
    [InlineData("30 s")]
    [InlineData("1e3")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}
