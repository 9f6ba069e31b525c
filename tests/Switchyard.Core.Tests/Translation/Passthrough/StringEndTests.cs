using Switchyard.Core.Translation.Passthrough;
using static Switchyard.Core.Tests.Translation.Passthrough.UsageTapRecordings;

namespace Switchyard.Core.Tests.Translation.Passthrough;

/// <summary>
/// The vectorised scans of the whole-body usage read (<see cref="TopLevelMember.StringEnd"/>, which skips escapes,
/// <see cref="UsageObjectScanner.PlainStringEnd"/>, which stops at anything but plain printable ASCII, and
/// <see cref="TopLevelMember.ClosesRootAtEnd"/>, the walk from a value's end to the root's) against the byte-by-byte
/// loops they replaced: every string start of every recording, and generated strings with a
/// stop byte of every value at every offset, starting at every alignment, cut at every length (so the sixteen-byte
/// steps meet the end of the span everywhere).
/// </summary>
public sealed class StringEndTests
{
    // The loops as they were before the vectorised scan.
    private static int ReferenceStringEnd(ReadOnlySpan<byte> json, int from)
    {
        var p = from;
        while (p < json.Length)
        {
            var b = json[p];
            if (b == (byte)'"')
            {
                return p;
            }

            p += b == (byte)'\\' ? 2 : 1;
        }

        return -1;
    }

    private static int ReferencePlainStringEnd(ReadOnlySpan<byte> json, int from)
    {
        for (var p = from; p < json.Length; p++)
        {
            var b = json[p];
            if (b == (byte)'"')
            {
                return p;
            }

            if (b < 0x20 || b >= 0x7F || b == (byte)'\\')
            {
                return -1;
            }
        }

        return -1;
    }

    private static bool ReferenceClosesRootAtEnd(ReadOnlySpan<byte> json, int from)
    {
        var depth = 1;
        for (var i = from; i < json.Length; i++)
        {
            switch (json[i])
            {
                case (byte)'"':
                    var end = ReferenceStringEnd(json, i + 1);
                    if (end < 0)
                    {
                        return false;
                    }

                    i = end;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (--depth == 0)
                    {
                        var rest = i + 1;
                        while (rest < json.Length && json[rest] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                        {
                            rest++;
                        }

                        return json[i] == (byte)'}' && rest == json.Length;
                    }

                    break;
            }
        }

        return false;
    }

    private static void AssertBoth(byte[] json, int from)
    {
        Assert.Equal(ReferenceClosesRootAtEnd(json, from), TopLevelMember.ClosesRootAtEnd(json, from));
        Assert.Equal(ReferenceStringEnd(json, from), TopLevelMember.StringEnd(json, from));
        Assert.Equal(ReferencePlainStringEnd(json, from), UsageObjectScanner.PlainStringEnd(json, from));
    }

    [Fact]
    public void EveryQuoteOfEveryRecording_SameEndAsTheByteLoop()
    {
        var checkedStarts = 0;
        foreach (var kind in Enum.GetValues<Kind>())
        {
            foreach (var r in All(kind))
            {
                var bytes = Bytes((string)r[0], (string)r[1]);
                for (var i = 0; i < bytes.Length; i++)
                {
                    if (bytes[i] == (byte)'"')
                    {
                        AssertBoth(bytes, i + 1);
                        checkedStarts++;
                    }
                }
            }
        }

        Assert.True(checkedStarts > 10_000, $"expected many strings in the recordings, found {checkedStarts}");
    }

    /// <summary>The walk to the root's end from every position of every recorded body's last 1,500 bytes.</summary>
    [Fact]
    public void ClosesRootAtEnd_FromEveryPositionOfTheRecordedBodies_SameAsTheByteWalk()
    {
        var closes = 0;
        foreach (var r in All(Kind.Body))
        {
            var bytes = Bytes((string)r[0], (string)r[1]);
            for (var from = Math.Max(0, bytes.Length - 1500); from <= bytes.Length; from++)
            {
                var expected = ReferenceClosesRootAtEnd(bytes, from);
                Assert.Equal(expected, TopLevelMember.ClosesRootAtEnd(bytes, from));
                closes += expected ? 1 : 0;
            }
        }

        Assert.True(closes > 1000, $"expected many positions inside the root object, found {closes}");
    }

    /// <summary>Random structure and escapes, dense and sparse, so backslashes and brackets fall on every block edge.</summary>
    [Fact]
    public void ClosesRootAtEnd_RandomStructure_SameAsTheByteWalk()
    {
        var random = new Random(20261204);
        byte[] alphabet = [(byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)' ', (byte)'\n', (byte)',', (byte)':', 0x5B | 0x20, 0x7D, 0xC3, (byte)';', (byte)'=', (byte)'}'];
        var closes = 0;
        for (var round = 0; round < 6000; round++)
        {
            var json = new byte[random.Next(0, 120)];
            var density = random.Next(1, 20);
            for (var k = 0; k < json.Length; k++)
            {
                json[k] = random.Next(density) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)('a' + (k % 26));
            }

            if (json.Length > 0 && random.Next(2) == 0)
            {
                json[^1] = (byte)'}';
            }

            for (var from = 0; from <= Math.Min(json.Length, 18); from++)
            {
                var expected = ReferenceClosesRootAtEnd(json, from);
                Assert.Equal(expected, TopLevelMember.ClosesRootAtEnd(json, from));
                closes += expected ? 1 : 0;
            }
        }

        Assert.True(closes > 500, $"expected the generator to close the root often, found {closes}");
    }

