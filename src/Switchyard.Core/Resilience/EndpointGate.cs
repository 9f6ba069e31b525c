using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Resilience;

/// <summary>How the gate treats one attempt.</summary>
internal enum GatePass
{
    /// <summary>First pass over the candidates: an open breaker or a full bulkhead skips the endpoint.</summary>
    Normal,
    /// <summary>No other candidate: wait up to <c>queue_timeout</c> for a bulkhead slot.</summary>
    Wait,
    /// <summary>Every candidate was open: try this one anyway (the breaker never makes a total outage on its own).</summary>
    Force,
}

/// <summary>
/// The admission check of dispatch for circuit breakers (§2) and bulkheads (§7), asked right before each attempt: may
/// this endpoint be tried now? A refused endpoint is skipped WITHOUT an attempt and leaves a 503-class skip failure
/// (<c>circuit_open</c>, <c>key_disabled</c>, <c>endpoint_busy</c>) that shows in the attempts header and the
/// aggregated error like other skips. When the first pass skipped everything, <see cref="LastResort"/> picks one
/// endpoint to try anyway. The closed/unlimited path is two volatile reads and one interlocked increment.
/// </summary>
internal static partial class EndpointGate
{
    public const string CircuitOpen = "circuit_open";
    public const string KeyDisabled = "key_disabled";
    public const string EndpointBusy = "endpoint_busy";

    /// <summary>Null when the attempt may go ahead (it then holds a bulkhead slot, freed by EndpointState.Finish); else why it is skipped.</summary>
    public static ValueTask<AttemptFailure?> EnterAsync(EndpointState endpoint, ResolvedModel candidate, GatePass pass, TimeProvider time, CancellationToken cancellationToken)
    {
        // The bulkhead first: a half-open probe slot is only taken by a request that can really make the attempt.
        var policy = endpoint.Policy;
        if (!endpoint.Bulkhead.TryEnter(policy.MaxConcurrent))
        {
            return pass == GatePass.Normal
                ? new ValueTask<AttemptFailure?>(BusySkip(candidate, policy))
                : WaitAsync(endpoint, candidate, pass, policy, time, cancellationToken);
        }

        return new ValueTask<AttemptFailure?>(Breaker(endpoint, candidate, pass, policy, time));
    }

    private static AttemptFailure? Breaker(EndpointState endpoint, ResolvedModel candidate, GatePass pass, EndpointPolicy policy, TimeProvider time)
    {
        if (pass != GatePass.Force && endpoint.Breaker.IsTripped
            && endpoint.Breaker.TryEnter(time.GetUtcNow(), policy.Breaker) == BreakerAdmission.Rejected)
        {
            endpoint.Bulkhead.Release();
            return OpenSkip(endpoint, candidate);
        }

        return null;
    }

    private static async ValueTask<AttemptFailure?> WaitAsync(EndpointState endpoint, ResolvedModel candidate, GatePass pass, EndpointPolicy policy, TimeProvider time, CancellationToken cancellationToken)
        => await endpoint.Bulkhead.EnterAsync(policy.MaxConcurrent, policy.QueueTimeout, time, cancellationToken).ConfigureAwait(false)
            ? Breaker(endpoint, candidate, pass, policy, time)
            : BusySkip(candidate, policy) with { Message = $"model '{candidate.CanonicalName}' skipped: {policy.MaxConcurrent} attempts in flight (max_concurrent) and no slot freed within {policy.QueueTimeout.TotalSeconds:0.###} s (queue_timeout)" };

    /// <summary>
    /// After a first pass with no attempt in which the gate skipped something: the endpoint to try anyway. A full
    /// bulkhead (first in plan order) is waited for; else the open endpoint whose cooldown ends soonest is forced.
    /// </summary>
    public static (ResolvedModel Candidate, GatePass Pass)? LastResort(GatewayRequest request, IReadOnlyList<ResolvedModel> candidates, List<AttemptFailure>? failures)
    {
        if (failures is null)
        {
            return null;
        }

        bool busy = false, open = false;
        foreach (var f in failures)
        {
            busy |= f.Code == EndpointBusy;
            open |= f.Code is CircuitOpen or KeyDisabled;
        }

        if (!busy && !open)
        {
            return null;
        }

        ResolvedModel? soonest = null;
        var soonestAt = DateTimeOffset.MaxValue;
        foreach (var candidate in candidates)
        {
            var endpoint = request.Snapshot.Endpoints.For(candidate.Entry);
            if (busy && endpoint.Policy.MaxConcurrent != int.MaxValue && !endpoint.Breaker.IsTripped && Skipped(failures, candidate, EndpointBusy))
            {
                return (candidate, GatePass.Wait);
            }

            if (open && endpoint.Breaker.IsTripped && (Skipped(failures, candidate, CircuitOpen) || Skipped(failures, candidate, KeyDisabled) || Skipped(failures, candidate, EndpointBusy)))
            {
                // Half-open (a probe in flight) has no open period left: it is the soonest.
                var until = endpoint.Breaker.OpenUntil ?? DateTimeOffset.MinValue;
                if (until < soonestAt)
                {
                    (soonest, soonestAt) = (candidate, until);
                }
            }
        }

        return soonest is null ? null : (soonest, GatePass.Force);
    }

