using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Pipeline;

/// <summary>
/// The Record stage (DESIGN.md §1.1): at the end of a request, everything that needs the HttpContext is copied into
/// the <see cref="RequestRecord"/> (status, request id, trace id), the cost is computed once, and the record goes to
/// the access log's queue and to the admin page's history. Nothing is formatted or written here.
/// </summary>
internal static class RecordStage
{
    /// <param name="threw">The request's handler is ending with an exception (a gateway bug or a vanished client):
    /// the last-resort handler answers it after this, so the record says what the client gets — a 500, or, once the
    /// answer had started, a cut (<c>InternalError</c>) — not the status the response held when it threw.</param>
    public static void Finish(HttpContext context, ClientProtocol protocol, GatewayRequest? request, RequestRecord record, AccessLog? accessLog, RuntimeSnapshot snapshot, ILogger logger, RequestHistory? history = null, bool threw = false)
    {
        record.Ended = Stopwatch.GetTimestamp();
        var started = context.Response.HasStarted;
        // A client that left before any answer gets none: 499 (nginx's "client closed request"), not the unsent 200.
        record.Status = !started && context.RequestAborted.IsCancellationRequested ? 499
            : threw && !started ? StatusCodes.Status500InternalServerError
            : context.Response.StatusCode;
        if (threw && started && !context.RequestAborted.IsCancellationRequested)
        {
            record.Cut ??= RequestRecord.InternalErrorCut;
        }

        // The model asked for and whether it streams are on the record since the body was read (DispatchAsync).
        if (request is not null)
        {
            record.Usage = request.Usage;
            if (request.Usage is { } u)
            {
                GatewayLog.Usage(logger, request.RequestedModel, u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.CacheWriteInputTokens, u.ReasoningTokens);
            }
        }

        // Computed here, on the request's thread, so readers elsewhere see a settled value; spend only when known.
        if (record.Cost.Usd is { } usd && request is not null)
        {
            TrafficMetrics.RecordSpend(request, (double)usd);
        }

        GatewayTracing.RequestEnded(context, request, record, snapshot.Config.Tracing); // one HasListeners read when tracing is off

        var settings = snapshot.Config.AccessLog;
        var logged = accessLog is not null && settings.Enabled;
        if (logged || history is not null)
        {
            record.Protocol = ProtocolName(protocol);
            record.TraceId = TraceIdOf(context);
        }

        if (logged)
        {
            record.RequestId = context.TraceIdentifier; // Kestrel makes this string on first read: only when logged
            accessLog!.Write(record, settings);
        }

        // The admin page's ring and traffic counters (the record is final here: cost computed above).
        history?.Add(record);
    }

    /// <summary>The access log's name of a client protocol.</summary>
    public static string ProtocolName(ClientProtocol protocol) => protocol switch
    {
        ClientProtocol.AnthropicMessages => "anthropic_messages",
        ClientProtocol.OpenAIResponses => "openai_responses",
        _ => "openai_chat",
    };

    /// <summary>The W3C trace id: the current activity's, else the caller's <c>traceparent</c>; default when neither.</summary>
    public static ActivityTraceId TraceIdOf(HttpContext context)
    {
        if (Activity.Current is { } activity && activity.TraceId != default)
        {
            return activity.TraceId;
        }

        if (context.Request.Headers.TryGetValue("traceparent", out var tp) && tp.Count > 0 && tp[0] is { Length: >= 55 } parent
            && parent[2] == '-' && parent[35] == '-' && IsHex(parent.AsSpan(3, 32)))
        {
            var id = ActivityTraceId.CreateFromString(parent.AsSpan(3, 32));
            return id.ToHexString() == "00000000000000000000000000000000" ? default : id;
        }

        return default;
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