    [Fact]
    public void StopByteOfEveryValue_AtEveryOffset_EveryAlignmentAndLength()
    {
        var stopsSeen = 0;
        for (var value = 0; value < 256; value++)
        {
            for (var offset = 0; offset < 34; offset++)
            {
                // A plain run, the byte under test, then a quote and more plain text (so an escape has something to skip).
                var buffer = new byte[offset + 40];
                for (var k = 0; k < buffer.Length; k++)
                {
                    buffer[k] = (byte)('a' + (k % 26));
                }

                buffer[offset] = (byte)value;
                buffer[offset + 2] = (byte)'"';
                for (var from = 0; from <= Math.Min(offset, 17); from++)
                {
                    for (var length = from; length <= buffer.Length; length++)
                    {
                        var json = buffer[..length];
                        AssertBoth(json, from);
                        if (length > offset + 2 && ReferencePlainStringEnd(json, from) < 0)
                        {
                            stopsSeen++; // a decline before the quote: the byte under test stopped the plain scan
                        }
                    }
                }
            }
        }

        Assert.True(stopsSeen > 10_000, $"expected many declines on stop bytes, found {stopsSeen}");
    }

    [Fact]
    public void EscapesAndLongStrings_SameEndAsTheByteLoop()
    {
        var random = new Random(20261203);
        byte[] alphabet = [(byte)'a', (byte)'"', (byte)'\\', (byte)'u', (byte)' ', 0x7F, 0x1F, 0xC3, 0xA9, (byte)'~'];
        for (var round = 0; round < 4000; round++)
        {
            var json = new byte[random.Next(0, 200)];
            var density = random.Next(1, 60); // one special byte in `density`: from dense escapes to long plain runs
            for (var k = 0; k < json.Length; k++)
            {
                json[k] = random.Next(density) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)('0' + (k % 10));
            }

            for (var from = 0; from <= Math.Min(json.Length, 20); from++)
            {
                AssertBoth(json, from);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(300)]
    public void BackslashRunsAcrossSixteenByteSteps_SameEndAsTheByteLoop(int plain)
    {
        for (var backslashes = 0; backslashes < 40; backslashes++)
        {
            var text = new string('x', plain) + new string('\\', backslashes) + "\"tail\"";
            var json = System.Text.Encoding.ASCII.GetBytes(text);
            AssertBoth(json, 0);
            var expected = backslashes % 2 == 0 ? plain + backslashes : text.Length - 1;
            Assert.Equal(expected, TopLevelMember.StringEnd(json, 0));
        }
    }
}
