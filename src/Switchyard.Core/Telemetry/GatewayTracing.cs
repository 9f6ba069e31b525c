using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Switchyard.Core.Catalog;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The gateway's spans (docs/observability.md, "Traces") on the <c>Switchyard</c> <see cref="ActivitySource"/>: a
/// client span per upstream attempt and one for the router-model call, children of the server span ASP.NET Core
/// starts for the request; the server span gets the request's outcome (served model, usage, cost, route) at the
/// Record stage. W3C trace context goes to every upstream: the attempt span's when tracing is on, the caller's own
/// <c>traceparent</c>/<c>tracestate</c> untouched when it is off.
/// </summary>
/// <remarks>
/// Cost when tracing is off (no TracerProvider, the default, or <c>random_sampling: 0</c>): nothing listens to the
/// source, so each hook is one <see cref="ActivitySource.HasListeners"/> read; the only other work is one header
/// lookup per attempt for the caller's <c>traceparent</c>. No span, no string, no allocation.
/// </remarks>
public static class GatewayTracing
{
    public const string SourceName = "Switchyard";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    internal static readonly ActivitySource Source = new(SourceName, typeof(GatewayTracing).Assembly.GetName().Version?.ToString());

    /// <summary>True while a TracerProvider listens to the gateway's spans.</summary>
    public static bool Active => Source.HasListeners();

    /// <summary>
    /// Starts the client span of one upstream attempt (null when tracing is off). <paramref name="rank"/> is the
    /// candidate's 1-based place in the plan; <paramref name="attemptNo"/> counts attempts of the request.
    /// </summary>
    public static Activity? StartAttempt(GatewayRequest request, ResolvedModel candidate, int attemptNo, int rank)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var span = Source.StartActivity("chat " + candidate.ModelId, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("gen_ai.operation.name", "chat");
            span.SetTag("gen_ai.provider.name", TrafficMetrics.ProviderLabel(candidate.Provider.Prefix));
            span.SetTag("gen_ai.request.model", candidate.ModelId);
            span.SetTag("switchyard.model", candidate.CanonicalName);
            span.SetTag("switchyard.endpoint", RequestRecord.EndpointOf(candidate));
            span.SetTag("switchyard.route", request.Record.Decision?.Route);
            span.SetTag("switchyard.candidate.rank", rank);
            span.SetTag("switchyard.attempt", attemptNo);
            span.SetTag("switchyard.stream", request.IsStreaming);
        }

