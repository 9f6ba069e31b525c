using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>The access log's JSON formatter as it was before the fast paths (the reference they are tested against).</summary>
internal static class AccessLogFormatterBefore
{
    private static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // Characters a JSON string holds as they are: printable ASCII except the quote and the backslash. Any other
    // character sends the value through JsonEncodedText (escapes; non-ASCII as UTF-8), which is rare in these fields.
    private static readonly SearchValues<char> Plain = SearchValues.Create(" !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Appends the JSON line for <paramref name="r"/>.</summary>
    public static void Write(IBufferWriter<byte> output, RequestRecord r)
    {
        var line = new JsonLine(output.GetSpan(MaxJsonBytes(r)));
        Json(ref line, r);
        output.Advance(line.Length);
    }

    // An upper bound of the line's size: the fixed text, plus 6 bytes per character of every string value (the
    // longest escape, \uXXXX; UTF-8 takes at most 3 per UTF-16 character).
    private static int MaxJsonBytes(RequestRecord r)
    {
        var chars = Len(r.RequestId) + Len(r.Protocol) + Len(r.RequestedModel) + Len(r.Decision?.Route) + Len(r.Cut) + Len(r.Cost.Source);
        if (r.Served is { } served)
        {
            chars += Len(served.CanonicalName) + Len(served.Provider.Prefix) + Len(served.Entry.Name) + Len(served.Entry.KeySlot?.Label) + 8;
        }

        var bytes = 1024;
        for (var i = 0; i < r.AttemptCount; i++)
        {
            var a = r.Attempt(i);
            chars += Len(a.Model) + Len(a.Endpoint) + Len(a.Outcome) + Len(a.Code);
            bytes += 96;
        }

        return bytes + (6 * chars);

        static int Len(string? s) => s?.Length ?? 0;
    }

    private static void Json(ref JsonLine w, RequestRecord r)
    {
        Span<byte> scratch = stackalloc byte[32];
        w.Raw("{\"time\":\""u8);
        w.Raw(Timestamp(r.Time.UtcDateTime, scratch));
        w.Raw("\",\"request_id\":"u8);
        w.String(r.RequestId);
        w.Raw(",\"trace_id\":"u8);
        if (r.TraceId == default)
        {
            w.Raw("null"u8);
        }
        else
        {
            w.Raw("\""u8);
            w.Raw(Hex(r.TraceId, scratch));
            w.Raw("\""u8);
        }

        w.Raw(",\"protocol\":"u8);
        w.String(r.Protocol);
        w.Raw(",\"requested_model\":"u8);
        w.String(r.RequestedModel);
        w.Raw(",\"served_model\":"u8);
        w.String(r.Served?.CanonicalName);
        w.Raw(",\"provider\":"u8);
        w.String(r.Served?.Provider.Prefix);
        w.Raw(",\"endpoint\":"u8);
        w.String(r.Served is { } served ? RequestRecord.EndpointOf(served) : null);
        w.Raw(",\"route\":"u8);
        w.String(r.Decision?.Route);
        w.Raw(",\"routing_method\":"u8);
        w.String(r.Decision is { } d ? MethodName(d.Method) : null);
        w.Raw(r.Stream ? ",\"stream\":true,\"attempts\":["u8 : ",\"stream\":false,\"attempts\":["u8);
        for (var i = 0; i < r.AttemptCount; i++)
        {
            var a = r.Attempt(i);
            w.Raw(i == 0 ? "{\"model\":"u8 : ",{\"model\":"u8);
            w.String(a.Model);
            w.Raw(",\"endpoint\":"u8);
            w.String(a.Endpoint);
            w.Raw(",\"outcome\":"u8);
            w.String(a.Outcome);
            if (a.Status != 0)
            {
                w.Raw(",\"status\":"u8);
                w.Number(a.Status);
            }

            if (a.Code is { } code)
            {
                w.Raw(",\"code\":"u8);
                w.String(code);
            }

            w.Raw("}"u8);
        }

        w.Raw("],\"status\":"u8);
        w.Number(r.Status);
        if (r.Cut is { } cut)
        {
            w.Raw(",\"cut\":"u8);
            w.String(cut);
        }

        w.Raw(",\"ttft_ms\":"u8);
        w.Raw(r.TimeToFirstByte is { } ttft ? Milliseconds(ttft, scratch) : "null"u8);
        w.Raw(",\"duration_ms\":"u8);
        w.Raw(Milliseconds(r.Duration, scratch));
        var u = r.Usage;
        w.Raw(",\"input_tokens\":"u8);
        w.Number(u?.InputTokens);
        w.Raw(",\"output_tokens\":"u8);
        w.Number(u?.OutputTokens);
        w.Raw(",\"cached_input_tokens\":"u8);
        w.Number(u?.CachedInputTokens);
        w.Raw(",\"cache_write_tokens\":"u8);
        w.Number(u?.CacheWriteInputTokens);
        w.Raw(",\"reasoning_tokens\":"u8);
        w.Number(u?.ReasoningTokens);
        var cost = r.Cost;
        if (cost.Usd is { } usd)
        {
            w.Raw(",\"cost_usd\":"u8);
            w.Decimal(usd);
            w.Raw(",\"cost_source\":"u8);
            w.String(cost.Source);
        }
        else
        {
            w.Raw(",\"cost_usd\":\"unknown\",\"cost_source\":null"u8);
        }

        w.Raw("}\n"u8);
    }

    /// <summary>
    /// Writes one JSON line into a span known to be large enough (<see cref="MaxJsonBytes"/>): property names and
    /// punctuation as UTF-8 literals, strings escaped as JSON requires, numbers in invariant form.
    /// </summary>
    private ref struct JsonLine(Span<byte> into)
    {
        private readonly Span<byte> _into = into;

        public int Length { get; private set; }

        public void Raw(scoped ReadOnlySpan<byte> utf8)
        {
            utf8.CopyTo(_into[Length..]);
            Length += utf8.Length;
        }

        public void String(string? value)
        {
            if (value is null)
            {
                Raw("null"u8);
                return;
            }

            _into[Length++] = (byte)'"';
            if (value.AsSpan().ContainsAnyExcept(Plain))
            {
                Raw(JsonEncodedText.Encode(value, Encoder).EncodedUtf8Bytes);
            }
            else
            {
                System.Text.Ascii.FromUtf16(value, _into[Length..], out var n);
                Length += n;
            }

            _into[Length++] = (byte)'"';
        }

        public void Number(int? value)
        {
            if (value is { } v)
            {
                System.Buffers.Text.Utf8Formatter.TryFormat(v, _into[Length..], out var n);
                Length += n;
            }
            else
            {
                Raw("null"u8);
            }
        }

        /// <summary>A cost: the header's form (at most 10 places, no trailing zeros, no exponent).</summary>
        public void Decimal(decimal value)
        {
            Length += RequestCost.FormatUtf8General(value, _into[Length..]);
        }
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c> of a UTC time, as UTF-8 in <paramref name="scratch"/>.</summary>
    private static ReadOnlySpan<byte> Timestamp(DateTime utc, Span<byte> scratch)
    {
        utc.Deconstruct(out var year, out var month, out var day); // the date decomposed once, not once per part
        var ms = (int)(utc.TimeOfDay.Ticks / TimeSpan.TicksPerMillisecond);
        Digits(scratch[..4], year);
        scratch[4] = (byte)'-';
        Digits(scratch.Slice(5, 2), month);
        scratch[7] = (byte)'-';
        Digits(scratch.Slice(8, 2), day);
        scratch[10] = (byte)'T';
        Digits(scratch.Slice(11, 2), ms / 3_600_000);
        scratch[13] = (byte)':';
        Digits(scratch.Slice(14, 2), ms / 60_000 % 60);
        scratch[16] = (byte)':';
        Digits(scratch.Slice(17, 2), ms / 1000 % 60);
        scratch[19] = (byte)'.';
        Digits(scratch.Slice(20, 3), ms % 1000);
        scratch[23] = (byte)'Z';
        return scratch[..24];
    }

    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>The trace id as 32 lower-case hex digits (UTF-8), without the string <see cref="ActivityTraceId.ToHexString"/> allocates.</summary>
    private static ReadOnlySpan<byte> Hex(System.Diagnostics.ActivityTraceId id, Span<byte> scratch)
    {
        Span<byte> raw = stackalloc byte[16];
        id.CopyTo(raw);
        for (var i = 0; i < 16; i++)
        {
            scratch[2 * i] = (byte)"0123456789abcdef"[raw[i] >> 4];
            scratch[(2 * i) + 1] = (byte)"0123456789abcdef"[raw[i] & 0xF];
        }

        return scratch[..32];
    }

    /// <summary>
    /// A duration in milliseconds rounded to the microsecond (exactly, half up), as a JSON number (<c>12.5</c>,
    /// <c>3</c>, <c>0.042</c>) — no double is formatted.
    /// </summary>
    private static ReadOnlySpan<byte> Milliseconds(TimeSpan value, Span<byte> scratch)
    {
        var us = (value.Ticks + 5) / 10; // exact: half a microsecond rounds up
        if (us < 0)
        {
            us = 0;
        }

        System.Buffers.Text.Utf8Formatter.TryFormat(us / 1000, scratch, out var n);
        var frac = (int)(us % 1000);
        if (frac != 0)
        {
            scratch[n++] = (byte)'.';
            var digits = 3;
            while (frac % 10 == 0)
            {
                frac /= 10;
                digits--;
            }

            Digits(scratch.Slice(n, digits), frac);
            n += digits;
        }

        return scratch[..n];
    }

    private static string MethodName(RoutingMethod method) => method == RoutingMethod.Direct ? "direct" : RoutingExplain.MethodName(method);
}
