using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Core.Catalog;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Resilience;

/// <summary>Same protocol on both sides: the upstream's bytes relayed as they arrive (DESIGN.md §4).</summary>
public sealed partial class AttemptRunner
{
    private async Task<(AttemptKind, AttemptFailure?)> RelaySseAsync(GatewayRequest request, ResolvedModel candidate, HttpResponseMessage response, Stream upstream, CancellationTokenSource cts, int attempts, long sentAt)
    {
        using var relay = new SseRelay(upstream, request.Protocol, hideUsageChunk: request.UsageInjected);
        if (!await relay.PeekFirstEventAsync(cts.Token).ConfigureAwait(false))
        {
            return (AttemptKind.Retryable, new AttemptFailure(502, $"upstream for '{candidate.CanonicalName}' closed the stream before the first event", "upstream_error", "empty_stream"));
        }

        cts.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan); // first byte is in: the first-byte clock stops here
        RecordFirstToken(candidate, sentAt);
        var context = request.HttpContext;
        Commit(context, response, candidate, attempts, contentLength: null);
        context.Response.Headers.CacheControl = "no-cache";
        var end = await relay.RelayAsync(context.Response.BodyWriter, cts, request.Listener.StreamIdleTimeout, context.RequestAborted).ConfigureAwait(false);
        if (relay.Usage is { } usage)
        {
            request.Usage = new Ir.IrUsage
            {
                InputTokens = usage.PromptTokens,
                OutputTokens = usage.CompletionTokens,
                CachedInputTokens = usage.CachedTokens,
                ReasoningTokens = usage.ReasoningTokens,
            };
        }

        if (end is RelayEnd.UpstreamCut or RelayEnd.IdleTimeout)
        {
            var text = end == RelayEnd.IdleTimeout
                ? $"upstream for '{candidate.CanonicalName}' sent nothing for {request.Listener.StreamIdleTimeout.TotalSeconds:0.###} s; the stream is incomplete"
                : $"upstream for '{candidate.CanonicalName}' ended the stream before it was complete";
            GatewayLog.StreamCut(logger, candidate.CanonicalName, end.ToString());
            await WriteQuietlyAsync(context, request.Errors.StreamErrorEvent(text, end == RelayEnd.IdleTimeout ? "stream_idle_timeout" : "stream_interrupted")).ConfigureAwait(false);
        }

        return (end == RelayEnd.ClientGone ? AttemptKind.ClientGone : AttemptKind.Committed, null);
    }

    private async Task<(AttemptKind, AttemptFailure?)> RelayBodyAsync(GatewayRequest request, ResolvedModel candidate, HttpResponseMessage response, Stream upstream, CancellationTokenSource cts, int attempts, long sentAt)
    {
        using var relay = new BodyRelay(upstream);
        if (!await relay.PeekAsync(cts.Token).ConfigureAwait(false))
        {
            return (AttemptKind.Retryable, new AttemptFailure(502, $"upstream for '{candidate.CanonicalName}' answered with an empty body", "upstream_error", "empty_response"));
        }

        cts.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
        RecordFirstToken(candidate, sentAt);
        var context = request.HttpContext;
        Commit(context, response, candidate, attempts, response.Content.Headers.ContentLength);
        var end = await relay.RelayAsync(context.Response.BodyWriter, cts, request.Listener.StreamIdleTimeout, context.RequestAborted).ConfigureAwait(false);
        if (end is RelayEnd.UpstreamCut or RelayEnd.IdleTimeout)
        {
            // A JSON body cannot carry an error after the fact: abort so the client sees a broken response, not a short one.
            GatewayLog.StreamCut(logger, candidate.CanonicalName, end.ToString());
            context.Abort();
        }

        return (end == RelayEnd.ClientGone ? AttemptKind.ClientGone : AttemptKind.Committed, null);
    }

    private static void Commit(HttpContext context, HttpResponseMessage response, ResolvedModel candidate, int attempts, long? contentLength)
    {
        var r = context.Response;
        r.StatusCode = (int)response.StatusCode;
        r.ContentType = response.Content.Headers.ContentType?.ToString();
        if (contentLength is { } length)
        {
            r.ContentLength = length;
        }

        SetGatewayHeaders(r, candidate, attempts);
        CopyUpstreamHeaders(response, r);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    // Upstream metadata clients use (request ids for support tickets, rate-limit budgets); hop-by-hop and
    // transport headers stay behind.
    private static void CopyUpstreamHeaders(HttpResponseMessage response, HttpResponse r)
    {
        foreach (var header in response.Headers)
        {
            var name = header.Key;
            if (name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("openai-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-request-id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("retry-after", StringComparison.OrdinalIgnoreCase))
            {
                r.Headers[name] = header.Value.ToArray();
            }
        }
    }

    private static void SetGatewayHeaders(HttpResponse r, ResolvedModel candidate, int attempts)
    {
        r.Headers[ProviderHeader] = candidate.Provider.Prefix;
        r.Headers[ModelHeader] = candidate.CanonicalName;
        r.Headers[AttemptsHeader] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
