using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Catalog;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing;
using Switchyard.Core.Telemetry;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>
/// The access log's and the cost's fast paths against the general code they replace: the whole JSON line against
/// the formatter as it was (<see cref="AccessLogFormatterBefore"/>), the plain-string copy against the search it
/// replaces, the cost's text and nano-USD against decimal arithmetic and formatting, the remembered bundled price
/// against the table, and the header's cost reused by the record only when model, usage and sources are the same.
/// </summary>
public sealed class AccessLogFastPathTests
{
    private const string Models = """
        model_providers:
          - model: openai/gpt-5-nano
            access_key: k
          - model: openai/gpt-5
            name: "gpt \"quoted\" é"
            access_key: k
          - model: anthropic/claude-sonnet-4-5
            access_key: k
          - model: openai/gpt-4o-mini
            name: priced
            access_key: k
            pricing:
              input: 1
              output: 2
              cached_input: 0.5
          - model: mistral/*
            access_key: k
        """;

    private static readonly string[] Strings =
    [
        "", "a", "openai/gpt-5", "openai_chat", "0123456789abcdef", "0123456789abcdefg", "ok", "failed", "upstream_timeout",
        "a\"b", "back\\slash", "tab\there", "new\nline", "\u0001", "\u001f", "\u007f", " ", "~", "é", "中文模型", "😀",
        "</script>", "a+b&c'd", "x y z 0123456789 ABCDEFGHIJ", "exactly8", "exactly16chars!!", "seventeen-chars-x",
    ];

    // Characters at and around every boundary the plain check draws, plus ordinary ones.
    private static readonly char[] Chars = [' ', '!', '"', '#', '[', '\\', ']', '~', '\u007f', '\u0080', '\u001f', '\0', '\n', 'a', 'Z', '0', '/', 'é', '中', '\ud83d', '\ude00', '\uffff'];

    [Fact]
    public void CopyPlain_IsThePlainSearchAndAsciiCopy()
    {
        var plain = SearchValues.Create(" !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");
        var random = new Random(42);
        var values = new List<string>(Strings);
        for (var length = 0; length <= 40; length++)
        {
            var clean = new string(Enumerable.Range(0, length).Select(i => "abcXYZ019 -/._:~!#"[i % 18]).ToArray());
            values.Add(clean);
            for (var at = 0; at < length; at++)
            {
                foreach (var c in Chars)
                {
                    values.Add(string.Concat(clean.AsSpan(0, at), c.ToString(), clean.AsSpan(at + 1)));
                }
            }
        }

        for (var i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 70)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(10) == 0 ? Chars[random.Next(Chars.Length)] : (char)random.Next(0x20, 0x7f);
            }

