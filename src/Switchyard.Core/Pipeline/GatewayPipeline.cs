using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Resilience;
using Switchyard.Core.Routing;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Passthrough;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Pipeline;

/// <summary>
/// The request pipeline for every client protocol, stage by stage in one place: read → Authenticate → Resolve →
/// Route → (Admit, later) → Dispatch. Each stage is a small method or class; none reaches into another's internals.
/// Errors are written in the client's own protocol.
/// </summary>
public sealed class GatewayPipeline(ConfigManager config, RoutingService routing, AttemptRunner runner, ILogger<GatewayPipeline> logger, AccessLog? accessLog = null, RequestHistory? history = null)
{
    public long MaxBodyBytes { get; init; } = RequestBodyReader.DefaultMaxBytes;

    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    public Task HandleChatCompletionsAsync(HttpContext context) => HandleAsync(context, ClientProtocol.OpenAIChat);

    /// <summary><c>POST /v1/messages</c>.</summary>
    public Task HandleMessagesAsync(HttpContext context) => HandleAsync(context, ClientProtocol.AnthropicMessages);

    /// <summary><c>POST /v1/responses</c>.</summary>
    public Task HandleResponsesAsync(HttpContext context) => HandleAsync(context, ClientProtocol.OpenAIResponses);

    /// <summary><c>POST /routing/v1/{chat/completions,messages,responses}</c>: the routing decision without calling a model.</summary>
    public Task HandleDecisionAsync(HttpContext context, ClientProtocol protocol) => DecideAsync(context, protocol);

