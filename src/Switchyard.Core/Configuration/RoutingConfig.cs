using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Preference;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Configuration;

/// <summary>
/// One top-level <c>routing_preferences</c> entry (Plano v0.4 shape), or one merged from v0.3 inline provider
/// preferences at load: a named route, its description for the router model, and its ordered candidate models.
/// </summary>
/// <param name="Name">Unique route name.</param>
/// <param name="Description">What the route is for, as shown to the router model.</param>
/// <param name="Models">Candidate model names (each a declared provider model), in declared dispatch order.</param>
/// <param name="Policy"><c>selection_policy.prefer</c>; <see cref="SelectionPolicy.None"/> keeps the declared order.</param>
/// <param name="Line">1-based line of the entry (0 when unknown).</param>
public sealed record RoutePreferenceConfig(string Name, string Description, IReadOnlyList<string> Models, SelectionPolicy Policy, int Line);

/// <summary>The router-model settings under <c>overrides</c>.</summary>
public sealed record RouterSettings
{
    /// <summary>Default router timeout (<c>overrides.router_timeout</c>).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Default <c>overrides.orchestrator_model_context_length</c>.</summary>
    public const int DefaultContextLength = RouterConversation.DefaultTokenBudget;

    /// <summary>The reserved model name that asks the gateway to pick a route.</summary>
    public const string DefaultTrigger = "auto";

    /// <summary><c>overrides.llm_routing_model</c>: a configured model name (resolved through the catalog), or null.</summary>
    public string? Model { get; init; }

    /// <summary><c>overrides.llm_routing_model_format</c>: <c>plano-orchestrator</c> (default) or <c>arch-router</c>.</summary>
    public RouterPromptFormat Format { get; init; } = RouterPromptFormat.PlanoOrchestrator;

    /// <summary><c>overrides.router_timeout</c>: bounds the whole router call; on expiry routing fails open.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary><c>overrides.orchestrator_model_context_length</c>: token budget of the router request.</summary>
    public int ContextLength { get; init; } = DefaultContextLength;

    /// <summary><c>overrides.routing_trigger</c>: the reserved model name that triggers preference routing.</summary>
    public string Trigger { get; init; } = DefaultTrigger;

    public int Line { get; init; }
}

/// <summary><c>routing.session_cache.type</c>.</summary>
public enum SessionCacheType { Memory, Redis }

/// <summary>Session affinity settings (<c>routing:</c>).</summary>
public sealed record AffinitySettings
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(600);
    public const int DefaultMaxEntries = 10_000;

    /// <summary><c>routing.session_ttl_seconds</c> (600).</summary>
    public TimeSpan SessionTtl { get; init; } = DefaultTtl;

    /// <summary><c>routing.session_max_entries</c> (10,000).</summary>
    public int MaxEntries { get; init; } = DefaultMaxEntries;

    /// <summary><c>routing.session_cache.type</c> (memory).</summary>
    public SessionCacheType CacheType { get; init; } = SessionCacheType.Memory;

    /// <summary><c>routing.session_cache.url</c> (required for redis).</summary>
    public string? CacheUrl { get; init; }

    /// <summary><c>routing.session_cache.tenant_header</c>: request header whose value scopes affinity keys.</summary>
    public string? TenantHeader { get; init; }

    /// <summary>
    /// <c>routing.route_on_user_only</c> (false): ask the router only when the last turn is a genuine user turn; a tool
    /// result or assistant continuation reuses the model the session was last routed to.
    /// </summary>
    public bool RouteOnUserOnly { get; init; }

    public int Line { get; init; }

    // A cache URL or connection string may carry a password: never printed.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Member(nameof(SessionTtl), SessionTtl, first: true)
            .Member(nameof(MaxEntries), MaxEntries)
            .Member(nameof(CacheType), CacheType)
            .Member(nameof(CacheUrl), Redaction.Secret(CacheUrl))
            .Member(nameof(TenantHeader), TenantHeader)
            .Member(nameof(Line), Line);
        return true;
    }
}

/// <summary>One <c>model_metrics_sources</c> entry.</summary>
public abstract record MetricsSourceConfig(int Line)
{
    /// <summary>How often to refresh; null = fetch once at startup.</summary>
    public TimeSpan? RefreshInterval { get; init; }
}

/// <summary><c>{type: cost, provider: digitalocean | models.dev, url?, refresh_interval?, model_aliases?}</c>.</summary>
public sealed record CostSourceConfig(CostSourceKind Kind, Uri? Url, IReadOnlyDictionary<string, string> ModelAliases, int Line)
    : MetricsSourceConfig(Line)
{
    // Source URLs may carry tokens (user info, query): printed without them.
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Member(nameof(Kind), Kind).Member(nameof(Url), Redaction.Url(Url)).Member(nameof(ModelAliases), ModelAliases.Count);
        return true;
    }
}

/// <summary>Latency source providers.</summary>
public enum LatencySourceKind
{
    /// <summary>A Prometheus instant query whose result carries a <c>model_name</c> label.</summary>
    Prometheus,

    /// <summary>Built in: the gateway's own observed time to first token per model (a decayed average).</summary>
    Observed,
}

/// <summary><c>{type: latency, provider: prometheus, url, query, refresh_interval?}</c> or <c>{type: latency, provider: observed}</c>.</summary>
public sealed record LatencySourceConfig(LatencySourceKind Kind, Uri? Url, string? Query, int Line) : MetricsSourceConfig(Line)
{
    /// <summary>Half-life of the observed-TTFT decayed average (<c>half_life</c>; observed only).</summary>
    public TimeSpan? HalfLife { get; init; }

    // Source URLs may carry tokens (user info, query): printed without them.
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Member(nameof(Kind), Kind).Member(nameof(Url), Redaction.Url(Url)).Member(nameof(Query), Query).Member(nameof(HalfLife), HalfLife);
        return true;
    }
}

/// <summary>
/// A load-balanced group of models sharing one public name (PLLM/LiteLLM <c>model_list</c> entries with the same
/// <c>model_name</c>, or a <c>model_aliases</c> name listing several models).
/// </summary>
/// <param name="Name">The public name clients request.</param>
/// <param name="Members">Provider entry names, in declaration order.</param>
/// <param name="Strategy">Load-balancing strategy (<c>round-robin</c> for now).</param>
/// <param name="Line">1-based line (0 when unknown).</param>
public sealed record ModelGroupConfig(string Name, IReadOnlyList<string> Members, string Strategy, int Line);
