using Switchyard.Core.Configuration;

namespace Switchyard.Core.Endpoints;

/// <summary>
/// The resilience settings one endpoint runs under (circuit breaker, bulkhead, health check), resolved from its entry
/// and the top level when a snapshot is built. Settings follow the newest config; the state they act on
/// (<see cref="CircuitBreaker"/>, <see cref="Bulkhead"/>) survives reloads with the endpoint.
/// </summary>
public sealed record EndpointPolicy(CircuitBreakerSettings Breaker, int MaxConcurrent, TimeSpan QueueTimeout, HealthCheckConfig? HealthCheck)
{
    /// <summary>How long a request with no other candidate waits for a bulkhead slot when <c>queue_timeout</c> is not set.</summary>
    public static readonly TimeSpan DefaultQueueTimeout = TimeSpan.FromSeconds(10);

    public static readonly EndpointPolicy Default = new(CircuitBreakerSettings.Default, int.MaxValue, DefaultQueueTimeout, null);

    public static EndpointPolicy For(ModelProviderConfig entry, CircuitBreakerConfig? topLevel)
    {
        if (topLevel is null && entry.CircuitBreaker is null && entry.MaxConcurrent is null && entry.QueueTimeout is null && entry.HealthCheck is null)
        {
            return Default;
        }

        return new EndpointPolicy(CircuitBreakerSettings.Resolve(topLevel, entry.CircuitBreaker), entry.MaxConcurrent ?? int.MaxValue,
            entry.QueueTimeout ?? DefaultQueueTimeout, entry.HealthCheck);
    }
}
