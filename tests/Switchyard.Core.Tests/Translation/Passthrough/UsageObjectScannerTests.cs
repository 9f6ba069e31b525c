using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Passthrough;
using static Switchyard.Core.Tests.Translation.Passthrough.UsageTapRecordings;

namespace Switchyard.Core.Tests.Translation.Passthrough;

/// <summary>
/// The one-pass usage read of a whole body (<see cref="UsageObjectScanner"/>) against the path it replaces — the
/// structural walk to the value's end, then <see cref="UsageTap.ApplyBodyUsage"/>'s Utf8JsonReader — over the recorded
/// answers, every usage object found in any recording read as every protocol, and edited and broken variants.
/// </summary>
public sealed class UsageObjectScannerTests
{
    private const string Bench = """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":24,"completion_tokens":18,"total_tokens":42,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_560af6e559"}""";

    private static readonly UpstreamProtocol[] Protocols = Enum.GetValues<UpstreamProtocol>();

    // The old OnCompleteBody: structural search and walk, then the reader over the value. Exceptions are results too.
    private static (IrUsage? Usage, string? Error) Old(UpstreamProtocol protocol, byte[] body)
    {
        using var tap = new UsageTap(protocol, captureModel: false);
        var name = tap.UsageMember.ToArray();
        try
        {
            if (TopLevelMember.TryFindFromEnd(body, name, out var usage) || TopLevelMember.TryFind(body, name, out usage))
            {
                if (!usage.IsEmpty && usage[0] == (byte)'{')
                {
                    tap.ApplyBodyUsage(usage);
                }
            }
            else
            {
                tap.OnBodyChunk(body);
                tap.OnBodyEnd();
            }
        }
        catch (JsonException e)
        {
            return (tap.Usage, e.GetType().Name);
        }

        return (tap.Usage, null);
    }

    private static (IrUsage? Usage, string? Error) New(UpstreamProtocol protocol, byte[] body)
    {
        using var tap = new UsageTap(protocol, captureModel: false);
        try
        {
            tap.OnCompleteBody(body);
        }
        catch (JsonException e)
        {
            return (tap.Usage, e.GetType().Name);
        }

        return (tap.Usage, null);
    }

    // The scanner on one value against the structural end and the reader; true when it read the value itself.
    private static bool ScannerAgreesWithReader(UpstreamProtocol protocol, byte[] json, int start = 0)
    {
        var scanner = new UsageObjectScanner(protocol);
        var end = scanner.End(json, start);
        Assert.Equal(TopLevelMember.ValueEnd(json, start), end);
        if (!scanner.Parsed)
        {
            return false;
        }

        using var viaScanner = new UsageTap(protocol, captureModel: false);
        viaScanner.ApplyScannedUsage(scanner);
        using var viaReader = new UsageTap(protocol, captureModel: false);
        viaReader.ApplyBodyUsage(json.AsSpan(start, end - start)); // a parsed value is valid JSON: this must not throw
        Assert.Equal(viaReader.Usage, viaScanner.Usage);
        return true;
    }

    private static void AssertSame(UpstreamProtocol protocol, byte[] body)
        => Assert.True(Old(protocol, body) == New(protocol, body), $"{protocol}: {Encoding.UTF8.GetString(body)}: old {Old(protocol, body)}, new {New(protocol, body)}");

