using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// Formats a <see cref="RequestRecord"/> as one access-log line (docs/observability.md, "Access log"): JSON through
/// <see cref="Utf8JsonWriter"/> (no reflection) or <c>key=value</c> text. No prompt text, no credentials: the record
/// holds none.
/// </summary>
public static class AccessLogFormatter
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Property names encoded once (the writer copies their bytes; no per-line transcoding or escape checks).
    private static readonly JsonEncodedText NTime = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText NRequestId = JsonEncodedText.Encode("request_id");
    private static readonly JsonEncodedText NTraceId = JsonEncodedText.Encode("trace_id");
    private static readonly JsonEncodedText NProtocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText NRequestedModel = JsonEncodedText.Encode("requested_model");
    private static readonly JsonEncodedText NServedModel = JsonEncodedText.Encode("served_model");
    private static readonly JsonEncodedText NProvider = JsonEncodedText.Encode("provider");
    private static readonly JsonEncodedText NEndpoint = JsonEncodedText.Encode("endpoint");
    private static readonly JsonEncodedText NRoute = JsonEncodedText.Encode("route");
    private static readonly JsonEncodedText NRoutingMethod = JsonEncodedText.Encode("routing_method");
    private static readonly JsonEncodedText NStream = JsonEncodedText.Encode("stream");
    private static readonly JsonEncodedText NAttempts = JsonEncodedText.Encode("attempts");
    private static readonly JsonEncodedText NModel = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText NOutcome = JsonEncodedText.Encode("outcome");
    private static readonly JsonEncodedText NStatus = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText NCode = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText NCut = JsonEncodedText.Encode("cut");
    private static readonly JsonEncodedText NTtft = JsonEncodedText.Encode("ttft_ms");
    private static readonly JsonEncodedText NDuration = JsonEncodedText.Encode("duration_ms");
    private static readonly JsonEncodedText NInput = JsonEncodedText.Encode("input_tokens");
    private static readonly JsonEncodedText NOutput = JsonEncodedText.Encode("output_tokens");
    private static readonly JsonEncodedText NCachedInput = JsonEncodedText.Encode("cached_input_tokens");
    private static readonly JsonEncodedText NCacheWrite = JsonEncodedText.Encode("cache_write_tokens");
    private static readonly JsonEncodedText NReasoning = JsonEncodedText.Encode("reasoning_tokens");
    private static readonly JsonEncodedText NCost = JsonEncodedText.Encode("cost_usd");
    private static readonly JsonEncodedText NCostSource = JsonEncodedText.Encode("cost_source");
    private static readonly JsonEncodedText Unknown = JsonEncodedText.Encode("unknown");

    // One writer per thread, reset onto each line's output (the access log formats on one background task).
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

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

        var w = t_writer;
        if (w is null)
        {
            w = t_writer = new Utf8JsonWriter(output, Options);
        }
        else
        {
            w.Reset(output);
        }

        try
        {
            Json(w, r);
            w.Flush();
        }
        finally
        {
            w.Reset(); // no half-written state carries over to the next line after a failure
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    private static void Json(Utf8JsonWriter w, RequestRecord r)
    {
        Span<byte> scratch = stackalloc byte[32];
        w.WriteStartObject();
        w.WriteString(NTime, Timestamp(r.Time.UtcDateTime, scratch));
        w.WriteString(NRequestId, r.RequestId);
        if (r.TraceId == default)
        {
            w.WriteNull(NTraceId);
        }
        else
        {
            w.WriteString(NTraceId, Hex(r.TraceId, scratch));
        }

        w.WriteString(NProtocol, r.Protocol);
        w.WriteString(NRequestedModel, r.RequestedModel);
        w.WriteString(NServedModel, r.Served?.CanonicalName);
        w.WriteString(NProvider, r.Served?.Provider.Prefix);
        w.WriteString(NEndpoint, r.Served is { } served ? RequestRecord.EndpointOf(served) : null);
        w.WriteString(NRoute, r.Decision?.Route);
        w.WriteString(NRoutingMethod, r.Decision is { } d ? MethodName(d.Method) : null);
        w.WriteBoolean(NStream, r.Stream);
        w.WriteStartArray(NAttempts);
        for (var i = 0; i < r.AttemptCount; i++)
        {
            var a = r.Attempt(i);
            w.WriteStartObject();
            w.WriteString(NModel, a.Model);
            w.WriteString(NEndpoint, a.Endpoint);
            w.WriteString(NOutcome, a.Outcome);
            if (a.Status != 0)
            {
                w.WriteNumber(NStatus, a.Status);
            }

            if (a.Code is { } code)
            {
                w.WriteString(NCode, code);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber(NStatus, r.Status);
        if (r.Cut is { } cut)
        {
            w.WriteString(NCut, cut);
        }

        w.WritePropertyName(NTtft);
        if (r.TimeToFirstByte is { } ttft)
        {
            w.WriteRawValue(Milliseconds(ttft, scratch), skipInputValidation: true);
        }
        else
        {
            w.WriteNullValue();
        }

        w.WritePropertyName(NDuration);
        w.WriteRawValue(Milliseconds(r.Duration, scratch), skipInputValidation: true);
        var u = r.Usage;
        Tokens(w, NInput, u?.InputTokens);
        Tokens(w, NOutput, u?.OutputTokens);
        Tokens(w, NCachedInput, u?.CachedInputTokens);
        Tokens(w, NCacheWrite, u?.CacheWriteInputTokens);
        Tokens(w, NReasoning, u?.ReasoningTokens);
        var cost = r.Cost;
        if (cost.Usd is { } usd)
        {
            w.WriteNumber(NCost, decimal.Round(usd, 10));
            w.WriteString(NCostSource, cost.Source);
        }
        else
        {
            w.WriteString(NCost, Unknown);
            w.WriteNull(NCostSource);
        }

        w.WriteEndObject();
    }

    private static void Tokens(Utf8JsonWriter w, JsonEncodedText name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c> of a UTC time, as UTF-8 in <paramref name="scratch"/>.</summary>
    internal static ReadOnlySpan<byte> Timestamp(DateTime utc, Span<byte> scratch)
    {
        Digits(scratch[..4], utc.Year);
        scratch[4] = (byte)'-';
        Digits(scratch.Slice(5, 2), utc.Month);
        scratch[7] = (byte)'-';
        Digits(scratch.Slice(8, 2), utc.Day);
        scratch[10] = (byte)'T';
        Digits(scratch.Slice(11, 2), utc.Hour);
        scratch[13] = (byte)':';
        Digits(scratch.Slice(14, 2), utc.Minute);
        scratch[16] = (byte)':';
        Digits(scratch.Slice(17, 2), utc.Second);
        scratch[19] = (byte)'.';
        Digits(scratch.Slice(20, 3), utc.Millisecond);
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

    private static string Text(RequestRecord r)
    {
        var sb = new StringBuilder(256);
        var inv = CultureInfo.InvariantCulture;
        sb.Append(r.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", inv))
            .Append(" request_id=").Append(r.RequestId ?? "-")
            .Append(" trace_id=").Append(r.TraceId == default ? "-" : r.TraceId.ToHexString())
            .Append(" protocol=").Append(r.Protocol)
            .Append(" requested_model=").Append(Quote(r.RequestedModel))
            .Append(" served_model=").Append(Quote(r.Served?.CanonicalName))
            .Append(" endpoint=").Append(Quote(r.Served is { } s ? RequestRecord.EndpointOf(s) : null))
            .Append(" route=").Append(Quote(r.Decision?.Route))
            .Append(" routing_method=").Append(r.Decision is { } d ? MethodName(d.Method) : "-")
            .Append(" stream=").Append(r.Stream ? "true" : "false")
            .Append(" status=").Append(r.Status.ToString(inv))
            .Append(" attempts=");
        if (r.AttemptCount == 0)
        {
            sb.Append('-');
        }

        for (var i = 0; i < r.AttemptCount; i++)
        {
            var a = r.Attempt(i);
            sb.Append(i == 0 ? "" : ",").Append(Quote(a.Model)).Append(':').Append(a.Outcome);
            if (a.Status != 0)
            {
                sb.Append(':').Append(a.Status.ToString(inv));
            }
        }

        if (r.Cut is { } cut)
        {
            sb.Append(" cut=").Append(cut);
        }

        sb.Append(" ttft_ms=").Append(r.TimeToFirstByte is { } t ? Math.Round(t.TotalMilliseconds, 3).ToString(inv) : "-")
            .Append(" duration_ms=").Append(Math.Round(r.Duration.TotalMilliseconds, 3).ToString(inv))
            .Append(" input_tokens=").Append(r.Usage?.InputTokens?.ToString(inv) ?? "-")
            .Append(" output_tokens=").Append(r.Usage?.OutputTokens?.ToString(inv) ?? "-")
            .Append(" cost_usd=").Append(r.Cost.ToString());
        return sb.ToString();
    }

    // Model names are configured or client-chosen: quoted when they hold a space, quote or control character so a
    // line always splits into the same fields.
    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "-";
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c == '"' || c == '=' || c == ',' || c == '\\')
            {
                return JsonSerializer.Serialize(value, AccessLogJsonContext.Default.String);
            }
        }

        return value;
    }
}

/// <summary>Source-generated JSON for the text format's quoting (AOT: no reflection).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class AccessLogJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
