using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Protocols.Tests.OpenAIChat;

/// <summary>
/// The one-pass envelope scan (PlainEnvelopeScanner) against the JSON reader it stands in for: on every body, what
/// <see cref="RequestEnvelope.TryScan(ReadOnlySpan{byte}, out RequestEnvelope, out string?, out string?)"/> answers
/// (result, envelope, error text and code) equals what the reader alone answers, and whenever the fast scan accepts a
/// body the reader accepts it with the same envelope. Bodies: everything in ../shared/fixtures, the bench bodies,
/// generated JSON (escapes, unicode, numbers, duplicates, deep nesting, the envelope's members in every shape) and
/// mutations of it (truncated, bytes changed, inserted, deleted, trailing data, a byte order mark).
/// </summary>
public class RequestEnvelopeEquivalenceTests
{
    [Fact]
    public void RecordedBodies_SameAnswerAsTheReader_AndTheFastScanTakesThem()
    {
        var files = Directory.EnumerateFiles(Find("fixtures"), "*.json", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Find("bench"), "*.json", SearchOption.AllDirectories)).ToList();
        Assert.True(files.Count > 40, $"only {files.Count} recorded JSON files found");
        int objects = 0, fast = 0;
        foreach (var file in files)
        {
            var body = File.ReadAllBytes(file);
            var accepted = AssertSameAsReader(body, file);
            if (accepted)
            {
                objects++;
                fast += PlainEnvelopeScanner.TryScan(body, out _) ? 1 : 0;
            }
        }

