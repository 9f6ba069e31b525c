using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Relay;
using Switchyard.Core.Limits;
using Switchyard.Core.State.RateLimits;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Dispatch (DESIGN.md §1.1): walks the candidate list; for each candidate builds the upstream request with the one
/// builder, sends it under the split timeouts, and hands the answer to a relay whose peek finds the commit point.
/// Every failure goes through <see cref="FailureTable"/> — retry the same endpoint (within <c>max_retries</c>, with
/// Retry-After or jittered backoff), fail over, or stop — and every attempt is recorded on its endpoint's
/// <see cref="EndpointState"/>. Nothing fails over after a byte reached the client; when every candidate failed the
/// client gets one aggregated error in its own protocol.
/// </summary>
public sealed partial class AttemptRunner(UpstreamHttp http, RetryPolicy retry, TimeProvider time, ILogger<AttemptRunner> logger, ObservedLatency? observed = null, RateLimiter? limits = null)
{
    public const string ProviderHeader = RelayHeaders.ProviderHeader;
    public const string ModelHeader = RelayHeaders.ModelHeader;
    public const string AttemptsHeader = RelayHeaders.AttemptsHeader;

    private const int MaxErrorBody = 64 * 1024;

    /// <summary>Dispatches <paramref name="request"/> along <paramref name="plan"/> and writes the response.</summary>
    public async Task RunAsync(GatewayRequest request, RoutePlan plan)
    {
        var aborted = request.HttpContext.RequestAborted;
        var listener = request.Listener;
        List<AttemptFailure>? failures = null; // most requests succeed on the first attempt: no list for them
        var attempts = 0;
        var trail = new FallbackTrail(plan); // a struct: nothing allocated unless a fallback step happens
        ResolvedModel? previous = null;

        for (var index = 0; index < trail.Candidates.Count; index++)
        {
            var candidate = trail.Candidates[index];
            if (previous is not null && failures is { Count: > 0 })
            {
                TrafficMetrics.Failover(previous, candidate, failures[^1]);
            }

            previous = candidate;
            trail.Enter(request, index, failures);
            for (var retryNo = 0; ; retryNo++)
            {
                var (kind, failure) = trail.Preflight(request, candidate) is { } tooLong
                    ? (AttemptKind.Skipped, tooLong)
                    : await AttemptAsync(request, candidate, attempts + 1, rank: index + 1).ConfigureAwait(false);
                Note(request, candidate, kind, failure);
                if (kind == AttemptKind.Skipped && failure!.Action != FailureAction.ContextFallback)
                {
                    (failures ??= new List<AttemptFailure>(2)).Add(failure!);
                    break;
                }

                attempts += kind == AttemptKind.Skipped ? 0 : 1;
                if (kind is AttemptKind.Committed or AttemptKind.ClientGone)
                {
                    return;
                }

                if (candidate.Entry.KeySlot is { } slot)
                {
                    // Keys of one entry are distinct attempts, named by position (never by value).
                    failure = failure! with
                    {
                        Candidate = $"{candidate.CanonicalName} ({slot.Label})",
                        Message = failure.GatewayCredentialRefused ? failure.Message : $"{failure.Message} ({slot.Label})",
                    };
                }

                GatewayLog.AttemptFailed(logger, KeyPool.Describe(candidate), attempts, failure!.Status, failure.Message);
                if (failure.Action == FailureAction.ContextFallback && trail.OnOverflow(request, candidate))
                {
                    (failures ??= new List<AttemptFailure>(2)).Add(failure);
                    index = -1; // the context-window fallbacks replace what was left of the plan
                    break;
                }

                if (failure.Action is FailureAction.Final or FailureAction.ContextFallback)
                {
                    await WriteFailureAsync(request, candidate, failure, attempts).ConfigureAwait(false);
                    return;
                }

                (failures ??= new List<AttemptFailure>(2)).Add(failure);
                if (failure.Action == FailureAction.FailOver || retryNo >= listener.MaxRetries)
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

        // Circuit breakers / bulkheads: every candidate was skipped by the gate, none tried: one attempt anyway.
        if (attempts == 0 && EndpointGate.LastResort(request, trail.Candidates, failures) is { } last)
        {
            var (kind, failure) = await AttemptAsync(request, last.Candidate, 1, trail.Candidates.Count, last.Pass).ConfigureAwait(false);
            Note(request, last.Candidate, kind, failure);
            if (kind is AttemptKind.Committed or AttemptKind.ClientGone)
            {
                return;
            }

            if (kind != AttemptKind.Skipped)
            {
                attempts++;
                GatewayLog.AttemptFailed(logger, last.Candidate.CanonicalName, attempts, failure!.Status, failure.Message);
            }

            failures!.Add(failure!);
        }

        await WriteFailureAsync(request, trail.Candidates[^1], FailureAggregate.Of(failures ?? []), attempts).ConfigureAwait(false);
    }


    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(AttemptKind, AttemptFailure?)> AttemptAsync(GatewayRequest request, ResolvedModel candidate, int attemptNo, int rank, GatePass pass = GatePass.Normal)
    {
        var timeouts = UpstreamTimeouts.For(request.Listener, candidate.Entry);
        var build = UpstreamRequestFactory.TryCreate(request, candidate, timeouts.Connect, out var call, out var buildError);
        if (build == UpstreamBuildError.Untranslatable)
        {
            // The client's request itself cannot be expressed (bad body, or content the target cannot take):
            // another candidate of another protocol might take it, so it is skipped rather than final.
            return (AttemptKind.Skipped, new AttemptFailure(buildError!.Status, buildError.Message, buildError.Type, buildError.Code ?? "untranslatable_request") { Candidate = candidate.CanonicalName, Action = FailureAction.FailOver });
        }

        if (build != UpstreamBuildError.None)
        {
            return (AttemptKind.Skipped, SkipReason(build, request, candidate));
        }

        var endpoint = request.Snapshot.Endpoints.For(candidate.Entry);

        // Admit — rate limits (docs/resilience.md, "Rate limits"): a candidate at its limit is skipped, not tried.
        var lease = default(RateLimitLease);
        if (limits?.Admit(request, candidate, endpoint, out lease) is { } limited)
        {
            TrafficMetrics.RateLimitRejected(candidate);
            call!.Message.Dispose();
            return (AttemptKind.Skipped, limited);
        }

        var context = request.HttpContext;
        var aborted = context.RequestAborted;

        // Circuit breaker + bulkhead: an open endpoint (or a full one) is skipped without an attempt.
        if (await EndpointGate.EnterAsync(endpoint, candidate, pass, time, aborted).ConfigureAwait(false) is { } gated)
        {
            limits?.Release(lease, candidate, endpoint); // not attempted: the rate-limit charge goes back
            call!.Message.Dispose();
            return (AttemptKind.Skipped, gated);
        }

        using var timers = new AttemptTimers(time, aborted, timeouts.StreamIdle);
        var message = call!.Message;
        HttpResponseMessage? response = null;
        UpstreamRelay? relay = null;
        var sentAt = time.GetTimestamp();
        var sentTicks = System.Diagnostics.Stopwatch.GetTimestamp(); // metrics measure real time whatever the policy clock
        var firstChunkTicks = 0L;
        endpoint.Start();
        var outcome = (AttemptKind.ClientGone, (AttemptFailure?)null);
        var span = GatewayTracing.StartAttempt(request, candidate, attemptNo, rank); // null unless tracing is on
        GatewayTracing.Propagate(message, span, context);
        try
        {
            timers.ArmDeadline(request.IsStreaming ? timeouts.FirstByte : timeouts.Request);
            response = await http.For(candidate.Provider).SendAsync(message, timers.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                outcome = await UpstreamErrorAsync(request, candidate, call, response, timers.Token).ConfigureAwait(false);
                return outcome;
            }

            var upstream = await response.Content.ReadAsStreamAsync(timers.Token).ConfigureAwait(false);
            relay = UpstreamRelay.For(new RelayScope
            {
                Request = request,
                Candidate = candidate,
                Call = call,
                Response = response,
                Upstream = upstream,
                Timers = timers,
                Timeouts = timeouts,
                MaxEventBytes = request.Listener.MaxEventBytes,
                Attempts = attemptNo,
                Logger = logger,
                CaptureModel = span is { IsAllDataRequested: true },
            });
            var peek = await relay.PeekAsync().ConfigureAwait(false);
            if (peek.Kind != PeekKind.Ready)
            {
                outcome = (AttemptKind.Failed, PeekFailure(request, candidate, call, peek));
                return outcome;
            }

            if (request.IsStreaming)
            {
                timers.DisarmDeadline(); // the first event is in: the first-byte clock stops here
                firstChunkTicks = System.Diagnostics.Stopwatch.GetTimestamp();
                endpoint.RecordTimeToFirstToken(time.GetElapsedTime(sentAt));
            }

            RecordFirstToken(candidate, sentAt);
            Committing(request, candidate);
            var end = await relay.RelayAsync().ConfigureAwait(false);
            request.Usage = relay.Usage ?? request.Usage;
            if (end is not (RelayEnd.Complete or RelayEnd.ClientGone))
            {
                GatewayLog.StreamCut(logger, candidate.CanonicalName, end.ToString());
                request.Record.Cut = end.ToString();
                var cutAt = time.GetUtcNow();
                endpoint.RecordFailure(cutAt, 200, end.ToString(), credentialRefused: false);
                endpoint.CountError(ErrorClass.StreamCut, cutAt, 200, $"the answer from '{candidate.CanonicalName}' was cut after it had started ({end})");
            }
            else if (end == RelayEnd.Complete)
            {
                var duration = time.GetElapsedTime(sentAt);
                endpoint.RecordSuccess(time.GetUtcNow(), status, request.IsStreaming ? null : duration);
                endpoint.RecordCompleted(duration, request.Usage is { } u ? (long)(u.InputTokens ?? 0) + (u.OutputTokens ?? 0) : 0);
            }

            outcome = (end == RelayEnd.ClientGone ? AttemptKind.ClientGone : AttemptKind.Committed, null);
            return outcome;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return outcome = (AttemptKind.ClientGone, null);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is OperationCanceledException or HttpRequestException or IOException or InvalidDataException)
        {
            outcome = (AttemptKind.Failed, TransportFailure(request, candidate, call, timeouts, ex));
            return outcome;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            // A bug in the gateway (a codec, a relay) before anything was sent: a clean 500 in the client's protocol.
            GatewayLog.AttemptCrashed(logger, candidate.CanonicalName, ex);
            outcome = (AttemptKind.Failed, new AttemptFailure(500, $"the gateway failed while handling the answer from '{candidate.CanonicalName}'", "server_error", "internal_error") { Candidate = candidate.CanonicalName, Action = FailureAction.Final });
            return outcome;
        }
        catch (Exception ex)
        {
            // After commit: never a clean end. Streams get the protocol's error event; a JSON body is aborted.
            GatewayLog.AttemptCrashed(logger, candidate.CanonicalName, ex);
            request.Record.Cut ??= RequestRecord.InternalErrorCut; // the access log and the admin page show the answer as cut
            if (request.IsStreaming)
            {
                await WriteQuietlyAsync(context, request.Errors.StreamErrorEvent($"the gateway failed while relaying the answer from '{candidate.CanonicalName}'", "internal_error")).ConfigureAwait(false);
            }
            else
            {
                context.Abort();
            }

            return outcome = (AttemptKind.Committed, null);
        }
        finally
        {
            endpoint.Finish();
            limits?.Settle(lease, outcome.Item1, outcome.Item2, request.Usage); // tpm: the estimate becomes the real usage
            if (outcome.Item1 == AttemptKind.Failed && outcome.Item2 is { } f)
            {
                var failedAt = time.GetUtcNow();
                endpoint.CountError(ErrorClassOf(f), failedAt, f.Status, SecretRedactor.Redact(f.Message, call.Message));
                if (FailureTable.IsUpstreamFault(f.Cause, f.Status, call.Owner))
                {
                    endpoint.RecordFailure(failedAt, f.Status, f.Code, f.GatewayCredentialRefused);
                    EndpointGate.AfterFailure(endpoint, f, failedAt, logger);
                    TrafficMetrics.AfterFailure(endpoint, candidate, failedAt);
                }
            }

            var errorClass = outcome.Item1 == AttemptKind.Failed && outcome.Item2 is { } failed ? ErrorClassOf(failed) : request.Record.Cut is not null ? ErrorClass.StreamCut : (ErrorClass?)null;
            TrafficMetrics.AttemptEnded(request, candidate, sentTicks, firstChunkTicks, errorClass, outcome.Item1 == AttemptKind.ClientGone, relay?.Events ?? 0);
            GatewayTracing.AttemptEnded(span, request, outcome.Item1 == AttemptKind.Committed, response is null ? 0 : (int)response.StatusCode, errorClass,
                outcome.Item2?.Code ?? request.Record.Cut, outcome.Item1 == AttemptKind.ClientGone, sentTicks, firstChunkTicks, relay?.Model);

            relay?.Dispose();
            response?.Dispose();
            message.Dispose();
        }
    }

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
        RelayHeaders.SetGatewayHeaders(r, candidate, attempts);
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

    // Feeds the built-in `observed` latency source, keyed by the config entry (bounded by the config) — never by the
    // client's model string, which under a wildcard is anything the client makes up.
    private void RecordFirstToken(ResolvedModel candidate, long sentAt) =>
        observed?.Record(candidate.Entry.IsWildcard ? candidate.Entry.Name : candidate.CanonicalName, time.GetElapsedTime(sentAt));
}
