using System.Text;
using System.Text.Json;
using Switchyard.Protocols.Json;

namespace Switchyard.Protocols.Tests.Json;

/// <summary>JSON's number grammar, as the scanners use it, against the JSON reader's.</summary>
public class JsonGrammarTests
{
    [Theory]
    [InlineData("0", 1)]
    [InlineData("-0", 2)]
    [InlineData("12", 2)]
    [InlineData("01", 1)] // a number "0", then a stray digit for the caller to refuse
    [InlineData("1.25", 4)]
    [InlineData("1e9", 3)]
    [InlineData("-1.5E-07", 8)]
    [InlineData("2e+3,", 4)]
    [InlineData("-", -1)]
    [InlineData("1.", -1)]
    [InlineData(".5", -1)]
    [InlineData("1e", -1)]
    [InlineData("1e+", -1)]
    [InlineData("+1", -1)]
    [InlineData("", -1)]
    public void NumberEnd(string text, int end) => Assert.Equal(end, JsonGrammar.NumberEnd(Encoding.ASCII.GetBytes(text), 0));

    [Theory]
    [InlineData("x", 0, 0)]
    [InlineData(" \t\r\nx", 0, 4)]
    [InlineData("a  b", 1, 3)]
    [InlineData("   ", 0, 3)] // only whitespace: the end
    [InlineData("\f x", 0, 0)] // form feed and other control bytes are not JSON whitespace
    [InlineData("\u00a0x", 0, 0)]
    [InlineData("ab", 2, 2)] // at the end already
    public void SkipWhitespace(string text, int from, int end)
        => Assert.Equal(end, JsonGrammar.SkipWhitespace(Encoding.Latin1.GetBytes(text), from));

    [Fact]
    public void NumberEnd_AgreesWithTheReader_OnEveryShortCandidate()
    {
        // Every string of up to 4 characters over the number alphabet: where NumberEnd takes the whole string, the
        // reader accepts it as a number, and the other way round.
        var alphabet = "-+.eE019".ToCharArray();
        var checkedCount = 0;
        foreach (var text in Strings(alphabet, 4))
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            var whole = JsonGrammar.NumberEnd(bytes, 0) == bytes.Length;
            bool reader;
            try
            {
                var r = new Utf8JsonReader(bytes);
                reader = r.Read() && r.TokenType == JsonTokenType.Number && !r.Read();
            }
            catch (JsonException)
            {
                reader = false;
            }

            Assert.True(whole == reader, $"'{text}': NumberEnd says {whole}, the reader {reader}");
            checkedCount++;
        }

        Assert.Equal(8 + 64 + 512 + 4096, checkedCount);
    }

    private static IEnumerable<string> Strings(char[] alphabet, int maxLength)
    {
        var current = new List<string> { "" };
        for (var length = 1; length <= maxLength; length++)
        {
            current = [.. current.SelectMany(prefix => alphabet.Select(c => prefix + c))];
            foreach (var s in current)
            {
                yield return s;
            }
        }
    }
}