        // The fast scan must be what serves ordinary bodies, not a path that always gives up.
        Assert.True(fast * 10 >= objects * 9, $"fast scan took {fast} of {objects} well-formed recorded objects");
        foreach (var name in new[] { "chat.json", "chat-stream.json", "messages.json", "xlate-stream.json" })
        {
            Assert.True(PlainEnvelopeScanner.TryScan(File.ReadAllBytes(Path.Combine(Find("bench"), "bodies", name)), out _), name);
        }
    }

    [Fact]
    public void GeneratedAndMutatedBodies_SameAnswerAsTheReader()
    {
        var random = new Random(20261203);
        int fast = 0, total = 0;
        for (var n = 0; n < 6000; n++)
        {
            var text = new StringBuilder();
            Body(random, text);
            var body = Encoding.UTF8.GetBytes(text.ToString());
            total++;
            if (AssertSameAsReader(body, text.ToString()) && PlainEnvelopeScanner.TryScan(body, out _))
            {
                fast++;
            }

            for (var m = 0; m < 4; m++)
            {
                var mutated = Mutate(random, body);
                total++;
                AssertSameAsReader(mutated, Convert.ToBase64String(mutated));
            }
        }

        Assert.True(fast > 2000, $"the fast scan accepted only {fast} generated bodies");
        Assert.Equal(30000, total);
    }

    [Theory]
    [InlineData("{\"model\":\"a\\u0062c\"}")] // escaped model: the reader unescapes it
    [InlineData("{\"mo\\u0064el\":\"x\"}")] // escaped member name
    [InlineData("{\"messages\":\"\\ud800\"}")] // a lone surrogate escape
    [InlineData("{\"messages\":\"\\uD83D\\uDE00\"}")]
    [InlineData("{\"messages\":\"\\ud83d\\u0041\"}")]
    [InlineData("{\"messages\":\"\\udc00\\ud800\"}")]
    [InlineData("{\"messages\":\"\\ud83d\"}")]
    [InlineData("{\"messages\":\"\\\\ud800\"}")]
    [InlineData("\uFEFF{\"model\":\"x\"}")] // byte order mark
    [InlineData("{\"model\":\"x\",}")]
    [InlineData("{\"a\":[1,]}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("{\"a\":truex}")]
    [InlineData("{\"a\":\"x\ty\"}")] // a raw control character in a string
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1}{}")]
    [InlineData("{\"model\":null,\"model\":\"b\"}")]
    [InlineData("{\"stream\":true,\"stream\":null}")]
    [InlineData("{\"stream_options\":{\"include_usage\":true,\"include_usage\":{\"include_usage\":true}}}")]
    [InlineData("{\"stream_options\":[{\"include_usage\":true}],\"stream\":false}")]
    [InlineData("{\"routing_preferences\":[{\"name\":\"a\"}] , \"model\" : \"m\" }")]
    [InlineData("{\"routing_preferences\":\"text\"}")]
    [InlineData("  {}  ")]
    [InlineData("{\"a\":{\"b\":[[[[{}]]]]},\"c\":-0.5E+3,\"d\":1E-7}")]
    public void EdgeCases_SameAnswerAsTheReader(string json) => AssertSameAsReader(Encoding.UTF8.GetBytes(json), json);

    [Fact]
    public void NestingPastTheFastScansLimit_LeftToTheReader()
    {
        foreach (var depth in new[] { PlainEnvelopeScanner.MaxDepth - 1, PlainEnvelopeScanner.MaxDepth, PlainEnvelopeScanner.MaxDepth + 1, 255, 256, 257, 300 })
        {
            var json = "{\"a\":" + new string('[', depth) + new string(']', depth) + ",\"model\":\"m\"}";
            AssertSameAsReader(Encoding.UTF8.GetBytes(json), $"depth {depth}");
        }

        var deep = "{\"a\":" + new string('[', 300) + new string(']', 300) + "}";
        Assert.False(PlainEnvelopeScanner.TryScan(Encoding.UTF8.GetBytes(deep), out _));
        Assert.False(RequestEnvelope.TryScan(Encoding.UTF8.GetBytes(deep), out _, out _)); // past the reader's 256 too
    }

    // The full answer equals the reader's; a fast accept (of UTF-8: TryScan checks that first) equals the reader's
    // envelope. Returns whether the body was accepted.
    private static bool AssertSameAsReader(byte[] body, string label)
    {
        var actual = RequestEnvelope.TryScan(body, out var envelope, out var error, out var code);
        bool expected;
        RequestEnvelope expectedEnvelope;
        string? expectedError, expectedCode;
        if (!Utf8.IsValid(body))
        {
            (expected, expectedEnvelope, expectedCode) = (false, default, RequestEnvelope.InvalidUtf8Code);
            expectedError = error; // the UTF-8 message is not the reader's; its code is checked
        }
        else
        {
            expected = RequestEnvelope.TryScanWithReader(body, out expectedEnvelope, out expectedError, out expectedCode);
        }

        if ((actual, envelope, error, code) != (expected, expectedEnvelope, expectedError, expectedCode))
        {
            Assert.Fail($"{label}\n  got      {actual} {envelope} {error} {code}\n  expected {expected} {expectedEnvelope} {expectedError} {expectedCode}");
        }

        if (Utf8.IsValid(body) && PlainEnvelopeScanner.TryScan(body, out var fast) && (!expected || fast != expectedEnvelope))
        {
            Assert.Fail($"{label}\n  fast scan accepted {fast}\n  reader: {expected} {expectedEnvelope} {expectedError}");
        }

        return actual;
    }

    private static readonly string[] Names =
        ["model", "stream", "stream_options", "routing_preferences", "include_usage", "messages", "content", "role",
         "mo\\u0064el", "stream\\n", "", "x", "é", "max_tokens"];

    private static readonly string[] Strings =
        ["gpt-4o-mini", "", "anthropic/claude-3-5-sonnet", "a\\\"b", "line\\nbreak", "tab\\tand\\\\slash\\/", "caf\u00e9",
         "\u65e5\u672c\u8a9e", "\U0001F600", "\\u00e9", "\\u00E9\\u4e2d", "\\ud83d\\ude00", "\\ud800", "\\uDFFF", "\\uD83D\\uDE00", "\\ud83d\\u0041", "\\\\ud800", "\\b\\f\\r",
         "mock/*", "  spaced  "];

    private static readonly string[] Numbers =
        ["0", "-0", "1", "-1", "0.5", "1.5e10", "1E-7", "-0.0e+5", "256", "123456789012345678901234567890", "3.14159"];

    private static void Body(Random r, StringBuilder s)
    {
        switch (r.Next(20))
        {
            case 0:
                Value(r, s, 0);
                return; // any value at the root, mostly not an object
            case 1:
                s.Append('{').Append('"').Append(Names[r.Next(Names.Length)]).Append("\":");
                s.Append(new string('[', 60 + r.Next(10)));
                return; // deep and unterminated
        }

        Ws(r, s);
        s.Append('{');
        var members = r.Next(7);
        for (var m = 0; m < members; m++)
        {
            if (m > 0)
            {
                s.Append(',');
            }

            Ws(r, s);
            var name = r.Next(3) == 0 ? Names[r.Next(Names.Length)] : Names[r.Next(4)];
            s.Append('"').Append(name).Append('"');
            Ws(r, s);
            s.Append(':');
            Ws(r, s);
            EnvelopeValue(r, s, name);
            Ws(r, s);
        }

        s.Append('}');
        Ws(r, s);
    }

    // The envelope's members get mostly the shapes clients send, sometimes any value.
    private static void EnvelopeValue(Random r, StringBuilder s, string name)
    {
        if (r.Next(5) == 0)
        {
            Value(r, s, 1);
            return;
        }

        switch (name)
        {
            case "model":
                if (r.Next(6) == 0)
                {
                    s.Append("null");
                }
                else
                {
                    s.Append('"').Append(Strings[r.Next(Strings.Length)]).Append('"');
                }

                break;
            case "stream":
                s.Append(r.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
            case "stream_options":
                s.Append('{');
                var n = r.Next(3);
                for (var i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        s.Append(',');
                    }

                    s.Append(r.Next(3) == 0 ? "\"other\"" : "\"include_usage\"").Append(':');
                    if (r.Next(2) == 0)
                    {
                        s.Append(r.Next(2) == 0 ? "true" : "false");
                    }
                    else
                    {
                        Value(r, s, 2);
                    }
                }

                s.Append('}');
                break;
            default:
                Value(r, s, 1);
                break;
        }
    }

    private static void Value(Random r, StringBuilder s, int depth)
    {
        var kind = depth > 5 ? r.Next(4) : r.Next(7);
        switch (kind)
        {
            case 0:
                s.Append('"').Append(Strings[r.Next(Strings.Length)]).Append('"');
                break;
            case 1:
                s.Append(Numbers[r.Next(Numbers.Length)]);
                break;
            case 2:
                s.Append(r.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
            case 3:
                s.Append("\"").Append(Strings[r.Next(Strings.Length)]).Append(Strings[r.Next(Strings.Length)]).Append('"');
                break;
            case 4:
            case 5:
                s.Append('{');
                var members = r.Next(4);
                for (var m = 0; m < members; m++)
                {
                    if (m > 0)
                    {
                        s.Append(',');
                    }

                    Ws(r, s);
                    s.Append('"').Append(Names[r.Next(Names.Length)]).Append("\":");
                    Ws(r, s);
                    Value(r, s, depth + 1);
                }

                s.Append('}');
                break;
            default:
                s.Append('[');
                var items = r.Next(4);
                for (var m = 0; m < items; m++)
                {
                    if (m > 0)
                    {
                        s.Append(',');
                    }

                    Ws(r, s);
                    Value(r, s, depth + 1);
                    Ws(r, s);
                }

                s.Append(']');
                break;
        }
    }

    private static void Ws(Random r, StringBuilder s)
    {
        if (r.Next(3) == 0)
        {
            s.Append(" \n\t\r  "[r.Next(6)..][..1]);
        }
    }

    private static readonly byte[] Interesting =
        "\"\\,:{}[]x0 -.eE+tfnu\n"u8.ToArray().Concat(new byte[] { 0x01, 0x1F, 0x7F, 0xC3, 0xA9, 0xEF, 0xBB, 0xBF, 0xFF }).ToArray();

    private static byte[] Mutate(Random r, byte[] body)
    {
        if (body.Length == 0)
        {
            return [(byte)'{'];
        }

        var at = r.Next(body.Length);
        var b = Interesting[r.Next(Interesting.Length)];
        return r.Next(6) switch
        {
            0 => body[..at],
            1 => [.. body[..at], b, .. body[(at + 1)..]],
            2 => [.. body[..at], b, .. body[at..]],
            3 => [.. body[..at], .. body[(at + 1)..]],
            4 => [.. body, .. "x"u8.ToArray()],
            _ => [0xEF, 0xBB, 0xBF, .. body],
        };
    }

    private static string Find(string what, [CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = start.Length == 0 ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", what);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"shared/{what} not found above {AppContext.BaseDirectory} or {sourceFile}");
    }
}