    private async Task HandleAsync(HttpContext context, ClientProtocol protocol)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        TrafficMetrics.RequestStarted();
        var record = new RequestRecord();
        GatewayRequest? request = null;
        var threw = true;
        try
        {
            request = await DispatchAsync(context, protocol, record, started).ConfigureAwait(false);
            threw = false;
        }
        finally
        {
            TrafficMetrics.RequestFinished(); // in flight: exact even when a bug or a vanished client throws
            // Record: the access log line (written off the request path), cost (and spend), and the usage debug line.
            RecordStage.Finish(context, protocol, request, record, accessLog, request?.Snapshot ?? config.Current, logger, history, threw);
            if (threw)
            {
                TrafficMetrics.RequestEnded(protocol, record.Status, null, null, started); // a 500 from a bug counts too
            }
        }
    }

    private async Task<GatewayRequest?> DispatchAsync(HttpContext context, ClientProtocol protocol, RequestRecord record, long started)
    {
        var (request, inline) = await ReadAsync(context, protocol, record).ConfigureAwait(false);
        if (request is null)
        {
            TrafficMetrics.RequestEnded(protocol, context.Response.StatusCode, null, null, started);
            return null;
        }

        // Known from here even if something below throws (the record would otherwise lose the model asked for).
        record.RequestedModel = request.RequestedModel;
        record.Stream = request.IsStreaming;

        record.CostSources = routing.Figures is Routing.Metrics.MetricsSourceRegistry { Current: { HasCost: true } sources } ? sources : null;

        using var body = request.Body;

        // Authenticate: gateway keys come later; capture the caller's provider credential for passthrough_auth.
        request.ClientCredential = ClientCredentials.From(context.Request.Headers);

        // Resolve + Route: a named model or alias directly; preference routing (router model, affinity, selection) otherwise.
        var (decision, routeError) = RoutingService.IsDirect(request.Snapshot, request.RequestedModel, inline is not null)
            ? RoutingService.RouteDirect(request.Snapshot, request.RequestedModel, request.IsStreaming, routing.Figures)
            : await routing.RouteAsync(request.Snapshot, Input(request, inline), context.RequestAborted).ConfigureAwait(false);
        if (decision is null)
        {
            await WriteErrorAsync(context, request.Errors, routeError!.Status, routeError.Message, routeError.Type, routeError.Code).ConfigureAwait(false);
            TrafficMetrics.RequestEnded(protocol, routeError.Status, request, null, started);
            return request;
        }

        record.Decision = decision;
        GatewayLog.Resolved(logger, request.RequestedModel, decision.Candidates.Count > 0 ? decision.Candidates[0].CanonicalName : "-", decision.Candidates.Count);
        RoutingExplain.SetHeaders(context.Response, decision, RoutingExplain.Wanted(context.Request.Headers), request.NativeUpstream);

        // Dispatch
        await runner.RunAsync(request, decision.ToPlan()).ConfigureAwait(false);
        TrafficMetrics.RequestEnded(protocol, context.Response.StatusCode, request, decision, started);
        return request;
    }

    /// <summary>
    /// Read: body (size-limited, pooled), envelope scan, inline routing preferences. Null after writing an error (the
    /// pooled body is then already returned); otherwise the request owns the body until the caller disposes it.
    /// </summary>
    private async Task<(GatewayRequest? Request, IReadOnlyList<RoutePreferenceConfig>? Inline)> ReadAsync(HttpContext context, ClientProtocol protocol, RequestRecord? record = null)
    {
        var (status, lease) = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var errors = CodecRegistry.Errors(protocol);
        (GatewayRequest? Request, IReadOnlyList<RoutePreferenceConfig>? Inline) result = (null, null);
        try
        {
            switch (status)
            {
                case BodyReadStatus.ClientGone:
                    return result;
                case BodyReadStatus.TooLarge:
                    await WriteErrorAsync(context, errors, 413, $"request body exceeds {MaxBodyBytes} bytes", "invalid_request_error", "request_too_large").ConfigureAwait(false);
                    return result;
                case BodyReadStatus.Empty:
                    await WriteErrorAsync(context, errors, 400, "the request body is empty; send a JSON request", "invalid_request_error", "empty_body").ConfigureAwait(false);
                    return result;
            }

            result = await ScanAsync(context, protocol, errors, lease, record).ConfigureAwait(false);
            return result;
        }
        finally
        {
            if (result.Request is null)
            {
                lease.Dispose();
            }
        }
    }

    // Completes synchronously unless it writes an error: a ValueTask costs nothing then.
    private async ValueTask<(GatewayRequest? Request, IReadOnlyList<RoutePreferenceConfig>? Inline)> ScanAsync(HttpContext context, ClientProtocol protocol, IClientErrorEncoder errors, RequestBody lease, RequestRecord? record)
    {
        var snapshot = config.Current;
        var body = lease.Memory;
        if (!RequestEnvelope.TryScan(body.Span, out var envelope, out var parseError, out var parseCode))
        {
            await WriteErrorAsync(context, errors, 400, parseError!, "invalid_request_error", parseCode!).ConfigureAwait(false);
            return (null, null);
        }

        // Inline routing_preferences are for the gateway: read them, then forward the body without them.
        IReadOnlyList<RoutePreferenceConfig>? inline = null;
        if (envelope.HasRoutingPreferences)
        {
            var valueSpan = body.Span[envelope.RoutingPreferencesValueStart..envelope.RoutingPreferencesEnd];
            if (!InlinePreferences.TryRead(valueSpan, snapshot.Catalog, out var preferences, out var prefsError))
            {
                await WriteErrorAsync(context, errors, prefsError!.Status, prefsError.Message, prefsError.Type, prefsError.Code).ConfigureAwait(false);
                return (null, null);
            }

            // A null value means "none given"; an empty list disables preference routing for this request.
            inline = valueSpan.SequenceEqual("null"u8) ? null : preferences;
            body = JsonBodyPatcher.WithoutMember(body.Span, envelope.RoutingPreferencesStart, envelope.RoutingPreferencesEnd);
            RequestEnvelope.TryScan(body.Span, out envelope, out _);
        }

        return (new GatewayRequest
        {
            HttpContext = context,
            Protocol = protocol,
            Errors = errors,
            Codec = CodecRegistry.Client(protocol),
            Body = lease,
            RawBody = body,
            Envelope = envelope,
            Snapshot = snapshot,
            Listener = snapshot.ListenerFor(context.Connection.LocalPort),
            Record = record ?? new RequestRecord(),
        }, inline);
    }

    private async Task DecideAsync(HttpContext context, ClientProtocol protocol)
    {
        var (request, inline) = await ReadAsync(context, protocol).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        using var body = request.Body;

        var (decision, routeError) = await routing.RouteAsync(request.Snapshot, Input(request, inline), context.RequestAborted).ConfigureAwait(false);
        if (decision is null)
        {
            await WriteErrorAsync(context, request.Errors, routeError!.Status, routeError.Message, routeError.Type, routeError.Code).ConfigureAwait(false);
            return;
        }

        RoutingExplain.SetHeaders(context.Response, decision, explain: false);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var json = RoutingExplain.ToJson(decision, TraceId(context), decisionApi: true);
        await context.Response.BodyWriter.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The W3C trace id of the request: the current activity's, else the caller's <c>traceparent</c>, else a new one.</summary>
    private static string TraceId(HttpContext context)
    {
        if (System.Diagnostics.Activity.Current is { } activity && activity.TraceId != default)
        {
            return activity.TraceId.ToHexString();
        }

        if (context.Request.Headers.TryGetValue("traceparent", out var tp) && tp.Count > 0 && tp[0] is { Length: >= 55 } parent
            && parent[2] == '-' && parent[35] == '-' && System.Diagnostics.ActivityTraceId.CreateFromString(parent.AsSpan(3, 32)) is var id
            && id != default)
        {
            return id.ToHexString();
        }

        return System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
    }

    /// <summary>The Route stage's view of a request (also used by the decision API).</summary>
    public static RoutingInput Input(GatewayRequest request, IReadOnlyList<RoutePreferenceConfig>? inline)
    {
        var headers = request.HttpContext.Request.Headers;
        var affinity = headers.TryGetValue(RoutingExplain.AffinityHeader, out var a) && a.Count > 0 ? a[0] : null;
        string? tenant = null;
        if (request.Snapshot.Config.Affinity.TenantHeader is { } tenantHeader && headers.TryGetValue(tenantHeader, out var t) && t.Count > 0)
        {
            tenant = t[0];
        }

        return new RoutingInput(request.RequestedModel, inline, affinity, tenant, () =>
            request.TryGetIr(out var ir, out var error) ? (ir!.Messages, null) : (null, error)) { Streaming = request.IsStreaming };
    }

    /// <summary>Writes a gateway error in the given protocol's shape.</summary>
    public static async Task WriteErrorAsync(HttpContext context, IClientErrorEncoder errors, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(errors.Body(status, message, type, code), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes a gateway error in the OpenAI shape (routes outside any client protocol).</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string code)
        => WriteErrorAsync(context, OpenAIChatErrorEncoder.Instance, status, message, type, code);
}
