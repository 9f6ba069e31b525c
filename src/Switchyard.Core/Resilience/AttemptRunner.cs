using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Walks the candidate list: for each candidate, up to <c>1 + max_retries</c> attempts (with Retry-After or
/// jittered backoff between them), then the next candidate. Failover happens only before the commit point — the
/// first upstream event (or body chunk) — and never after a byte reached the client; a stream cut after that ends
/// with an error event.
/// </summary>
public sealed partial class AttemptRunner(UpstreamHttp http, RetryPolicy retry, TimeProvider time, ILogger<AttemptRunner> logger, ObservedLatency? observed = null)
{
    public const string ProviderHeader = "x-switchyard-provider";
    public const string ModelHeader = "x-switchyard-model";
    public const string AttemptsHeader = "x-switchyard-attempts";

    private const int MaxErrorBody = 64 * 1024;

    /// <summary>Dispatches <paramref name="request"/> along <paramref name="plan"/> and writes the response.</summary>
    public async Task RunAsync(GatewayRequest request, RoutePlan plan)
    {
        var context = request.HttpContext;
        var aborted = context.RequestAborted;
        var listener = request.Listener;
        AttemptFailure? last = null;
        var attempts = 0;

        foreach (var candidate in plan.Candidates)
        {
            for (var retryNo = 0; ; retryNo++)
            {
                var (kind, failure) = await AttemptAsync(request, candidate, attempts + 1).ConfigureAwait(false);
                if (kind == AttemptKind.Skipped)
                {
                    last = failure;
                    break;
                }

                attempts++;
                switch (kind)
                {
                    case AttemptKind.Committed:
                    case AttemptKind.ClientGone:
                        return;
                    case AttemptKind.Final:
                        await WriteFailureAsync(request, candidate, failure!, attempts).ConfigureAwait(false);
                        return;
                }

                last = failure;
                GatewayLog.AttemptFailed(logger, candidate.CanonicalName, attempts, failure!.Status, failure.Message);
                if (retryNo >= listener.MaxRetries)
                {
                    break;
                }

                var delay = retry.NextDelay(retryNo, failure.RetryAfter);
                if (delay is null)
                {
                    break; // Retry-After longer than we are willing to hold the client: fail over instead
                }

                try
                {
                    await Task.Delay(delay.Value, time, aborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        last ??= new AttemptFailure(502, "no candidate model could be tried", "upstream_error", "no_candidates");
        await WriteFailureAsync(request, plan.Candidates[^1], last, attempts).ConfigureAwait(false);
    }

    private async Task<(AttemptKind, AttemptFailure?)> AttemptAsync(GatewayRequest request, ResolvedModel candidate, int attemptNo)
    {
        var build = UpstreamRequestFactory.TryCreate(request, candidate, out var call, out var buildError);
        if (build == UpstreamBuildError.Untranslatable)
        {
            // The client's request itself cannot be expressed (bad body, or content the target cannot take):
            // another candidate of another protocol might take it, so it is skipped rather than final.
            return (AttemptKind.Skipped, new AttemptFailure(buildError!.Status, buildError.Message, buildError.Type, buildError.Code ?? "untranslatable_request"));
        }

        if (build != UpstreamBuildError.None)
        {
            return (AttemptKind.Skipped, SkipReason(build, request, candidate));
        }

        var message = call!.Message;

        var context = request.HttpContext;
        var aborted = context.RequestAborted;
        var listener = request.Listener;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        cts.CancelAfter(listener.Timeout);
        HttpResponseMessage? response = null;
        var sentAt = time.GetTimestamp();
        try
        {
            try
            {
                response = await http.For(candidate.Provider).SendAsync(message!, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return (AttemptKind.ClientGone, null);
            }
            catch (OperationCanceledException)
            {
                return (AttemptKind.Retryable, Timeout(candidate, listener.Timeout));
            }
            catch (HttpRequestException ex)
            {
                return (AttemptKind.Retryable, new AttemptFailure(502, $"could not reach upstream for '{candidate.CanonicalName}': {ex.Message}", "upstream_error", "upstream_unreachable"));
            }

            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                return await UpstreamErrorAsync(request, candidate, call, response, cts.Token).ConfigureAwait(false);
            }

            var upstream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            if (!call.IsPassthrough)
            {
                return request.IsStreaming
                    ? await TranslateStreamAsync(request, candidate, call, response, upstream, cts, attemptNo, sentAt).ConfigureAwait(false)
                    : await TranslateResponseAsync(request, candidate, call, response, upstream, cts, attemptNo, sentAt).ConfigureAwait(false);
            }

            var isSse = response.Content.Headers.ContentType?.MediaType is "text/event-stream";
            return isSse
                ? await RelaySseAsync(request, candidate, response, upstream, cts, attemptNo, sentAt).ConfigureAwait(false)
                : await RelayBodyAsync(request, candidate, response, upstream, cts, attemptNo, sentAt).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (AttemptKind.ClientGone, null);
        }
        catch (OperationCanceledException)
        {
            return (AttemptKind.Retryable, Timeout(candidate, listener.Timeout));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !context.Response.HasStarted)
        {
            return (AttemptKind.Retryable, new AttemptFailure(502, $"upstream for '{candidate.CanonicalName}' failed before answering: {ex.Message}", "upstream_error", "upstream_failed"));
        }
        finally
        {
            response?.Dispose();
            message.Dispose();
        }
    }

    private async Task<(AttemptKind, AttemptFailure?)> UpstreamErrorAsync(GatewayRequest request, ResolvedModel candidate, UpstreamCall call, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        byte[] raw;
        try
        {
            raw = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            raw = [];
        }

        var decoded = call.Codec?.DecodeError(status, raw);
        var failure = new AttemptFailure(status, $"upstream answered HTTP {status}", "upstream_error", status.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            // Same protocol: the upstream's own error body (already the client's shape). Translated: the upstream
            // error read by its codec, re-encoded in the client's shape with the upstream's message kept.
            Body = decoded is null
                ? request.Errors.UpstreamBody(status, raw, candidate.Provider.Prefix)
                : request.Errors.Body(status, $"upstream provider '{candidate.Provider.Prefix}' answered HTTP {status}: {decoded.Message}", decoded.Type, decoded.Code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            RetryAfter = retry.ParseRetryAfter(response.Headers),
        };
        var retryable = status is 408 or 429 || status >= 500;
        return (retryable ? AttemptKind.Retryable : AttemptKind.Final, failure);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBody];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += n;
        }

        return buffer.AsSpan(0, total).ToArray();
    }

    private static AttemptFailure Timeout(ResolvedModel candidate, TimeSpan timeout)
        => new(504, $"upstream for '{candidate.CanonicalName}' did not answer within {timeout.TotalSeconds:0.###} s", "timeout_error", "upstream_timeout");

    private static AttemptFailure SkipReason(UpstreamBuildError error, GatewayRequest request, ResolvedModel candidate) => error switch
    {
        UpstreamBuildError.MissingCredential => new AttemptFailure(500,
            $"provider '{candidate.Provider.Prefix}' for model '{candidate.CanonicalName}' has no access_key configured (set access_key, or passthrough_auth: true)",
            "gateway_configuration_error", "missing_access_key"),
        UpstreamBuildError.MissingClientCredential => new AttemptFailure(401,
            $"model '{candidate.CanonicalName}' uses the caller's own credential (passthrough_auth), but the request has no Authorization or x-api-key header",
            "authentication_error", "missing_credential"),
        _ => new AttemptFailure(501,
            $"model '{candidate.CanonicalName}' is served by '{candidate.Provider.Prefix}', which speaks {candidate.ProtocolFor(request.NativeUpstream)}; translating {request.Protocol} to it is not supported by this build yet",
            "unsupported_provider_protocol", "protocol_not_supported"),
    };

    private static async Task WriteFailureAsync(GatewayRequest request, ResolvedModel candidate, AttemptFailure failure, int attempts)
    {
        var context = request.HttpContext;
        if (context.Response.HasStarted)
        {
            return;
        }

        var r = context.Response;
        r.StatusCode = failure.Status;
        r.ContentType = "application/json";
        SetGatewayHeaders(r, candidate, attempts);
        if (failure.RetryAfter is { } ra && failure.Status == (int)HttpStatusCode.TooManyRequests)
        {
            r.Headers.RetryAfter = Math.Ceiling(ra.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = failure.Body ?? request.Errors.Body(failure.Status, failure.Message, failure.Type, failure.Code);
        await WriteQuietlyAsync(context, body).ConfigureAwait(false);
    }

    private static async Task WriteQuietlyAsync(HttpContext context, byte[] bytes)
    {
        try
        {
            await context.Response.BodyWriter.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client is gone; nothing left to tell it.
        }
    }
}