    private static bool Skipped(List<AttemptFailure> failures, ResolvedModel candidate, string code)
    {
        foreach (var f in failures)
        {
            if (f.Code == code && f.Candidate == candidate.CanonicalName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// After an upstream fault was recorded at <paramref name="at"/>: a 429/503 with Retry-After cools the endpoint for
    /// that long; a breaker that opened (or a key that was disabled) by this fault is logged — with the key's
    /// fingerprint, never the key.
    /// </summary>
    public static void AfterFailure(EndpointState endpoint, AttemptFailure failure, DateTimeOffset at, ILogger logger)
    {
        var breaker = endpoint.Breaker;
        if (failure.RetryAfter is { } retryAfter && failure.Status is 429 or 503)
        {
            breaker.CoolFor(at, retryAfter, endpoint.Policy.Breaker);
        }

        if (breaker.OpenedAt == at && breaker.OpenUntil is { } until)
        {
            if (breaker.State == BreakerState.KeyDisabled)
            {
                LogKeyDisabled(logger, endpoint.EntryName, KeyFingerprint(endpoint), failure.Status, until);
            }
            else
            {
                LogOpened(logger, endpoint.EntryName, failure.Code, until);
            }
        }
    }

    /// <summary>The credential's fingerprint from the endpoint's canonical key (a SHA-256 prefix, never the key).</summary>
    public static string KeyFingerprint(EndpointState endpoint)
    {
        const string Marker = "credential=";
        var key = endpoint.Key;
        var at = key.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return "none";
        }

        var end = key.IndexOf('|', at);
        return end < 0 ? key[(at + Marker.Length)..] : key[(at + Marker.Length)..end];
    }

    private static AttemptFailure OpenSkip(EndpointState endpoint, ResolvedModel candidate)
    {
        var breaker = endpoint.Breaker;
        var until = breaker.OpenUntil;
        var when = until is { } u ? $" until {u.UtcDateTime:HH:mm:ss} UTC" : " (a probe request is testing it)";
        return breaker.State == BreakerState.KeyDisabled
            ? new AttemptFailure(503, $"model '{candidate.CanonicalName}' skipped: the upstream refused entry '{candidate.Entry.Name}''s credential, which is disabled{when}", "upstream_auth_error", KeyDisabled)
            {
                Candidate = candidate.CanonicalName, Action = FailureAction.FailOver, GatewayCredentialRefused = true,
            }
            : new AttemptFailure(503, $"model '{candidate.CanonicalName}' skipped: its circuit breaker is open{when} after upstream failures", "upstream_unavailable", CircuitOpen)
            {
                Candidate = candidate.CanonicalName, Action = FailureAction.FailOver,
            };
    }

    private static AttemptFailure BusySkip(ResolvedModel candidate, EndpointPolicy policy)
        => new(503, $"model '{candidate.CanonicalName}' skipped: {policy.MaxConcurrent} attempts already in flight (max_concurrent)", "upstream_unavailable", EndpointBusy)
        {
            Candidate = candidate.CanonicalName, Action = FailureAction.FailOver,
        };

    [LoggerMessage(EventId = 160, Level = LogLevel.Warning, Message = "Circuit breaker of entry {Entry} opened ({Cause}); its endpoint is skipped until {Until:u}")]
    private static partial void LogOpened(ILogger logger, string entry, string cause, DateTimeOffset until);

    [LoggerMessage(EventId = 161, Level = LogLevel.Warning, Message = "Key {Fingerprint} of entry {Entry} disabled until {Until:u}: the upstream refused it (HTTP {Status})")]
    private static partial void LogKeyDisabled(ILogger logger, string entry, string fingerprint, int status, DateTimeOffset until);
}
