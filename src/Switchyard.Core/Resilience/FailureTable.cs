namespace Switchyard.Core.Resilience;

/// <summary>What went wrong in one attempt, as far as the failure table cares.</summary>
public enum FailureCause
{
    /// <summary>The upstream answered with an HTTP error status (or an early error event equivalent to one).</summary>
    Status,
    /// <summary>No connection could be opened (refused, DNS, TLS, connect timeout): the request was never sent.</summary>
    ConnectFailure,
    /// <summary>The connection broke after the request was (possibly) sent, before anything was committed.</summary>
    TransportFailure,
    /// <summary>First-byte or request timeout: the request body was sent and the upstream may be working on it.</summary>
    Timeout,
    /// <summary>A 2xx answer with nothing in it (a stream that closed before its first event, an empty body).</summary>
    EmptyAnswer,
    /// <summary>A 2xx answer that is not what the protocol says (unreadable JSON, an event larger than the bound).</summary>
    InvalidAnswer,
    /// <summary>
    /// The prompt does not fit the model's context window: a 400/413/422 answer (or early error event) that
    /// <c>ContextOverflow.Matches</c> recognises, or the pre-flight estimate over a known <c>context_window</c>.
    /// </summary>
    ContextOverflow,
}

/// <summary>Whose credential the attempt used.</summary>
public enum CredentialOwner
{
    /// <summary>A key from the config: a refusal is the operator's problem, never the client's.</summary>
    Gateway,
    /// <summary>The caller's own key (<c>passthrough_auth</c>): a refusal is the caller's to see.</summary>
    Client,
}

/// <summary>Whether anything of the answer already reached the client.</summary>
public enum CommitPhase { BeforeCommit, AfterCommit }

/// <summary>What the dispatch loop does next.</summary>
public enum FailureAction
{
    /// <summary>Try the same endpoint again (within <c>max_retries</c>, after a backoff), then fail over.</summary>
    RetrySame,
    /// <summary>Do not repeat this endpoint; go to the next candidate.</summary>
    FailOver,
    /// <summary>Stop: relay this failure to the client (before commit) or end the stream with an error event (after).</summary>
    Final,
    /// <summary>
    /// Go to the model's <c>context_window_fallbacks</c> (never its ordinary fallbacks); when it has none, final.
    /// </summary>
    ContextFallback,
}

/// <summary>
/// The one failure table of dispatch (DESIGN.md §1.1, docs/failures.md): (cause, HTTP status) × credential owner ×
/// phase → retry the same endpoint / fail over / final. Pass-through and translated attempts, streams and JSON
/// answers all ask this function; nothing else decides.
/// </summary>
public static class FailureTable
{
    /// <summary>Decides what follows a failed attempt.</summary>
    /// <param name="cause">What failed.</param>
    /// <param name="status">The HTTP status (or the early error event's equivalent) for <see cref="FailureCause.Status"/>; ignored otherwise.</param>
    /// <param name="owner">Whose credential the attempt used.</param>
    /// <param name="phase">Before or after the first byte reached the client.</param>
    public static FailureAction Decide(FailureCause cause, int status, CredentialOwner owner, CommitPhase phase)
    {
        if (phase == CommitPhase.AfterCommit)
        {
            return FailureAction.Final; // bytes reached the client: nothing can be retried, the stream ends with an error event
        }

        return cause switch
        {
            // Nothing was sent: trying the same endpoint again is free of side effects.
            FailureCause.ConnectFailure => FailureAction.RetrySame,
            // A broken connection before any answer (often a stale pooled connection): as today, retryable.
            FailureCause.TransportFailure => FailureAction.RetrySame,
            // The body was sent and may be billed; waiting as long again on the same endpoint doubles the cost.
            FailureCause.Timeout => FailureAction.FailOver,
            FailureCause.EmptyAnswer => FailureAction.RetrySame,
            // Garbage from one endpoint is likely garbage again: go elsewhere.
            FailureCause.InvalidAnswer => FailureAction.FailOver,
            // The same prompt will not fit this model again, nor an ordinary fallback chosen for outages.
            FailureCause.ContextOverflow => FailureAction.ContextFallback,
            _ => ForStatus(status, owner),
        };
    }

    private static FailureAction ForStatus(int status, CredentialOwner owner) => status switch
    {
        // The gateway's own key was refused: not the client's fault, and another endpoint may work.
        401 or 403 => owner == CredentialOwner.Gateway ? FailureAction.FailOver : FailureAction.Final,
        408 or 429 => FailureAction.RetrySame,
        // Not implemented by this upstream: another one may implement it; asking this one again will not help.
        501 or 505 => FailureAction.FailOver,
        >= 500 and <= 599 => FailureAction.RetrySame,
        // Everything else (400, 404, 409, 413, 422, …) is about the request itself: the client must see it.
        _ => FailureAction.Final,
    };

    /// <summary>True for failures that count against the endpoint (the upstream's fault, never the client's request).</summary>
    public static bool IsUpstreamFault(FailureCause cause, int status, CredentialOwner owner) => cause switch
    {
        FailureCause.Status => status is 408 or 429 or >= 500 || (status is 401 or 403 && owner == CredentialOwner.Gateway),
        FailureCause.ContextOverflow => false, // the client's prompt, not the endpoint
        _ => true,
    };
}
