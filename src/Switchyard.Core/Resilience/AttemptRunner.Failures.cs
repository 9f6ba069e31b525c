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

// What a failed attempt was: the failure built from a transport error, an empty or bad answer, an early error event
// or an upstream error status (classified by FailureTable), the reason a candidate is skipped, and its stats class.
public sealed partial class AttemptRunner
{
    /// <summary>The admin stats' class of a failed attempt (docs/resilience.md, "Stats and the admin API").</summary>
    internal static ErrorClass ErrorClassOf(AttemptFailure f) => f.Cause switch
    {
        FailureCause.Timeout => ErrorClass.Timeout,
        FailureCause.ConnectFailure or FailureCause.TransportFailure => ErrorClass.Connection,
        FailureCause.EmptyAnswer or FailureCause.InvalidAnswer => ErrorClass.InvalidAnswer,
        FailureCause.ContextOverflow => ErrorClass.ContextOverflow,
        _ when f.GatewayCredentialRefused => ErrorClass.AuthRefused,
        _ when f.Status == 429 => ErrorClass.RateLimited,
        _ when f.Status >= 500 => ErrorClass.ServerError,
        _ => ErrorClass.ClientError,
    };

    private static AttemptFailure Decide(AttemptFailure failure, UpstreamCall call)
        => failure with { Action = FailureTable.Decide(failure.Cause, failure.Status, call.Owner, CommitPhase.BeforeCommit) };

    private static AttemptFailure TransportFailure(GatewayRequest request, ResolvedModel candidate, UpstreamCall call, UpstreamTimeouts timeouts, Exception ex)
    {
        var name = candidate.CanonicalName;
        AttemptFailure failure;
        if (ex is OperationCanceledException)
        {
            var (limit, key) = request.IsStreaming ? (timeouts.FirstByte, "first_byte_timeout") : (timeouts.Request, "request_timeout");
            failure = new AttemptFailure(504, $"upstream for '{name}' did not answer within {limit.TotalSeconds:0.###} s ({key})", "timeout_error", "upstream_timeout") { Cause = FailureCause.Timeout };
        }
        else if (ex is Translation.Framing.FrameTooLargeException)
        {
            failure = new AttemptFailure(502, $"upstream for '{name}' sent an event larger than {request.Listener.MaxEventBytes} bytes (max_event_bytes)", "upstream_error", "event_too_large") { Cause = FailureCause.InvalidAnswer };
        }
        else if (ex is InvalidDataException)
        {
            failure = new AttemptFailure(502, $"upstream for '{name}' sent a malformed stream: {ex.Message}", "upstream_error", "invalid_upstream_response") { Cause = FailureCause.InvalidAnswer };
        }
        else if (ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } hre)
        {
            failure = new AttemptFailure(502, $"could not reach upstream for '{name}': {hre.Message}", "upstream_error", "upstream_unreachable") { Cause = FailureCause.ConnectFailure };
        }
        else
        {
            failure = new AttemptFailure(502, $"upstream for '{name}' failed before answering: {ex.Message}", "upstream_error", "upstream_failed") { Cause = FailureCause.TransportFailure };
        }

