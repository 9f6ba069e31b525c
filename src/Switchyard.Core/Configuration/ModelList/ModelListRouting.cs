using Switchyard.Core.Catalog;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>A model name written somewhere in the config, with where.</summary>
internal sealed record NameRef(string Name, string Path, int Line);

/// <summary>Which LiteLLM fallback list a rule came from; they are tried in this order.</summary>
internal enum FallbackKind { Error, ContextWindow, ContentPolicy }

/// <summary>One <c>{model_name: [fallback names]}</c> rule.</summary>
internal sealed record FallbackRule(string Model, IReadOnlyList<NameRef> Targets, FallbackKind Kind, string Path, int Line);

/// <summary>An alias from PLLM <c>model_aliases</c> or LiteLLM <c>model_group_alias</c>: one target, or several (a group).</summary>
internal sealed record AliasSpec(string Name, IReadOnlyList<NameRef> Targets, string Path, int Line);

/// <summary>What the router sections (<c>router</c> / <c>router_settings</c>, <c>litellm_settings</c>) contribute.</summary>
internal sealed class ModelListRouting
{
    /// <summary>The strategy every group uses (round-robin when none is written).</summary>
    public string Strategy { get; set; } = ModelGroup.RoundRobin;

    public List<FallbackRule> Fallbacks { get; } = [];

    /// <summary>LiteLLM <c>default_fallbacks</c> / PLLM <c>fallback_models</c>: for models without their own rule.</summary>
    public List<NameRef> DefaultFallbacks { get; } = [];

    /// <summary>LiteLLM <c>model_group_alias</c> entries.</summary>
    public List<AliasSpec> Aliases { get; } = [];

    /// <summary>The router's circuit breaker keys mapped onto the native <c>circuit_breaker</c> (null: none written).</summary>
    public CircuitBreakerConfig? CircuitBreaker { get; set; }

    /// <summary><c>health_check_interval</c>: a health check on every deployment.</summary>
    public HealthCheckConfig? HealthCheck { get; set; }

    /// <summary><c>default_max_parallel_requests</c>: the bulkhead of deployments without their own.</summary>
    public int? DefaultMaxParallel { get; set; }

    /// <summary>PLLM <c>fallback_enabled</c> as written (null: not written; false drops every fallback rule).</summary>
    public (bool Enabled, string Path, int Line)? FallbackEnabled { get; set; }

    /// <summary>PLLM <c>retry_attempts</c>: the listeners' <c>max_retries</c> where a listener sets none.</summary>
    public (int Value, string Path, int Line)? RetryAttempts { get; set; }
}