        return span;
    }

    /// <summary>
    /// W3C trace context on an upstream request: the span's (its id becomes the upstream's parent) when there is one;
    /// with tracing on but this trace not sampled (no attempt span is created under an unsampled parent), the
    /// server span's, flagged not sampled, so the upstream sees the trace id the access log has; with tracing off,
    /// the caller's <c>traceparent</c>/<c>tracestate</c> as received (a proxy that does not trace passes them on).
    /// </summary>
    public static void Propagate(HttpRequestMessage message, Activity? span, HttpContext? context)
    {
        var headers = message.Headers;
        if (span is null && Source.HasListeners())
        {
            span = Activity.Current;
        }

        if (span is not null && span.IdFormat == ActivityIdFormat.W3C)
        {
            headers.Remove(TraceParent);
            headers.TryAddWithoutValidation(TraceParent, span.Id);
            if (span.TraceStateString is { Length: > 0 } state)
            {
                headers.Remove(TraceState);
                headers.TryAddWithoutValidation(TraceState, state);
            }

            return;
        }

        if (context is not null && context.Request.Headers.TryGetValue(TraceParent, out var parent) && parent.Count == 1 && IsTraceParent(parent[0]))
        {
            headers.Remove(TraceParent);
            headers.TryAddWithoutValidation(TraceParent, parent[0]);
            if (context.Request.Headers.TryGetValue(TraceState, out var state) && state.Count > 0)
            {
                headers.Remove(TraceState);
                headers.TryAddWithoutValidation(TraceState, (IEnumerable<string?>)state);
            }
        }
    }

    /// <summary>
    /// An attempt is over. A committed answer's span stays open until the Record stage adds the request's cost
    /// (<see cref="RequestEnded"/>); every other span ends here, marked with <c>error.type</c> when it failed.
    /// </summary>
    public static void AttemptEnded(Activity? span, GatewayRequest request, bool committed, int status, ErrorClass? error, string? code, bool clientGone, long sentTicks, long firstChunkTicks, string? responseModel)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            if (status > 0)
            {
                span.SetTag("http.response.status_code", status);
            }

            if (firstChunkTicks != 0)
            {
                span.SetTag("switchyard.time_to_first_token", Stopwatch.GetElapsedTime(sentTicks, firstChunkTicks).TotalSeconds);
            }

            if (error is { } e)
            {
                span.SetTag("error.type", TrafficMetrics.ErrorType(e));
                span.SetStatus(ActivityStatusCode.Error, code);
            }
            else if (clientGone)
            {
                span.SetTag("switchyard.outcome", "client_gone");
            }
            else if (committed)
            {
                span.SetTag("gen_ai.response.model", responseModel ?? ((span.GetTagItem("gen_ai.request.model") as string) ?? ""));
                Usage(span, request.Usage);
            }
        }

        if (committed && error is null && !clientGone)
        {
            request.ServedSpan = span;
            return;
        }

        span.Stop();
    }

    /// <summary>
    /// The Record stage: the served attempt's span gets the cost and ends; the server span (ASP.NET Core's) gets
    /// the request's outcome and the configured <c>span_attributes</c>.
    /// </summary>
    public static void RequestEnded(HttpContext context, GatewayRequest? request, RequestRecord record, Configuration.TracingSettings settings)
    {
        var served = request?.ServedSpan;
        if (served is null && !Source.HasListeners())
        {
            return;
        }

        var cost = record.Cost;
        if (served is not null)
        {
            request!.ServedSpan = null;
            if (served.IsAllDataRequested && cost.Usd is { } attemptUsd)
            {
                served.SetTag("switchyard.cost.usd", (double)attemptUsd);
            }

            served.Stop();
        }

        if (Activity.Current is not { IsAllDataRequested: true } server || server.Kind != ActivityKind.Server)
        {
            return;
        }

        server.SetTag("gen_ai.operation.name", "chat");
        server.SetTag("switchyard.client.protocol", RecordStage.ProtocolName(request?.Protocol ?? ClientProtocol.OpenAIChat));
        if (request is not null)
        {
            server.SetTag("gen_ai.request.model", request.RequestedModel);
            server.SetTag("switchyard.stream", request.IsStreaming);
        }

        if (record.Decision is { } decision)
        {
            server.SetTag("switchyard.route", decision.Route);
            server.SetTag("switchyard.routing.method", decision.Method == RoutingMethod.Direct ? "direct" : RoutingExplain.MethodName(decision.Method));
        }

        if (record.Served is { } model)
        {
            server.SetTag("gen_ai.provider.name", TrafficMetrics.ProviderLabel(model.Provider.Prefix));
            server.SetTag("gen_ai.response.model", model.CanonicalName);
        }

        server.SetTag("switchyard.attempts", record.AttemptCount);
        Usage(server, record.Usage);
        if (cost.Usd is { } usd)
        {
            server.SetTag("switchyard.cost.usd", (double)usd);
        }

        if (record.TimeToFirstByte is { } ttfb)
        {
            server.SetTag("switchyard.time_to_first_token", ttfb.TotalSeconds);
        }

        SpanAttributes(server, context, settings);
    }

    /// <summary>Starts the span of a router-model call (null when tracing is off).</summary>
    public static Activity? StartRouter(ResolvedModel router)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var span = Source.StartActivity("route " + router.ModelId, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("gen_ai.operation.name", "chat");
            span.SetTag("gen_ai.provider.name", TrafficMetrics.ProviderLabel(router.Provider.Prefix));
            span.SetTag("gen_ai.request.model", router.ModelId);
            span.SetTag("switchyard.model", router.CanonicalName);
        }

        return span;
    }

    /// <summary>The router call is over: its chosen route, or why it failed (the request then fails open).</summary>
    public static void RouterEnded(Activity? span, RouterCallResult result)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            if (result.Failed)
            {
                span.SetTag("error.type", result.FailureName);
                span.SetStatus(ActivityStatusCode.Error, result.FailureName);
            }
            else
            {
                span.SetTag("switchyard.router.route", result.Decision?.Route ?? "");
            }
        }

        span.Stop();
    }

    private static void Usage(Activity span, Ir.IrUsage? usage)
    {
        if (usage is null)
        {
            return;
        }

        if (usage.InputTokens is { } input)
        {
            span.SetTag("gen_ai.usage.input_tokens", input);
        }

        if (usage.OutputTokens is { } output)
        {
            span.SetTag("gen_ai.usage.output_tokens", output);
        }

        if (usage.CachedInputTokens is > 0)
        {
            span.SetTag("gen_ai.usage.cache_read.input_tokens", usage.CachedInputTokens.Value);
        }

        if (usage.CacheWriteInputTokens is > 0)
        {
            span.SetTag("gen_ai.usage.cache_creation.input_tokens", usage.CacheWriteInputTokens.Value);
        }

        if (usage.ReasoningTokens is > 0)
        {
            span.SetTag("gen_ai.usage.reasoning.output_tokens", usage.ReasoningTokens.Value);
        }
    }

    // Plano's span_attributes: static pairs as written; request headers by prefix, named by the rest of the header
    // name with '-' as '.' (x-tenant-org-id under prefix x-tenant- → org.id). Credential headers never.
    private static void SpanAttributes(Activity server, HttpContext context, Configuration.TracingSettings settings)
    {
        foreach (var (key, value) in settings.StaticAttributes)
        {
            server.SetTag(key, value);
        }

        if (settings.HeaderPrefixes.Count == 0)
        {
            return;
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var prefix in settings.HeaderPrefixes)
            {
                if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && Configuration.TracingReader.MayCopyHeader(name))
                {
                    var key = name[prefix.Length..].TrimStart('-').Replace('-', '.').ToLowerInvariant();
                    if (key.Length > 0)
                    {
                        server.SetTag(key, values.ToString().Trim());
                    }

                    break;
                }
            }
        }
    }

    private static bool IsTraceParent(string? value)
        => value is { Length: 55 } && value[2] == '-' && value[35] == '-' && value[52] == '-' && !value.StartsWith("ff", StringComparison.Ordinal);
}
