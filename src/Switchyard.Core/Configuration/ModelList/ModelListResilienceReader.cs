using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// PLLM <c>router</c> / LiteLLM <c>router_settings</c> keys of the circuit breaker, health checks and bulkheads, mapped
/// onto the native keys (docs/resilience.md): <c>circuit_breaker_enabled</c>, <c>circuit_breaker_threshold</c>,
/// <c>circuit_breaker_cooldown</c>, <c>allowed_fails</c> (threshold = allowed_fails + 1), <c>cooldown_time</c>,
/// <c>disable_cooldowns</c>, <c>health_check_interval</c> (every deployment) and <c>default_max_parallel_requests</c>.
/// </summary>
internal static class ModelListResilienceReader
{
    public static readonly string[] RouterKeys =
    [
        "circuit_breaker_threshold", "circuit_breaker_cooldown", "allowed_fails", "cooldown_time", "disable_cooldowns",
        "health_check_interval", "default_max_parallel_requests",
    ];

    /// <summary>Reads <paramref name="key"/> into <paramref name="routing"/>; false when the key is not one of this part's.</summary>
    public static bool TryRead(ConfigReadContext ctx, string key, YamlNode value, string path, ModelListRouting routing)
    {
        var b = routing.CircuitBreaker ?? CircuitBreakerConfig.Empty;
        switch (key)
        {
            case "circuit_breaker_enabled":
                routing.CircuitBreaker = b with { Enabled = ctx.Bool(value, path) ?? b.Enabled };
                return true;
            case "disable_cooldowns":
                routing.CircuitBreaker = ctx.Bool(value, path) == true ? b with { Enabled = false } : b;
                return true;
            case "circuit_breaker_threshold":
                routing.CircuitBreaker = b with { FailureThreshold = ctx.Int(value, path, 1, 1_000_000) ?? b.FailureThreshold };
                return true;
            case "allowed_fails":
                // LiteLLM cools a deployment when it fails more than allowed_fails times.
                routing.CircuitBreaker = ctx.Int(value, path, 0, 999_999) is { } allowed ? b with { FailureThreshold = allowed + 1 } : b;
                return true;
            case "circuit_breaker_cooldown" or "cooldown_time":
                routing.CircuitBreaker = b with { Cooldown = ctx.Duration(value, path) ?? b.Cooldown };
                return true;
            case "health_check_interval":
                routing.HealthCheck = ctx.Duration(value, path) is { } interval ? new HealthCheckConfig(interval, HealthCheckConfig.DefaultTimeout) : routing.HealthCheck;
                return true;
            case "default_max_parallel_requests":
                routing.DefaultMaxParallel = ctx.Int(value, path, 1, 1_000_000) ?? routing.DefaultMaxParallel;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The router-wide health check and parallel limit applied to entries that do not set their own.</summary>
    public static ModelProviderConfig Apply(ModelProviderConfig entry, ModelListRouting routing) =>
        routing.HealthCheck is null && routing.DefaultMaxParallel is null
            ? entry
            : entry with { HealthCheck = entry.HealthCheck ?? routing.HealthCheck, MaxConcurrent = entry.MaxConcurrent ?? routing.DefaultMaxParallel };
}
