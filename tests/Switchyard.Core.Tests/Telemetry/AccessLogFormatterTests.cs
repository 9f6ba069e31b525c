using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>
/// The access log's hand-formatted values (time, trace id, milliseconds) give exactly the text the general-purpose
/// formatters give (<c>DateTime.ToString</c>, <c>ActivityTraceId.ToHexString</c>, a decimal rounded to 3 places) —
/// checked over many random values and the edges, so the faster path changes no line.
/// </summary>
public sealed class AccessLogFormatterTests
{
    [Fact]
    public void Timestamp_MatchesTheFormatString()
    {
        var random = new Random(1234);
        var times = new List<DateTime> { DateTime.MinValue, DateTime.MaxValue, new(2026, 12, 3, 0, 0, 0, 1, DateTimeKind.Utc), new(1, 1, 1, 9, 9, 9, 999, DateTimeKind.Utc) };
        for (var i = 0; i < 2000; i++)
        {
            times.Add(new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc));
        }

        Span<byte> scratch = stackalloc byte[32];
        foreach (var t in times)
        {
            Assert.Equal(t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), Encoding.UTF8.GetString(AccessLogFormatter.Timestamp(t, scratch)));
        }
    }

    [Fact]
    public void Hex_MatchesToHexString()
    {
        Span<byte> scratch = stackalloc byte[32];
        for (var i = 0; i < 500; i++)
        {
            var id = ActivityTraceId.CreateRandom();
            Assert.Equal(id.ToHexString(), Encoding.UTF8.GetString(AccessLogFormatter.Hex(id, scratch)));
        }

        var fixedId = ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Encoding.UTF8.GetString(AccessLogFormatter.Hex(fixedId, scratch)));
    }

    [Fact]
    public void Milliseconds_AreTheExactValueRoundedToTheMicrosecond()
    {
        var random = new Random(99);
        var spans = new List<TimeSpan> { TimeSpan.Zero, TimeSpan.FromTicks(1), TimeSpan.FromTicks(5), TimeSpan.FromTicks(15), TimeSpan.FromMilliseconds(1),
            TimeSpan.FromMilliseconds(12.5), TimeSpan.FromMilliseconds(0.042), TimeSpan.FromSeconds(3), TimeSpan.FromHours(30) };
        for (var i = 0; i < 5000; i++)
        {
            spans.Add(TimeSpan.FromTicks(random.NextInt64(0, i < 2500 ? 100_000 : 100_000_000_000)));
        }

        Span<byte> scratch = stackalloc byte[32];
        foreach (var s in spans)
        {
            var expected = Math.Round(s.Ticks / 10_000m, 3, MidpointRounding.AwayFromZero).ToString("0.###", CultureInfo.InvariantCulture);
            Assert.Equal(expected, Encoding.UTF8.GetString(AccessLogFormatter.Milliseconds(s, scratch)));
        }
    }

    [Theory]
    [InlineData("openai/gpt-5")]
    [InlineData("a\"b\\c\n\t\u0001 é 中 😀 </script>")]
    [InlineData("")]
    public void Json_StringValues_RoundTripThroughAJsonParser(string model)
    {
        foreach (var value in new[] { model, string.Concat(Enumerable.Repeat(model + "\u0002\"", 2000)) })
        {
            var r = new RequestRecord { Protocol = "openai_chat", RequestedModel = value, RequestId = value, Status = 200, Ended = Stopwatch.GetTimestamp() };
            r.AddAttempt(new AttemptRecord(value, value, "failed", 503, value));
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(16);
            AccessLogFormatter.Write(buffer, r, Switchyard.Core.Configuration.AccessLogFormat.Json);

            var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);
            Assert.Equal(1, text.Count(c => c == '\n'));
            using var doc = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory);
            var e = doc.RootElement;
            Assert.Equal(value, e.GetProperty("requested_model").GetString());
            Assert.Equal(value, e.GetProperty("request_id").GetString());
            var attempt = Assert.Single(e.GetProperty("attempts").EnumerateArray().ToArray());
            Assert.Equal((value, value, value, 503), (attempt.GetProperty("model").GetString(), attempt.GetProperty("endpoint").GetString(),
                attempt.GetProperty("code").GetString(), attempt.GetProperty("status").GetInt32()));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("trace_id").ValueKind);
            Assert.Equal("unknown", e.GetProperty("cost_usd").GetString());
        }
    }

    [Fact]
    public void CostText_IsTheCustomFormatsText()
    {
        var random = new Random(7);
        var values = new List<decimal> { 0m, 1m, 10m, 0.5m, 0.0001512m, 0.00015120m, 123.4500m, 0.00000000004m, 0.00000000005m, 0.00000000015m, 7.99999999999m, 79228162514264337593543950335m, 0.0000000000000000000000000001m };
        for (var i = 0; i < 5000; i++)
        {
            values.Add(new decimal(random.Next(), random.Next(0, 1000), 0, false, (byte)random.Next(0, 20)));
        }

        foreach (var v in values)
        {
            Assert.Equal(decimal.Round(v, 10).ToString("0.##########", CultureInfo.InvariantCulture), RequestCost.Format(v));
        }
    }
}
