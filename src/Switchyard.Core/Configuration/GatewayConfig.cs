using System.Text.Json.Nodes;

namespace Switchyard.Core.Configuration;

/// <summary>
/// The validated, dialect-neutral configuration: what every config dialect (Plano v0.3/v0.4, later model_list)
/// is read into. Immutable; a reload builds a new one.
/// </summary>
public sealed record GatewayConfig
{
    /// <summary>The <c>version</c> key as written (e.g. <c>v0.4.0</c>), or null.</summary>
    public string? Version { get; init; }

    /// <summary>Where the config came from (file path or a descriptive name such as <c>quickstart</c>).</summary>
    public required string Source { get; init; }

    /// <summary>Model listeners (list form, or the legacy <c>egress_traffic</c> dict form). Never empty: a default is supplied.</summary>
    public required IReadOnlyList<ListenerConfig> Listeners { get; init; }

    /// <summary>Model provider entries in declaration order (<c>model_providers</c> or <c>llm_providers</c>).</summary>
    public required IReadOnlyList<ModelProviderConfig> Providers { get; init; }

    /// <summary><c>model_aliases</c>: alias name → target model name.</summary>
    public required IReadOnlyList<AliasConfig> Aliases { get; init; }

    /// <summary>Config dialect the file was written in: <c>plano</c> or <c>model_list</c> (PLLM/LiteLLM).</summary>
    public string Dialect { get; init; } = "plano";

    /// <summary>Top-level <c>routing_preferences</c> (v0.4), with v0.3 inline preferences merged in, in config order.</summary>
    public IReadOnlyList<RoutePreferenceConfig> RoutingPreferences { get; init; } = [];

    /// <summary>Router-model settings from <c>overrides</c>.</summary>
    public RouterSettings Router { get; init; } = new();

    /// <summary>
    /// The hosted Plano-Orchestrator entry (<see cref="Catalog.HostedRouter"/>) when routes exist and no
    /// <c>overrides.llm_routing_model</c> is set; <see cref="Router"/> then names it. Null otherwise. Internal: it is
    /// not one of <see cref="Providers"/>, never listed and never written by <c>migrate</c>.
    /// </summary>
    public ModelProviderConfig? HostedRouter { get; init; }

    /// <summary>Session affinity settings from <c>routing</c>.</summary>
    public AffinitySettings Affinity { get; init; } = new();

    /// <summary><c>model_metrics_sources</c>, in config order.</summary>
    public IReadOnlyList<MetricsSourceConfig> MetricsSources { get; init; } = [];

    /// <summary>
    /// Load-balanced model groups, in declaration order: <c>model_groups</c> (Plano dialect), or <c>model_list</c>
    /// entries sharing a <c>model_name</c> and <c>model_aliases</c> listing several models (model_list dialect).
    /// </summary>
    public IReadOnlyList<ModelGroupConfig> Groups { get; init; } = [];

    /// <summary>Top-level <c>cors</c>: which browser origins may call the gateway (none by default).</summary>
    public CorsSettings Cors { get; init; } = CorsSettings.Disabled;

    /// <summary>Top-level <c>admin</c>: the admin API's bearer token (none: loopback clients only).</summary>
    public AdminSettings Admin { get; init; } = AdminSettings.Default;

    /// <summary>Top-level <c>access_log</c>: one line per request (on by default, JSON on stdout).</summary>
    public AccessLogSettings AccessLog { get; init; } = AccessLogSettings.Default;

    /// <summary>Top-level <c>tracing</c> (Plano): OpenTelemetry spans over OTLP (off unless configured).</summary>
    public TracingSettings Tracing { get; init; } = TracingSettings.None;

    /// <summary>Top-level <c>circuit_breaker</c> as written (null: the defaults); entries override it key by key.</summary>
    public CircuitBreakerConfig? CircuitBreaker { get; init; }
    /// <summary>Plano's top-level <c>ratelimits</c>: input-token buckets per model and request-header selector.</summary>
    public IReadOnlyList<RateLimitRuleConfig> RateLimits { get; init; } = [];