            values.Add(new string(chars));
        }

        var into = new byte[256];
        foreach (var v in values)
        {
            Array.Fill(into, (byte)0xAA);
            var n = AccessLogFormatter.CopyPlain(v, into);
            if (v.AsSpan().ContainsAnyExcept(plain))
            {
                Assert.Equal(-1, n);
            }
            else
            {
                Assert.Equal(v.Length, n);
                Assert.Equal(Encoding.ASCII.GetBytes(v), into[..n]);
                Assert.True(into.AsSpan(n).IndexOfAnyExcept((byte)0xAA) < 0, "nothing written past the value");
            }
        }
    }

    [Fact]
    public void JsonLine_IsTheFormerFormattersLine()
    {
        var catalog = ModelCatalog.Build(LoadValid(Models));
        var served = new[] { null, catalog.Resolve("openai/gpt-5-nano").Model, catalog.Resolve("gpt \"quoted\" é").Model, catalog.Resolve("priced").Model, catalog.Resolve("mistral/large-中").Model };
        var random = new Random(2026);
        var ints = new int?[] { null, 0, 1, 9, 10, 99, 100, 200, 429, 499, 503, 999, 1000, 65535, 123456789, int.MaxValue, -1, -42, int.MinValue };
        for (var i = 0; i < 3000; i++)
        {
            var r = new RequestRecord
            {
                RequestId = Pick(random),
                Protocol = Pick(random) ?? "openai_chat",
                RequestedModel = Pick(random),
                Stream = random.Next(2) == 0,
                Status = ints[random.Next(1, ints.Length)]!.Value,
                Served = served[random.Next(served.Length)],
                Cut = random.Next(4) == 0 ? Pick(random) : null,
                TraceId = random.Next(3) == 0 ? default : ActivityTraceId.CreateRandom(),
                Decision = random.Next(3) == 0 ? null : new RoutingDecision { Method = (RoutingMethod)random.Next(0, 3), Candidates = [], Route = Pick(random) },
                Usage = random.Next(4) == 0 ? null : new IrUsage
                {
                    InputTokens = random.Next(3) == 0 ? ints[random.Next(ints.Length)] : random.Next(0, 2_000_000),
                    OutputTokens = random.Next(3) == 0 ? ints[random.Next(ints.Length)] : random.Next(0, 200_000),
                    CachedInputTokens = ints[random.Next(ints.Length)],
                    CacheWriteInputTokens = random.Next(2) == 0 ? null : random.Next(0, 1000),
                    ReasoningTokens = ints[random.Next(ints.Length)],
                },
            };
            var started = r.Started;
            r.FirstByte = random.Next(3) == 0 ? 0 : started + random.NextInt64(0, Stopwatch.Frequency * 10);
            r.Ended = started + random.NextInt64(0, Stopwatch.Frequency * 100);
            for (var a = random.Next(0, 4); a > 0; a--)
            {
                r.AddAttempt(new AttemptRecord(Pick(random) ?? "m", Pick(random) ?? "e", Pick(random) ?? "ok", ints[random.Next(1, ints.Length)]!.Value, Pick(random)));
            }

            var before = new ArrayBufferWriter<byte>(16);
            AccessLogFormatterBefore.Write(before, r);
            var now = new ArrayBufferWriter<byte>(16);
            AccessLogFormatter.Write(now, r, Core.Configuration.AccessLogFormat.Json);
            Assert.Equal(Encoding.UTF8.GetString(before.WrittenSpan), Encoding.UTF8.GetString(now.WrittenSpan));
            Assert.True(before.WrittenSpan.SequenceEqual(now.WrittenSpan));
        }

        static string? Pick(Random random) => random.Next(6) == 0 ? null : Strings[random.Next(Strings.Length)];
    }

    [Fact]
    public void JsonLine_LoneSurrogateInAClientString_WrittenAsReplacementCharacter()
    {
        // Not valid UTF-16 (a client's "\ud800" in JSON decodes to one): JsonEncodedText refuses it, and the former
        // formatter lost the line. Now the lone surrogate is written as U+FFFD and the line is valid JSON. (Built in
        // code: test-case attributes cannot carry a lone surrogate.)
        var cases = new (string Model, string Expected)[]
        {
            ("bad" + (char)0xD800, "bad\uFFFD"),
            ((char)0xDC00 + "x", "\uFFFDx"),
            ("a" + (char)0xD800 + (char)0xD800 + (char)0xDC00 + "b", "a\uFFFD\U00010000b"),
            ("end" + (char)0xD83D, "end\uFFFD"),
        };
        foreach (var (model, expected) in cases)
        {
            var r = new RequestRecord { Protocol = "openai_chat", RequestedModel = model, Ended = Stopwatch.GetTimestamp() };
            Assert.Throws<ArgumentException>(() => AccessLogFormatterBefore.Write(new ArrayBufferWriter<byte>(), r));
            var line = new ArrayBufferWriter<byte>();
            AccessLogFormatter.Write(line, r, Core.Configuration.AccessLogFormat.Json);
            using var doc = System.Text.Json.JsonDocument.Parse(line.WrittenMemory);
            Assert.Equal(expected, doc.RootElement.GetProperty("requested_model").GetString());
        }
    }

    [Fact]
    public void WellFormed_ValidStrings_ReturnedAsTheyAre()
    {
        foreach (var s in new[] { "", "plain", "emoji \ud83d\ude00 ok", "\u00e9t\u00e9" })
        {
            Assert.Same(s, AccessLogFormatter.WellFormed(s));
        }
    }

    [Fact]
    public void JsonLine_WithACostFromManyUsages_IsTheFormerFormattersLine()
    {
        var catalog = ModelCatalog.Build(LoadValid(Models));
        var models = new[] { catalog.Resolve("openai/gpt-5-nano").Model!, catalog.Resolve("priced").Model!, catalog.Resolve("anthropic/claude-sonnet-4-5").Model!, catalog.Resolve("mistral/unknown-model").Model! };
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var r = new RequestRecord { Protocol = "openai_chat", Status = 200, Served = models[i % models.Length], Ended = Stopwatch.GetTimestamp() };
            r.Usage = new IrUsage { InputTokens = random.Next(0, int.MaxValue), OutputTokens = random.Next(0, i % 2 == 0 ? 1000 : int.MaxValue), CachedInputTokens = random.Next(3) == 0 ? random.Next(0, 100) : null };
            var before = new ArrayBufferWriter<byte>(16);
            AccessLogFormatterBefore.Write(before, r);
            var now = new ArrayBufferWriter<byte>(16);
            AccessLogFormatter.Write(now, r, Core.Configuration.AccessLogFormat.Json);
            Assert.Equal(Encoding.UTF8.GetString(before.WrittenSpan), Encoding.UTF8.GetString(now.WrittenSpan));
        }
    }

    public static IEnumerable<decimal> Decimals()
    {
        var values = new List<decimal>
        {
            0m, 1m, 10m, 0.5m, 0.0001512m, 0.00015120m, 123.4500m, 0.00000000004m, 0.00000000005m, 0.00000000015m, 0.00000000025m,
            7.99999999999m, 9.99999999995m, 0.99999999995m, 0.00000000005000000001m, 79228162514264337593543950335m,
            0.0000000000000000000000000001m, -0m, -1.5m, -0.00000000001m, -79228162514264337593543950335m, decimal.MaxValue, decimal.MinValue,
            new decimal(0, 0, 0, false, 28), new decimal(0, 0, 0, true, 10), new decimal(-1, -1, 0, false, 10), new decimal(-1, -1, 0, false, 0),
            new decimal(0, 0, 1, false, 10), new decimal(-1, -1, 0, false, 19), new decimal(-1, -1, 0, false, 20), new decimal(-1, -1, 0, false, 9),
            18446744073.709551615m, 18446744073.709551616m, 2305843009.213693951m, 2305843009.213693952m, 2305843009.2136939519m, 2305843009.21369395199999m,
        };
        var random = new Random(7);
        for (var i = 0; i < 20000; i++)
        {
            var scale = (byte)random.Next(0, 29);
            var mid = i % 3 == 0 ? 0 : random.Next(0, i % 5 == 0 ? int.MaxValue : 1000);
            var hi = i % 7 == 0 ? random.Next(0, 100) : 0;
            values.Add(new decimal(random.Next(), mid, hi, i % 11 == 0, scale));
        }

        return values;
    }

    [Fact]
    public void CostText_FastPath_IsTheGeneralFormatter()
    {
        Span<byte> fast = stackalloc byte[64];
        Span<byte> general = stackalloc byte[64];
        foreach (var v in Decimals())
        {
            var n = RequestCost.FormatUtf8(v, fast);
            var g = RequestCost.FormatUtf8General(v, general);
            Assert.Equal(Encoding.ASCII.GetString(general[..g]), Encoding.ASCII.GetString(fast[..n]));
            Assert.Equal(Encoding.ASCII.GetString(general[..g]), RequestCost.Format(v));
            if (v >= 0)
            {
                Assert.Equal(decimal.Round(v, 10).ToString("0.##########", CultureInfo.InvariantCulture), RequestCost.Format(v));
            }
        }
    }

    [Fact]
    public void NanoUsd_IsTheDecimalProduct()
    {
        foreach (var v in Decimals())
        {
            long expected;
            try
            {
                expected = RequestCost.NanoUsdGeneral(v);
            }
            catch (OverflowException)
            {
                Assert.Throws<OverflowException>(() => RequestCost.NanoUsd(v));
                continue;
            }

            Assert.Equal(expected, RequestCost.NanoUsd(v));
        }
    }

    [Fact]
    public void BundledPrice_IsTheTablesPrice_AlsoForPerRequestModelIds()
    {
        var catalog = ModelCatalog.Build(LoadValid(Models));
        var mistral = catalog.Resolve("mistral/large").Model!;
        for (var round = 0; round < 3; round++)
        {
            foreach (var key in PricingTable.All.Keys)
            {
                var slash = key.IndexOf('/', StringComparison.Ordinal);
                // A fresh id string each time, as a wildcard resolution makes per request.
                var model = new ResolvedModel(key, mistral.Entry, ProviderFor(key[..slash], mistral), new string(key.AsSpan(slash + 1)));
                Assert.Same(PricingTable.For(model.Provider.Prefix, model.ModelId), CostCalculator.Bundled(model));
            }

            Assert.Null(CostCalculator.Bundled(mistral with { ModelId = "no-such-model-" + round }));
            Assert.Null(CostCalculator.Bundled(mistral with { ModelId = "" }));
        }

        static Core.Providers.ProviderDefinition ProviderFor(string prefix, ResolvedModel fallback)
            => Core.Providers.ProviderCatalog.TryGet(prefix, out var p) ? p : fallback.Provider;
    }

    [Fact]
    public void RecordCost_ReusesTheHeadersCost_OnlyForTheSameModelUsageAndSources()
    {
        var catalog = ModelCatalog.Build(LoadValid(Models));
        var nano = catalog.Resolve("openai/gpt-5-nano").Model!;
        var priced = catalog.Resolve("priced").Model!;
        var usage = new IrUsage { InputTokens = 8, OutputTokens = 377 };

        // The same model and usage: the header's value, and the same as computing it.
        var r = new RequestRecord { Served = nano, Usage = usage };
        var header = r.CostBeforeCommit(nano, usage);
        Assert.Equal(CostCalculator.For(nano, usage), header);
        Assert.Equal(header, r.Cost);
        Assert.Equal("0.0001512", header.ToString());

        // An equal usage object (usage re-read): still the same.
        r = new RequestRecord { Served = nano, Usage = usage with { } };
        r.CostBeforeCommit(nano, usage);
        Assert.Equal(CostCalculator.For(nano, usage), r.Cost);

        // Usage that grew after commit, another served model, no usage: computed from the final values.
        var more = new IrUsage { InputTokens = 8, OutputTokens = 1000 };
        r = new RequestRecord { Served = nano, Usage = more };
        r.CostBeforeCommit(nano, usage);
        Assert.Equal(CostCalculator.For(nano, more), r.Cost);
        Assert.NotEqual(header, r.Cost);

        r = new RequestRecord { Served = priced, Usage = usage };
        r.CostBeforeCommit(nano, usage);
        Assert.Equal(CostCalculator.For(priced, usage), r.Cost);
        Assert.Equal("config", r.Cost.Source);

        r = new RequestRecord { Served = nano };
        r.CostBeforeCommit(nano, usage);
        Assert.Equal(RequestCost.Unknown, r.Cost);

        r = new RequestRecord { Usage = usage };
        r.CostBeforeCommit(nano, usage);
        Assert.Equal(RequestCost.Unknown, r.Cost);
    }
}
