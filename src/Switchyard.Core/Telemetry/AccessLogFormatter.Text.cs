using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchyard.Core.Telemetry;

/// <summary>The access log's <c>key=value</c> text format (<c>access_log: {format: text}</c>).</summary>
public static partial class AccessLogFormatter
{
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