    /// <summary>
    /// Sections kept as JSON: those used by later features (<c>state_storage</c>,
    /// shape-validated), Plano's agent/prompt sections, and under <c>overrides</c> / <c>routing</c> only the Plano keys
    /// Switchyard accepts but does not act on (the rest of those sections is read into <see cref="Router"/> and
    /// <see cref="Affinity"/>). The config writer re-emits all of them.
    /// </summary>
    public required IReadOnlyDictionary<string, JsonNode?> Sections { get; init; }
}

/// <summary>One model listener.</summary>
public sealed record ListenerConfig
{
    public required string Name { get; init; }
    /// <summary>Bind address; default <c>127.0.0.1</c>.</summary>
    public required string Address { get; init; }
    /// <summary>Port; default 12000.</summary>
    public required int Port { get; init; }
    /// <summary>
    /// Streams: bounds the time from sending the request to the first committed event (<c>first_byte_timeout</c>, or
    /// Plano's <c>timeout</c>); default 30 s.
    /// </summary>
    public required TimeSpan FirstByteTimeout { get; init; }
    /// <summary>Bounds the gap between two events inside a stream; default 60 s (<c>stream_idle_timeout</c>).</summary>
    public required TimeSpan StreamIdleTimeout { get; init; }
    /// <summary>Bounds opening a connection to an upstream (<c>connect_timeout</c>); default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = ListenerDefaults.ConnectTimeout;
    /// <summary>
    /// Non-streaming answers: bounds the whole exchange, request sent to the last body byte (<c>request_timeout</c>);
    /// default 10 minutes, because a non-streamed answer only has its headers when generation ends.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = ListenerDefaults.RequestTimeout;
    /// <summary>Largest upstream event or frame the relay holds (<c>max_event_bytes</c>); default 16 MiB.</summary>
    public int MaxEventBytes { get; init; } = ListenerDefaults.MaxEventBytes;
    /// <summary>Retries of the same candidate before failing over; default 0.</summary>
    public required int MaxRetries { get; init; }
    /// <summary>Legacy <c>message_format</c> (e.g. <c>openai</c>), informational.</summary>
    public string? MessageFormat { get; init; }
    public int Line { get; init; }
}