    private static void AssertSame(UpstreamProtocol protocol, string body) => AssertSame(protocol, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void BenchmarkAnswer_ReadInOnePass_SameUsage()
    {
        var body = Encoding.UTF8.GetBytes(Bench);
        var scanner = new UsageObjectScanner(UpstreamProtocol.OpenAIChat);
        Assert.True(TopLevelMember.TryFindFromEnd(body, "usage"u8, ref scanner, out var usage));
        Assert.True(scanner.Parsed);
        Assert.StartsWith("{\"prompt_tokens\":24", Encoding.UTF8.GetString(usage), StringComparison.Ordinal);
        Assert.Equal(new IrUsage { InputTokens = 24, OutputTokens = 18, CachedInputTokens = 0, ReasoningTokens = 0 }, New(UpstreamProtocol.OpenAIChat, body).Usage);
        foreach (var protocol in Protocols)
        {
            AssertSame(protocol, body);
        }
    }

    [Fact]
    public void RecordedBodies_EveryProtocol_SameUsageAsTheReader()
    {
        var parsed = 0;
        foreach (var r in All(Kind.Body))
        {
            var (folder, file) = ((string)r[0], (string)r[1]);
            var body = Bytes(folder, file);
            foreach (var protocol in Protocols)
            {
                AssertSame(protocol, body);
            }

            var own = Protocol(folder);
            var scanner = new UsageObjectScanner(own);
            using var tap = new UsageTap(own, captureModel: false);
            if (TopLevelMember.TryFindFromEnd(body, tap.UsageMember, ref scanner, out var usage) && !usage.IsEmpty && scanner.Parsed)
            {
                parsed++;
            }
        }

        Assert.True(parsed > 20, $"the one-pass read should take most recorded bodies, took {parsed}");
    }

    /// <summary>Every usage object in every recording (bodies and stream events), read as every protocol.</summary>
    [Fact]
    public void EveryRecordedUsageObject_ReadAsEveryProtocol_SameAsTheReader()
    {
        var parsed = new HashSet<UpstreamProtocol>();
        var objects = 0;
        foreach (var kind in Enum.GetValues<Kind>())
        {
            foreach (var r in All(kind))
            {
                var bytes = Bytes((string)r[0], (string)r[1]);
                foreach (var start in UsageObjectStarts(bytes))
                {
                    objects++;
                    foreach (var protocol in Protocols)
                    {
                        if (ScannerAgreesWithReader(protocol, bytes, start))
                        {
                            parsed.Add(protocol);
                        }
                    }
                }
            }
        }

        Assert.True(objects > 100, $"expected many usage objects in the recordings, found {objects}");
        Assert.Equal(Protocols.Length, parsed.Count);
    }

    private static IEnumerable<int> UsageObjectStarts(byte[] bytes)
    {
        foreach (var needle in new[] { "\"usage\":"u8.ToArray(), "\"usageMetadata\":"u8.ToArray() })
        {
            for (var from = 0; ;)
            {
                var hit = bytes.AsSpan(from).IndexOf(needle);
                if (hit < 0)
                {
                    break;
                }

                var start = from + hit + needle.Length;
                while (start < bytes.Length && bytes[start] == (byte)' ')
                {
                    start++;
                }

                if (start < bytes.Length && bytes[start] == (byte)'{' && TopLevelMember.ValueEnd(bytes, start) > 0)
                {
                    yield return start;
                }

                from = start;
            }
        }
    }

    [Theory]
    // Escapes: in a key the reader unescapes (the scanner declines and the reader reads it); in a skipped string.
    [InlineData("""{"usage":{"prompt\u005ftokens":5,"completion_tokens":2}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"note":"a \"quoted\" \\ word","completion_tokens":2}}""")]
    [InlineData("""{"usage":{"input_tokens":5,"output_tokens":2,"cache_read_input_tokens":3,"cache_creation_input_tokens":1}}""")]
    [InlineData("""{"usage":{"inputTokens":5,"outputTokens":2,"cacheReadInputTokens":3,"cacheWriteInputTokens":1,"totalTokens":11}}""")]
    [InlineData("""{"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"thoughtsTokenCount":4,"toolUsePromptTokenCount":1,"cachedContentTokenCount":3,"promptTokensDetails":[{"modality":"TEXT","tokenCount":5}]}}""")]
    [InlineData("""{"usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":2,"cache_write_tokens":1},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":14}}""")]
    [InlineData("""{"usage":{"input_tokens":5,"input_tokens_details":null,"output_tokens":9,"output_tokens_details":7}}""")]
    // Whitespace everywhere JSON allows it.
    [InlineData(" {\r\n \"usage\" :\t{ \"prompt_tokens\" : 5 ,\n\"completion_tokens\"\t:\r2 , \"prompt_tokens_details\" : { \"cached_tokens\" : 1 } } \n} \n")]
    // Nested "usage" keys, usage not last, usage first.
    [InlineData("""{"choices":[{"message":{"tool_calls":[{"function":{"arguments":"{\"usage\":{\"prompt_tokens\":9}}"}}]},"usage":{"prompt_tokens":99}}],"usage":{"prompt_tokens":5,"completion_tokens":2},"tail":{"usage":{"prompt_tokens":7}}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2},"id":"x","choices":[]}""")]
    [InlineData("""{"id":"x","usage":{"prompt_tokens":5,"completion_tokens":2},"choices":[{"usage":{"prompt_tokens":1}}]}""")]
    // Nine nested "usage" keys after the root one: the search from the end gives up and the scan from the start reads it.
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2},"x":[{"usage":1},{"usage":2},{"usage":3},{"usage":4},{"usage":5},{"usage":6},{"usage":7},{"usage":8},{"usage":{"prompt_tokens":9}}]}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2,,},"x":[{"usage":1},{"usage":2},{"usage":3},{"usage":4},{"usage":5},{"usage":6},{"usage":7},{"usage":8},{"usage":9}]}""")]
    // xAI's reasoning apart from the completion (folded in), DeepSeek's cache hits.
    [InlineData("""{"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":19,"completion_tokens_details":{"reasoning_tokens":4}}}""")]
    [InlineData("""{"usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_cache_hit_tokens":6,"prompt_cache_miss_tokens":4}}""")]
    [InlineData("""{"usage":{"prompt_tokens":10,"prompt_cache_hit_tokens":6,"prompt_tokens_details":{"cached_tokens":2}}}""")]
    // Huge, negative, fractional, exponent, leading-zero and string numbers; null members and null details.
    [InlineData("""{"usage":{"prompt_tokens":999999999,"completion_tokens":1000000000}}""")]
    [InlineData("""{"usage":{"prompt_tokens":2147483647,"completion_tokens":2147483648}}""")]
    [InlineData("""{"usage":{"prompt_tokens":123456789012345678901234567890,"completion_tokens":3}}""")]
    [InlineData("""{"usage":{"prompt_tokens":-5,"completion_tokens":3.0,"total_tokens":1e2}}""")]
    [InlineData("""{"usage":{"prompt_tokens":05,"completion_tokens":3}}""")]
    [InlineData("""{"usage":{"prompt_tokens":"5","completion_tokens":null,"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":null}}}""")]
    [InlineData("""{"usage":{"prompt_tokens":0,"completion_tokens":0,"cost":0.00012,"big":-1.5E+300,"flag":true,"other":false,"none":null,"list":[1,[2,{}],"s"],"obj":{}}}""")]
    [InlineData("""{"usage":{"input_tokens":null,"output_tokens":4}}""")]
    // Repeated members (the reader's last-wins rules apply: the scanner declines).
    [InlineData("""{"usage":{"prompt_tokens":5,"prompt_tokens":6,"completion_tokens":2}}""")]
    [InlineData("""{"usage":{"prompt_tokens_details":{"cached_tokens":1},"prompt_tokens_details":{"audio_tokens":2}}}""")]
    [InlineData("""{"usage":{"prompt_tokens_details":{"cached_tokens":1,"cached_tokens":4}}}""")]
    [InlineData("""{"usage":{"input_tokens":5,"input_tokens":"x","output_tokens":2}}""")]
    // Null, empty, not an object.
    [InlineData("""{"usage":null}""")]
    [InlineData("""{"usage":{}}""")]
    [InlineData("""{"usage":[1,2]}""")]
    [InlineData("""{"usage":42}""")]
    [InlineData("""{"id":"no usage here"}""")]
    // Non-ASCII keys and values, control characters.
    [InlineData("""{"usage":{"prompt_tokens":5,"note":"héllo","completion_tokens":2}}""")]
    [InlineData("{\"usage\":{\"prompt_tokens\":5,\"note\":\"tab\there\",\"completion_tokens\":2}}")]
    // Malformed inside the usage object: the reader throws, as it did.
    [InlineData("""{"usage":{"prompt_tokens":5,,"completion_tokens":2}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2,}}""")]
    [InlineData("""{"usage":{"prompt_tokens" 5}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5 "completion_tokens":2}}""")]
    [InlineData("""{"usage":{"prompt_tokens":nul}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"x":tru}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"x":[1,]}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"x":{"a":1]}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"x":1.}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5x}}""")]
    [InlineData("""{"usage":{prompt_tokens:5}}""")]
    // Truncated or with something after the root.
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2}}}""")]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2}} x""")]
    [InlineData("""[{"usage":{"prompt_tokens":5}}]""")]
    public void EdgeCases_EveryProtocol_SameAsTheOldPath(string body)
    {
        foreach (var protocol in Protocols)
        {
            AssertSame(protocol, body);
        }
    }

    /// <summary>
    /// Numbers of every form as a wanted member (read as an integer or declined) and as a skipped one (its end found
    /// without the general grammar when plain), mid-object and as the last bytes of the span.
    /// </summary>
    [Fact]
    public void NumbersOfEveryForm_WantedOrSkipped_SameAsTheReader()
    {
        string[] numbers = ["0", "00", "01", "7", "10", "123456789", "999999999", "1000000000", "0123456789", "12345678901", "-0", "-5", "0.5", "5.", "5.0", "1e3", "1E3", "0e1", "0E+1", "1e", "5x", "0x", "-", "--1", "1.5e-3", "7 ", "null", "nul", "true"];
        string[] wanted = ["prompt_tokens", "input_tokens", "promptTokenCount", "inputTokens"];
        foreach (var number in numbers)
        {
            foreach (var key in wanted)
            {
                foreach (var json in new[] { "{\"" + key + "\":" + number + "}", "{\"" + key + "\":" + number + ",\"x\":1}", "{\"x\":" + number + ",\"" + key + "\":3}", "{\"x\":[" + number + "],\"" + key + "\":3}" })
                {
                    var bytes = Encoding.UTF8.GetBytes(json);
                    foreach (var protocol in Protocols)
                    {
                        AssertSame(protocol, Encoding.UTF8.GetBytes("{\"usage\":" + json + "}"));
                        AssertSame(protocol, Encoding.UTF8.GetBytes("{\"usageMetadata\":" + json + "}"));
                        for (var cut = 1; cut <= bytes.Length; cut++)
                        {
                            ScannerAgreesWithReaderOrDeclines(protocol, bytes[..cut]);
                        }
                    }
                }
            }
        }
    }

    // The scanner's end is the structural one; a value it parsed reads the same as with the reader (a value it declines
    // may be malformed: the reader's exception is the old path's, checked by AssertSame).
    private static void ScannerAgreesWithReaderOrDeclines(UpstreamProtocol protocol, byte[] json)
    {
        var scanner = new UsageObjectScanner(protocol);
        var end = scanner.End(json, 0);
        Assert.Equal(TopLevelMember.ValueEnd(json, 0), end);
        if (scanner.Parsed)
        {
            Assert.True(ScannerAgreesWithReader(protocol, json));
        }
    }

    [Fact]
    public void ScanFromTheStart_ReadsTheUsageInTheSamePass()
    {
        var body = """{"usage":{"prompt_tokens":5,"completion_tokens":2},"x":[{"usage":1},{"usage":2},{"usage":3},{"usage":4},{"usage":5},{"usage":6},{"usage":7},{"usage":8},{"usage":9}]}"""u8;
        var scanner = new UsageObjectScanner(UpstreamProtocol.OpenAIChat);
        Assert.False(TopLevelMember.TryFindFromEnd(body, "usage"u8, out _));
        Assert.True(TopLevelMember.TryFind(body, "usage"u8, ref scanner, out var usage));
        Assert.True(scanner.Parsed);
        Assert.Equal("""{"prompt_tokens":5,"completion_tokens":2}""", Encoding.UTF8.GetString(usage));
        Assert.Equal(5, scanner[0]);
        Assert.Equal(2, scanner[1]);
    }

    [Fact]
    public void DeepNesting_DeclinedPastSixteenLevels_SameResult()
    {
        foreach (var levels in new[] { 1, 14, 15, 16, 17, 40, 70 })
        {
            var nested = new string('[', levels) + new string(']', levels);
            var body = "{\"usage\":{\"prompt_tokens\":5,\"deep\":" + nested + ",\"completion_tokens\":2}}";
            foreach (var protocol in Protocols)
            {
                AssertSame(protocol, body);
            }
        }
    }

    /// <summary>The benchmark answer truncated at every length, and with each byte replaced by a structural one.</summary>
    [Fact]
    public void BenchmarkAnswer_TruncatedOrCorruptedAnywhere_SameAsTheOldPath()
    {
        var body = Encoding.UTF8.GetBytes(Bench);
        for (var length = 0; length <= body.Length; length++)
        {
            AssertSame(UpstreamProtocol.OpenAIChat, body[..length]);
        }

        var usageStart = Bench.IndexOf("\"usage\"", StringComparison.Ordinal);
        foreach (var b in "{}[]\",: \\0-.ex\u00e9"u8.ToArray())
        {
            for (var i = usageStart - 2; i < body.Length; i++)
            {
                var copy = (byte[])body.Clone();
                copy[i] = b;
                AssertSame(UpstreamProtocol.OpenAIChat, copy);
            }
        }
    }

    /// <summary>Random edits of every recorded body's usage region, read as the body's own protocol.</summary>
    [Fact]
    public void RecordedBodies_RandomlyEdited_SameAsTheOldPath()
    {
        var random = new Random(20261203);
        var pieces = new[] { "{", "}", "[", "]", "\"", ",", ":", " ", "\\", "0", "12", "-", ".5", "e3", "null", "true", "\"usage\":", "\"prompt_tokens\":", "\"input_tokens\":", "\"cached_tokens\":1", "é" };
        foreach (var r in All(Kind.Body))
        {
            var (folder, file) = ((string)r[0], (string)r[1]);
            var body = Bytes(folder, file);
            var protocol = Protocol(folder);
            var name = protocol == UpstreamProtocol.Gemini ? "\"usageMetadata\""u8 : "\"usage\""u8;
            var at = body.AsSpan().LastIndexOf(name);
            if (at < 0)
            {
                continue;
            }

            for (var round = 0; round < 60; round++)
            {
                var i = random.Next(at, body.Length);
                var piece = Encoding.UTF8.GetBytes(pieces[random.Next(pieces.Length)]);
                var cut = random.Next(3); // 0: insert, 1: replace one byte, 2: delete one byte
                byte[] edited = cut switch
                {
                    0 => [.. body[..i], .. piece, .. body[i..]],
                    1 => [.. body[..i], .. piece, .. body[(i + 1)..]],
                    _ => [.. body[..i], .. body[(i + 1)..]],
                };
                AssertSame(protocol, edited);
            }
        }
    }

    [Fact]
    public void UsageValueReordered_EveryPermutationOfMembers_SameAsTheReader()
    {
        string[] members = ["\"prompt_tokens\":24", "\"completion_tokens\":18", "\"total_tokens\":46", "\"prompt_tokens_details\":{\"cached_tokens\":3}", "\"completion_tokens_details\":{\"reasoning_tokens\":4}"];
        foreach (var order in Permutations(members.Length))
        {
            var json = Encoding.UTF8.GetBytes("{" + string.Join(',', order.Select(i => members[i])) + "}");
            Assert.True(ScannerAgreesWithReader(UpstreamProtocol.OpenAIChat, json));
        }
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0)
        {
            yield return [];
            yield break;
        }

        foreach (var rest in Permutations(n - 1))
        {
            for (var at = 0; at <= rest.Length; at++)
            {
                yield return [.. rest[..at], n - 1, .. rest[at..]];
            }
        }
    }
}
