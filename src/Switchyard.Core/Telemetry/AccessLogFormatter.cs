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

        using (var w = new Utf8JsonWriter(output, Options))
        {
            Json(w, r);
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    private static void Json(Utf8JsonWriter w, RequestRecord r)
    {
        w.WriteStartObject();
        w.WriteString("time", r.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        w.WriteString("request_id", r.RequestId);
        if (r.TraceId == default)
        {
            w.WriteNull("trace_id");
        }
        else
        {
            w.WriteString("trace_id", r.TraceId.ToHexString());
        }

        w.WriteString("protocol", r.Protocol);
        w.WriteString("requested_model", r.RequestedModel);
        w.WriteString("served_model", r.Served?.CanonicalName);
        w.WriteString("provider", r.Served?.Provider.Prefix);
        w.WriteString("endpoint", r.Served is { } served ? RequestRecord.EndpointOf(served) : null);
        w.WriteString("route", r.Decision?.Route);
        w.WriteString("routing_method", r.Decision is { } d ? MethodName(d.Method) : null);
        w.WriteBoolean("stream", r.Stream);
        w.WriteStartArray("attempts");
        for (var i = 0; i < r.AttemptCount; i++)
        {
            var a = r.Attempt(i);
            w.WriteStartObject();
            w.WriteString("model", a.Model);
            w.WriteString("endpoint", a.Endpoint);
            w.WriteString("outcome", a.Outcome);
            if (a.Status != 0)
            {
                w.WriteNumber("status", a.Status);
            }

            if (a.Code is { } code)
            {
                w.WriteString("code", code);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("status", r.Status);
        if (r.Cut is { } cut)
        {
            w.WriteString("cut", cut);
        }

        if (r.TimeToFirstByte is { } ttft)
        {
            w.WriteNumber("ttft_ms", Math.Round(ttft.TotalMilliseconds, 3));
        }
        else
        {
            w.WriteNull("ttft_ms");
        }

        w.WriteNumber("duration_ms", Math.Round(r.Duration.TotalMilliseconds, 3));
        var u = r.Usage;
        Tokens(w, "input_tokens", u?.InputTokens);
        Tokens(w, "output_tokens", u?.OutputTokens);
        Tokens(w, "cached_input_tokens", u?.CachedInputTokens);
        Tokens(w, "cache_write_tokens", u?.CacheWriteInputTokens);
        Tokens(w, "reasoning_tokens", u?.ReasoningTokens);
        var cost = r.Cost;
        if (cost.Usd is { } usd)
        {
            w.WriteNumber("cost_usd", decimal.Round(usd, 10));
            w.WriteString("cost_source", cost.Source);
        }
        else
        {
            w.WriteString("cost_usd", "unknown");
            w.WriteNull("cost_source");
        }

        w.WriteEndObject();
    }

    private static void Tokens(Utf8JsonWriter w, string name, int? value)
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