/// <summary>One <c>model_providers</c> entry.</summary>
public sealed record ModelProviderConfig
{
    /// <summary>Unique name; defaults to <see cref="Model"/>.</summary>
    public required string Name { get; init; }
    /// <summary>The <c>model</c> string as written: <c>provider/model_id</c> or <c>provider/*</c>.</summary>
    public required string Model { get; init; }
    /// <summary>The provider prefix (text before the first <c>/</c>), e.g. <c>openai</c>.</summary>
    public required string Provider { get; init; }
    /// <summary>The model id after the first <c>/</c> (may contain <c>/</c>); <c>*</c> for a wildcard.</summary>
    public required string ModelId { get; init; }
    public bool IsWildcard => ModelId == "*";
    /// <summary>The credential; with a key pool, its first key.</summary>
    public string? AccessKey { get; init; }
    /// <summary>
    /// The key pool (<c>access_keys</c>, or a model_list <c>${VAR}</c> key with <c>VAR_1..N</c>): every key when there
    /// are two or more, in order (the first is also <see cref="AccessKey"/>); empty for a single key. Each key becomes
    /// its own endpoint (<see cref="Catalog.KeyPool"/>).
    /// </summary>
    public IReadOnlyList<string> AccessKeys { get; init; } = [];
    /// <summary>Set on the per-key copies of a pooled entry that requests are sent with: which key of the pool this is.</summary>
    public KeySlot? KeySlot { get; init; }
    public string? BaseUrl { get; init; }
    /// <summary>Wire interface for unknown providers (<c>openai</c>).</summary>
    public string? ProviderInterface { get; init; }
    public bool IsDefault { get; init; }
    public bool PassthroughAuth { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyHeaders;
    /// <summary>Overrides the Host header sent upstream.</summary>
    public string? HttpHost { get; init; }
    /// <summary>Ordered model names to fail over to.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
    /// <summary>Ordered model names to go to when the prompt does not fit this model (<c>context_window_fallbacks</c>).</summary>
    public IReadOnlyList<string> ContextWindowFallbacks { get; init; } = [];
    /// <summary>The model's context window in tokens (<c>context_window</c>); null uses the known-model data.</summary>
    public int? ContextWindow { get; init; }
    /// <summary>The entry's own price (<c>pricing:</c>, USD per million tokens); null uses a cost catalog or the bundled prices.</summary>
    public Telemetry.ModelPrice? Pricing { get; init; }
    /// <summary>Azure OpenAI <c>api_version</c>; null means the provider's current default.</summary>
    public string? ApiVersion { get; init; }
    /// <summary>
    /// v0.3 inline <c>routing_preferences</c> (a list of <c>{name, description}</c>) as written, or null; shape-checked
    /// and migrated at load into <see cref="GatewayConfig.RoutingPreferences"/> (which is what routing reads).
    /// </summary>
    public JsonNode? RoutingPreferences { get; init; }
    /// <summary>
    /// Upstream wire protocol override for vendors that offer two: <c>gemini</c> entries default to the native API;
    /// <c>protocol: openai</c> selects Gemini's OpenAI-compatible endpoint instead.
    /// </summary>
    public string? Protocol { get; init; }
    /// <summary>AWS region (Bedrock); defaults to the region in the base_url host.</summary>
    public string? Region { get; init; }
    /// <summary>SigV4 credentials (Bedrock) when no bearer API key is used.</summary>
    public string? AwsAccessKeyId { get; init; }
    public string? AwsSecretAccessKey { get; init; }
    public string? AwsSessionToken { get; init; }
    /// <summary>Google Cloud project and location (Vertex AI).</summary>
    public string? Project { get; init; }
    public string? Location { get; init; }
    /// <summary>Requests per minute this endpoint allows (native <c>limits.rpm</c>, model_list <c>rpm</c>); null = no limit.</summary>
    public int? Rpm { get; init; }
    /// <summary>Input + output tokens per minute this endpoint allows (native <c>limits.tpm</c>, model_list <c>tpm</c>); null = no limit.</summary>
    public int? Tpm { get; init; }
    /// <summary>Place in a <c>priority</c> group (lower first; null: after those with one). Native <c>priority</c>, LiteLLM <c>order</c>.</summary>
    public int? Priority { get; init; }
    /// <summary>Share in a <c>weighted</c> group (positive; null counts as 1).</summary>
    public double? Weight { get; init; }
    /// <summary>Per-entry overrides of the listener's upstream timeouts (null members inherit).</summary>
    public EntryTimeouts Timeouts { get; init; } = EntryTimeouts.None;
    /// <summary>Per-entry <c>circuit_breaker</c> override (null members inherit the top level; docs/resilience.md).</summary>
    public CircuitBreakerConfig? CircuitBreaker { get; init; }
    /// <summary><c>health_check</c>: active probes while this entry's endpoint is open; null means none.</summary>
    public HealthCheckConfig? HealthCheck { get; init; }
    /// <summary>Bulkhead: attempts in flight at most (<c>max_concurrent</c>); null means unlimited.</summary>
    public int? MaxConcurrent { get; init; }
    /// <summary>How long a request waits for a bulkhead slot when no other candidate exists (<c>queue_timeout</c>).</summary>
    public TimeSpan? QueueTimeout { get; init; }
    /// <summary>1-based line of the entry in the config file (0 when unknown).</summary>
    public int Line { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>();

    // The printed form (ToString, and so any log line or exception message that shows an entry or a ResolvedModel)
    // never shows a credential: keys and header values are redacted, URLs lose their user info and query.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Member(nameof(Name), Name, first: true)
            .Member(nameof(Model), Model)
            .Member(nameof(Provider), Provider)
            .Member(nameof(ModelId), ModelId)
            .Member(nameof(AccessKey), Redaction.Secret(AccessKey))
            .Member(nameof(AccessKeys), AccessKeys.Count == 0 ? null : $"[{AccessKeys.Count} x {Redaction.Redacted}]")
            .Member(nameof(KeySlot), KeySlot?.ToString())
            .Member(nameof(BaseUrl), Redaction.Url(BaseUrl))
            .Member(nameof(ProviderInterface), ProviderInterface)
            .Member(nameof(IsDefault), IsDefault)
            .Member(nameof(PassthroughAuth), PassthroughAuth)
            .Member(nameof(Headers), Redaction.Headers(Headers))
            .Member(nameof(HttpHost), HttpHost)
            .Member(nameof(Fallbacks), "[" + string.Join(", ", Fallbacks) + "]")
            .Member(nameof(ContextWindowFallbacks), "[" + string.Join(", ", ContextWindowFallbacks) + "]")
            .Member(nameof(ContextWindow), ContextWindow)
            .Member(nameof(Pricing), Pricing?.ToString())
            .Member(nameof(ApiVersion), ApiVersion)
            .Member(nameof(Protocol), Protocol)
            .Member(nameof(Region), Region)
            .Member(nameof(AwsAccessKeyId), Redaction.Secret(AwsAccessKeyId))
            .Member(nameof(AwsSecretAccessKey), Redaction.Secret(AwsSecretAccessKey))
            .Member(nameof(AwsSessionToken), Redaction.Secret(AwsSessionToken))
            .Member(nameof(Project), Project)
            .Member(nameof(Location), Location)
            .Member(nameof(Rpm), Rpm)
            .Member(nameof(Tpm), Tpm)
            .Member(nameof(Priority), Priority)
            .Member(nameof(Weight), Weight)
            .Member(nameof(Line), Line);
        return true;
    }
}

/// <summary>One <c>model_aliases</c> entry.</summary>
public sealed record AliasConfig(string Alias, string Target, int Line);

/// <summary>Listener defaults for the upstream timeouts and the relay's frame bound.</summary>
public static class ListenerDefaults
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StreamIdleTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(10);
    public const int MaxEventBytes = 16 * 1024 * 1024;
}

/// <summary>
/// A model entry's overrides of the listener timeouts (<c>connect_timeout</c>, <c>first_byte_timeout</c>,
/// <c>stream_idle_timeout</c>, <c>request_timeout</c>); null means "the listener's".
/// </summary>
public sealed record EntryTimeouts(TimeSpan? Connect, TimeSpan? FirstByte, TimeSpan? StreamIdle, TimeSpan? Request)
{
    public static readonly EntryTimeouts None = new(null, null, null, null);

    public bool IsEmpty => Connect is null && FirstByte is null && StreamIdle is null && Request is null;
}

/// <summary>The timeouts one attempt runs under: the entry's overrides over the listener's values.</summary>
public readonly record struct UpstreamTimeouts(TimeSpan Connect, TimeSpan FirstByte, TimeSpan StreamIdle, TimeSpan Request)
{
    public static UpstreamTimeouts For(ListenerConfig listener, ModelProviderConfig entry)
    {
        var t = entry.Timeouts;
        return new UpstreamTimeouts(
            t.Connect ?? listener.ConnectTimeout,
            t.FirstByte ?? listener.FirstByteTimeout,
            t.StreamIdle ?? listener.StreamIdleTimeout,
            t.Request ?? listener.RequestTimeout);
    }
}
