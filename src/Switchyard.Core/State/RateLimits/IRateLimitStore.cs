namespace Switchyard.Core.State.RateLimits;

/// <summary>
/// A limit of <see cref="Amount"/> units (requests or tokens) per <see cref="Period"/>. As a bucket: it holds at most
/// <see cref="Amount"/> units and refills continuously at <see cref="Amount"/> per <see cref="Period"/>.
/// </summary>
public readonly record struct RateLimit(long Amount, TimeSpan Period)
{
    /// <summary>Requests or tokens per minute (model_list <c>rpm</c>/<c>tpm</c>, native <c>limits</c>).</summary>
    public static RateLimit PerMinute(long amount) => new(amount, TimeSpan.FromMinutes(1));
}

/// <summary>
/// Names one bucket: <see cref="Scope"/> says what it limits (<c>rpm</c>, <c>tpm</c>, <c>ratelimits</c>) and
/// <see cref="Id"/> whose it is (an endpoint's canonical key, or a Plano rule and its selector value). Keys hold no
/// secret: an endpoint key carries only a fingerprint of its credential.
/// </summary>
public readonly record struct RateLimitKey(string Scope, string Id);

/// <summary>The answer to an acquire: admitted, or not before <see cref="RetryAfter"/> has passed.</summary>
public readonly record struct RateLimitDecision(bool Admitted, TimeSpan RetryAfter)
{
    public static readonly RateLimitDecision Admit = new(true, TimeSpan.Zero);
}

/// <summary>
/// Where rate-limit buckets live (DESIGN.md §6): an atomic acquire that admits or names the wait, and an adjustment
/// that reconciles an estimate with what was really used. The in-memory store serves one process; a shared store
/// (several replicas) implements the same two operations on its server, with the server's clock. The algorithm is
/// GCRA (docs/resilience.md, "Rate limits"): one timestamp per bucket.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>
    /// Takes <paramref name="cost"/> units from <paramref name="key"/>'s bucket when it holds them and answers
    /// admitted; otherwise takes nothing and answers the time until it would hold them. A cost larger than the whole
    /// bucket is admitted when the bucket is full (it then owes the difference), so it is never refused forever.
    /// </summary>
    RateLimitDecision TryAcquire(RateLimitKey key, RateLimit limit, long cost);

    /// <summary>
    /// Changes an earlier charge by <paramref name="delta"/> units: positive charges more (the bucket may go into
    /// debt: later requests wait for it), negative gives units back (never past a full bucket).
    /// </summary>
    void Adjust(RateLimitKey key, RateLimit limit, long delta);
}
