namespace Switchyard.Core.Resilience;

/// <summary>How one attempt against one candidate ended, before anything reached the client.</summary>
internal enum AttemptKind
{
    /// <summary>The response was committed to the client (success, or a stream that later ended).</summary>
    Committed,
    /// <summary>The client went away; stop everything.</summary>
    ClientGone,
    /// <summary>Failover material: connect failure, timeout before the first byte, 408/429/5xx, empty answer.</summary>
    Retryable,
    /// <summary>A final answer that is not ours to retry (e.g. the upstream's 400): relay it to the client.</summary>
    Final,
    /// <summary>This candidate cannot be tried at all (missing key, unsupported protocol); try the next.</summary>
    Skipped,
}

/// <summary>The failure left by an attempt, kept so the client gets the last one if every candidate fails.</summary>
internal sealed record AttemptFailure(int Status, string Message, string Type, string Code)
{
    /// <summary>An upstream error body to relay (already shaped for the client), when the upstream answered.</summary>
    public byte[]? Body { get; init; }
    public TimeSpan? RetryAfter { get; init; }
}