        return Decide(failure with { Candidate = name }, call);
    }

    private static AttemptFailure PeekFailure(GatewayRequest request, ResolvedModel candidate, UpstreamCall call, PeekResult peek)
    {
        var name = candidate.CanonicalName;
        AttemptFailure failure = peek.Kind switch
        {
            PeekKind.Empty => new AttemptFailure(502, request.IsStreaming
                    ? $"upstream for '{name}' closed the stream before the first event"
                    : $"upstream for '{name}' answered with an empty body", "upstream_error", request.IsStreaming ? "empty_stream" : "empty_response")
                { Cause = FailureCause.EmptyAnswer },
            PeekKind.Invalid => new AttemptFailure(peek.Error!.Status, peek.Error.Message, peek.Error.Type, peek.Error.Code ?? "invalid_upstream_response") { Cause = FailureCause.InvalidAnswer },
            _ => EarlyError(request, candidate, call, peek.Error!),
        };
        return Decide(failure with { Candidate = name }, call);
    }

    // An error event before any content: nothing reached the client, so it is an ordinary upstream failure with the
    // status it stands for.
    private static AttemptFailure EarlyError(GatewayRequest request, ResolvedModel candidate, UpstreamCall call, IrError e)
    {
        var refused = e.Status is 401 or 403 && call.Owner == CredentialOwner.Gateway;
        var message = refused
            ? CredentialRefusedMessage(candidate, e.Status)
            : $"upstream for '{candidate.CanonicalName}' failed: {e.Message}";
        return new AttemptFailure(e.Status, message, e.Type, e.Code ?? "upstream_error")
        {
            Cause = !refused && ContextOverflow.Matches(e.Status, e.Code, e.Message) ? FailureCause.ContextOverflow : FailureCause.Status,
            GatewayCredentialRefused = refused,
            Body = refused ? null : request.Errors.Body(e.Status, $"upstream provider '{candidate.Provider.Prefix}' failed: {e.Message}", e.Type, e.Code ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
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

        var statusText = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        AttemptFailure failure;
        if (status is 401 or 403 && call.Owner == CredentialOwner.Gateway)
        {
            // The operator's key was refused: not the client's business, and never its text (it may quote the key).
            GatewayLog.CredentialRefused(logger, KeyPool.Describe(candidate), status, SecretRedactor.Redact(raw, call.Message));
            failure = new AttemptFailure(status, CredentialRefusedMessage(candidate, status), "upstream_auth_error", "upstream_auth_error") { GatewayCredentialRefused = true };
        }
        else
        {
            // The upstream's words reach the client and the log; a key it quotes back is the operator's, never theirs.
            raw = call.Owner == CredentialOwner.Gateway ? SecretRedactor.RedactBody(raw, call.Message) : raw;
            var decoded = call.Codec?.DecodeError(status, raw);
            failure = new AttemptFailure(status, decoded is null ? $"upstream for '{candidate.CanonicalName}' answered HTTP {status}: {Excerpt(raw)}" : $"upstream for '{candidate.CanonicalName}' answered HTTP {status}: {decoded.Message}", "upstream_error", statusText)
            {
                // Same protocol: the upstream's own error body (already the client's shape). Translated: the upstream
                // error read by its codec, re-encoded in the client's shape with the upstream's message kept.
                Body = decoded is null
                    ? request.Errors.UpstreamBody(status, raw, candidate.Provider.Prefix)
                    : request.Errors.Body(status, $"upstream provider '{candidate.Provider.Prefix}' answered HTTP {status}: {decoded.Message}", decoded.Type, decoded.Code ?? statusText),
            };
        }

        var cause = !failure.GatewayCredentialRefused && ContextOverflow.Matches(status, raw) ? FailureCause.ContextOverflow : FailureCause.Status;
        failure = failure with { RetryAfter = retry.ParseRetryAfter(response.Headers), Candidate = candidate.CanonicalName, Cause = cause };
        return (AttemptKind.Failed, Decide(failure, call));
    }

    private static string CredentialRefusedMessage(ResolvedModel candidate, int status)
        => candidate.Entry.KeySlot is { } slot
            ? $"upstream provider '{candidate.Provider.Prefix}' refused the gateway's credential ({slot.Label}) for model entry '{candidate.Entry.Name}' (HTTP {status}); check that entry's access_keys"
            : $"upstream provider '{candidate.Provider.Prefix}' refused the gateway's credential for model entry '{candidate.Entry.Name}' (HTTP {status}); check that entry's access_key";

    private static string Excerpt(byte[] raw)
    {
        var text = SecretRedactor.Redact(raw.AsSpan(0, Math.Min(raw.Length, 300)), sent: null).Trim();
        return text.Length == 0 ? "(no body)" : text;
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

    private static AttemptFailure SkipReason(UpstreamBuildError error, GatewayRequest request, ResolvedModel candidate) => (error switch
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
    }) with { Candidate = candidate.CanonicalName, Action = FailureAction.FailOver };
}
