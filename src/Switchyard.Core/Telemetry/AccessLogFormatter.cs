using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// Formats a <see cref="RequestRecord"/> as one access-log line (docs/observability.md, "Access log"): JSON written
/// straight to UTF-8 (a fixed set of fields; strings escaped as JSON requires) or <c>key=value</c> text. No prompt
/// text, no credentials: the record holds none. The JSON path runs once per request on the access log's writer, so
/// it avoids the general-purpose writers' per-call work (≈ 4× faster than Utf8JsonWriter here; docs/performance.md).
/// </summary>
public static partial class AccessLogFormatter
{
    private static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Appends one line (newline included) for <paramref name="r"/> to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, RequestRecord r, AccessLogFormat format)
    {
        if (format == AccessLogFormat.Text)
        {
            var text = Text(r);
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 1);
            var n = Encoding.UTF8.GetBytes(text, span);
            span[n] = (byte)'\n';
            output.Advance(n + 1);
            return;
        }

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

        // Inlined: a literal's copy is then unrolled to a few moves instead of a call to the general copy.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
            var plain = CopyPlain(value, _into[Length..]);
            if (plain < 0)
            {
                Raw(JsonEncodedText.Encode(WellFormed(value), Encoder).EncodedUtf8Bytes);
            }
            else
            {
                Length += plain;
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
            Length += RequestCost.FormatUtf8(value, _into[Length..]);
        }
    }

    // A string a client chose can hold a lone surrogate (JSON's "\ud800" decodes to one), which is not valid UTF-16 and
    // which JsonEncodedText refuses: the line would be lost. Each lone surrogate becomes U+FFFD, as UTF-8 encoding does.
    internal static string WellFormed(string value)
    {
        char[]? chars = null;
        for (var i = 0; i < value.Length; i++)
        {
            if (!char.IsSurrogate(value[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++; // a pair
                continue;
            }

            (chars ??= value.ToCharArray())[i] = '\uFFFD';
        }

        return chars is null ? value : new string(chars);
    }

    /// <summary>
    /// Copies <paramref name="value"/> as ASCII into <paramref name="into"/> (at least as long) when every character
    /// is one a JSON string holds as it is (printable ASCII except the quote and the backslash) and returns its
    /// length; otherwise returns -1 (what was copied is left to be overwritten). Checks and narrows 8 characters at a
    /// time — one pass instead of a search and then a transcoding copy.
    /// </summary>
    internal static int CopyPlain(ReadOnlySpan<char> value, Span<byte> into)
    {
        var n = value.Length;
        if (into.Length < n)
        {
            return -1;
        }

        ref var src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(value));
        ref var dst = ref MemoryMarshal.GetReference(into);
        if (n >= 8 && Vector128.IsHardwareAccelerated)
        {
            // The last block overlaps the one before it when the length is not a multiple of 8.
            var last = (nuint)(n - 8);
            for (nuint i = 0; ; i += 8)
            {
                if (i > last)
                {
                    i = last;
                }

                var v = Vector128.LoadUnsafe(ref src, i);
                var bad = Vector128.GreaterThan(v - Vector128.Create((ushort)0x20), Vector128.Create((ushort)(0x7E - 0x20)))
                    | Vector128.Equals(v, Vector128.Create((ushort)'"'))
                    | Vector128.Equals(v, Vector128.Create((ushort)'\\'));
                if (bad != Vector128<ushort>.Zero)
                {
                    return -1;
                }

                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i), Vector128.Narrow(v, v).AsUInt64().ToScalar());
                if (i == last)
                {
                    return n;
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            var c = Unsafe.Add(ref src, i);
            if (c - 0x20u > 0x7E - 0x20 || c == '"' || c == '\\')
            {
                return -1;
            }

            Unsafe.Add(ref dst, i) = (byte)c;
        }

        return n;
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c> of a UTC time, as UTF-8 in <paramref name="scratch"/>.</summary>
    internal static ReadOnlySpan<byte> Timestamp(DateTime utc, Span<byte> scratch)
    {
        utc.Deconstruct(out var year, out var month, out var day); // the date decomposed once, not once per part
        var ms = (int)(utc.TimeOfDay.Ticks / TimeSpan.TicksPerMillisecond);
        Two(scratch, 0, year / 100); // years are 1 to 9999
        Two(scratch, 2, year % 100);
        scratch[4] = (byte)'-';
        Two(scratch, 5, month);
        scratch[7] = (byte)'-';
        Two(scratch, 8, day);
        scratch[10] = (byte)'T';
        Two(scratch, 11, ms / 3_600_000);
        scratch[13] = (byte)':';
        Two(scratch, 14, ms / 60_000 % 60);
        scratch[16] = (byte)':';
        Two(scratch, 17, ms / 1000 % 60);
        scratch[19] = (byte)'.';
        scratch[20] = (byte)('0' + (ms % 1000 / 100));
        Two(scratch, 21, ms % 100);
        scratch[23] = (byte)'Z';
        return scratch[..24];
    }

    /// <summary>Two digits of <paramref name="value"/> (0 to 99) at <paramref name="at"/>.</summary>
    private static void Two(Span<byte> into, int at, int value)
    {
        into[at + 1] = (byte)('0' + (value % 10));
        into[at] = (byte)('0' + (value / 10));
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
    internal static ReadOnlySpan<byte> Hex(System.Diagnostics.ActivityTraceId id, Span<byte> scratch)
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
    internal static ReadOnlySpan<byte> Milliseconds(TimeSpan value, Span<byte> scratch)
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
