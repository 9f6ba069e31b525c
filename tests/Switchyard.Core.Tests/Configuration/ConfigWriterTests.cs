using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class ConfigWriterTests
{
    /// <summary>Every section and provider field the writer knows, with values that need quoting or escaping.</summary>
    private const string Rich = """
        version: v0.3.0
        listeners:
          - name: edge
            type: model
            address: 0.0.0.0
            port: 8080
            timeout: 45s
            stream_idle_timeout: 1500ms
            max_retries: 2
          - name: second
            port: 8081
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: pa$$word
            default: true
            fallbacks: [anthropic/claude-sonnet-4-20250514, gpt-4o]
            headers:
              X-Team: "42"
              X-Empty: ""
              X-Flag: "true"
            http_host: api.example.com
          - model: openai/gpt-4o
            name: "4o: the big one"
            access_key: k
            limits: {rpm: 60, tpm: 90000}
            routing_preferences:
              - name: review
                description: reviewing code
          - model: anthropic/*
            access_key: k
          - model: azure_openai/prod
            access_key: k
            base_url: https://res.openai.azure.com
            api_version: 2024-10-21
          - model: vertex/gemini-2.5-pro
            access_key: ya29.token
            project: my-proj
            location: us-central1
          - model: gemini/gemini-2.5-flash
            access_key: k
            protocol: openai
          - model: amazon_bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
            base_url: https://bedrock-runtime.us-west-2.amazonaws.com
            region: us-west-2
            aws_access_key_id: AKID
            aws_secret_access_key: secret
            aws_session_token: session
          - model: vllm/qwen
            base_url: http://gpu:8000/v1
            provider_interface: openai
            passthrough_auth: true
        model_aliases:
          fast:
            target: openai/gpt-4o-mini
          "null":
            target: gpt-4o
        routing_preferences:
          - name: code
            description: "writing code: functions, tests # and more\nsecond line"
            models: [openai/gpt-4o, anthropic/claude-sonnet-4-20250514]
            selection_policy:
              prefer: cheapest
          - name: chat
            description: small talk
            models: [openai/gpt-4o-mini]
            selection_policy:
              prefer: fastest
        overrides:
          llm_routing_model: gpt-4o-mini
          llm_routing_model_format: arch-router
          router_timeout: 750ms
          orchestrator_model_context_length: 4096
          routing_trigger: router
          use_agent_orchestrator: false
          prompt_target_intent_matching_threshold: 0.6
        routing:
          model: Arch-Router
          session_ttl_seconds: 120
          session_max_entries: 50
          session_cache:
            type: redis
            url: redis://cache:6379/1
            tenant_header: X-Tenant
          route_on_user_only: true
        model_metrics_sources:
          - type: cost
            provider: models.dev
            url: https://models.dev/api.json
            refresh_interval: 3600
            model_aliases:
              openai/gpt-4o-2024-08-06: openai/gpt-4o
          - type: cost
            provider: digitalocean
            refresh_interval: 1.5
          - type: latency
            provider: prometheus
            url: http://prometheus:9090
            query: "histogram_quantile(0.5, sum by (model_name, le) (rate(ttft_bucket[5m])))"
          - type: latency
            provider: observed
            half_life: 90s
        tracing:
          random_sampling: 100
          opentracing_grpc_endpoint: http://otel-collector:4317
          span_attributes:
            header_prefixes: [x-tenant-]
            static: {deployment: eu-1}
        state_storage:
          type: postgres
          connection_string: postgres://u:p$$w@db/x
        ratelimits:
          - model: openai/gpt-4o-mini
            selector: {key: x-user-id, value: "*"}
            limit: {tokens: 100, unit: minute}
        system_prompt: "Be brief.\nCosts are in $$USD."
        agents:
          - id: a
            url: http://agent:80
        """;

    [Fact]
    public void Write_RichConfig_RoundTripsToEquivalentConfig()
    {
        var original = LoadValid(Rich);

        var written = ConfigWriter.Write(original);
        var reloaded = Load(written.Yaml);

        Assert.True(reloaded.Success, written.Yaml + "\n" + string.Join("\n", reloaded.Diagnostics));
        Assert.Equal(Canonical(original), Canonical(reloaded.Config!));
        Assert.Empty(written.ExpandedReferences);
        Assert.StartsWith("version: v0.4.0\n", written.Yaml, StringComparison.Ordinal);

        // The second write is a fixed point: the writer reads its own output the way it wrote it.
        Assert.Equal(written.Yaml, ConfigWriter.Write(reloaded.Config!).Yaml);
    }

    [Fact]
    public void Write_RichConfig_EscapesDollarsAndQuotesAmbiguousStrings()
    {
        var yaml = ConfigWriter.Write(LoadValid(Rich)).Yaml;

        Assert.Contains("access_key: pa$$word\n", yaml, StringComparison.Ordinal);
        Assert.Contains("X-Team: \"42\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("X-Empty: \"\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("X-Flag: \"true\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("connection_string: postgres://u:p$$w@db/x\n", yaml, StringComparison.Ordinal);
        Assert.Contains("opentracing_grpc_endpoint: http://otel-collector:4317\n", yaml, StringComparison.Ordinal);
        Assert.Contains("random_sampling: 100\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_V03InlinePreferences_EmittedTopLevelOnly()
    {
        var result = Load("""
            version: v0.3.0
            llm_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                routing_preferences:
                  - name: chat
                    description: small talk
              - model: openai/gpt-4o
                access_key: k
                routing_preferences:
                  - name: chat
                    description: small talk
            overrides:
              llm_routing_model: openai/gpt-4o-mini
            """);
        Assert.True(result.Success);

        var written = ConfigWriter.Write(result.Config!);

        Assert.Equal("""
            version: v0.4.0

            listeners:
              - name: llm
                type: model
                address: 127.0.0.1
                port: 12000

            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
              - model: openai/gpt-4o
                access_key: k

            routing_preferences:
              - name: chat
                description: small talk
                models: [openai/gpt-4o-mini, openai/gpt-4o]

            overrides:
              llm_routing_model: openai/gpt-4o-mini

            """, written.Yaml);
        var reloaded = Load(written.Yaml);
        Assert.Empty(reloaded.Diagnostics);
        Assert.Equal(Canonical(result.Config!), Canonical(reloaded.Config!));
    }

    [Fact]
    public void Write_EnvReferences_WrittenBackWhereTheyExpandToTheSameValue()
    {
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-secret", ["PORT"] = "9000", ["PG"] = "postgres://db" };
        var result = Load("""
            listeners:
              egress_traffic:
                port: ${PORT}
                timeout: ${TIMEOUT:-30s}
            llm_providers:
              - model: openai/gpt-4o
                access_key: $OPENAI_API_KEY
                headers:
                  X-Key: prefix-${OPENAI_API_KEY}
            state_storage:
              type: postgres
              connection_string: ${PG}
            """, env);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));

        var written = ConfigWriter.Write(result.Config!, result.EnvReferences);

        Assert.DoesNotContain("sk-secret", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("port: ${PORT}\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("access_key: $OPENAI_API_KEY\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("X-Key: prefix-${OPENAI_API_KEY}\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("connection_string: ${PG}\n", written.Yaml, StringComparison.Ordinal);

        // timeout expanded to the default 30s, which the writer leaves out: that reference has nowhere to go.
        var unplaced = Assert.Single(written.ExpandedReferences);
        Assert.Equal(("listeners.egress_traffic.timeout", 4, "${TIMEOUT:-30s}"), (unplaced.Path, unplaced.Line, unplaced.Raw));

        var reloaded = Load(written.Yaml, env);
        Assert.True(reloaded.Success, written.Yaml);
        Assert.Equal(Canonical(result.Config!), Canonical(reloaded.Config!));
    }

    [Fact]
    public void Write_UnsetVariables_WrittenBackAsReferencesWithoutTheirValues()
    {
        var result = ConfigLoader.Parse("""
            listeners:
              - name: llm
                port: ${PORT}
            model_providers:
              - model: openai/gpt-4o
                access_key: $OPENAI_API_KEY
                headers:
                  X-Key: prefix-${OPENAI_API_KEY}
              - model: ollama/llama3.2
                base_url: $OLLAMA_URL
              - model: vllm/qwen
                provider_interface: openai
                base_url: https://${GPU_HOST}/v1
            """, Source, _ => null, UnsetVariables.Warning);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));

        var written = ConfigWriter.Write(result.Config!, result.EnvReferences);

        Assert.Contains("access_key: $OPENAI_API_KEY\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("X-Key: prefix-${OPENAI_API_KEY}\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("base_url: $OLLAMA_URL\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("base_url: https://${GPU_HOST}/v1\n", written.Yaml, StringComparison.Ordinal);
        // An unset integer has no value to write: the default port is written, and the reference reported.
        Assert.Equal("${PORT}", Assert.Single(written.ExpandedReferences).Raw);
    }

    [Fact]
    public void Write_HostedRouter_LeftOutSoTheOutputStillUsesIt()
    {
        var config = LoadValid(MinimalProviders + "\n" + """
            routing_preferences:
              - name: chat
                description: small talk
                models: [openai/gpt-4o-mini]
            """);

        var written = ConfigWriter.Write(config);
        var reloaded = Load(written.Yaml);

        Assert.DoesNotContain("llm_routing_model", written.Yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("plano-orchestrator", written.Yaml, StringComparison.Ordinal);
        Assert.NotNull(reloaded.Config!.HostedRouter);
        Assert.Equal(Canonical(config), Canonical(reloaded.Config));
    }

    [Theory]
    [MemberData(nameof(ExamplesTests.Files), MemberType = typeof(ExamplesTests))]
    public void Write_ShippedExample_RoundTripsWithEveryReferenceKept(string file)
    {
        static string? Env(string name) => name.EndsWith("_API_KEY", StringComparison.Ordinal) ? "secret-" + name : null;
        var path = Path.Combine(ExamplesTests.ExamplesDir(), file);
        var loaded = ConfigLoader.LoadFile(path, Env);
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));

        var written = ConfigWriter.Write(loaded.Config!, loaded.EnvReferences);
        var reloaded = ConfigLoader.Parse(written.Yaml, path, Env);

        Assert.True(reloaded.Success, written.Yaml + "\n" + string.Join("\n", reloaded.Diagnostics));
        Assert.Empty(reloaded.Warnings);
        Assert.Equal(Canonical(loaded.Config!), Canonical(reloaded.Config!));
        Assert.DoesNotContain("secret-", written.Yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(written.ExpandedReferences, r => r.Raw.Contains("_API_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_EnvReference_NotUsedWhenTheValueDiffers()
    {
        var config = LoadValid(MinimalProviders);
        var stale = new EnvReference("model_providers[0].access_key", 3, "$OTHER_KEY", "not-k");

        var written = ConfigWriter.Write(config, [stale]);

        Assert.Contains("access_key: k\n", written.Yaml, StringComparison.Ordinal);
        Assert.Equal([stale], written.ExpandedReferences);
    }

    [Fact]
    public void Write_ModelGroups_EmittedAsNativeSection()
    {
        var config = LoadValid(MinimalProviders) with
        {
            Groups = [new ModelGroupConfig("pool", ["openai/gpt-4o-mini", "backup"], "round-robin", 0)],
        };

        var yaml = ConfigWriter.Write(config).Yaml;

        Assert.Contains("""

            model_groups:
              pool:
                models: [openai/gpt-4o-mini, backup]
                strategy: round-robin

            """, yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(750, "750ms")]
    [InlineData(2000, "2s")]
    [InlineData(90_000, "90s")]
    [InlineData(120_000, "2m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(1500, "1500ms")]
    public void FormatDuration_ShortestExactUnit(int milliseconds, string expected)
    {
        var text = ConfigYaml.FormatDuration(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, text);
        Assert.True(DurationParser.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }

    /// <summary>
    /// The config as canonical JSON, without what a rewrite legitimately changes: source, version and lines, the
    /// informational legacy message_format, v0.3 inline preferences (already merged into RoutingPreferences), and
    /// the order of the kept sections.
    /// </summary>
    internal static string Canonical(GatewayConfig config)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Normalize } },
        };
        var sections = new SortedDictionary<string, System.Text.Json.Nodes.JsonNode?>(config.Sections.ToDictionary(), StringComparer.Ordinal);
        return JsonSerializer.Serialize(config with { Sections = sections }, options);
    }

    // Dialect: a model_list (LiteLLM/PLLM) file is written in the native dialect, by design.
    private static readonly string[] Ignored = ["Line", "Source", "Version", "MessageFormat", "Dialect"];

    private static void Normalize(JsonTypeInfo info)
    {
        if (info.Kind == JsonTypeInfoKind.Object)
        {
            foreach (var property in info.Properties.Where(p => Ignored.Contains(p.Name)
                         || (info.Type == typeof(ModelProviderConfig) && p.Name == nameof(ModelProviderConfig.RoutingPreferences))).ToList())
            {
                info.Properties.Remove(property);
            }
        }

        if (info.Type == typeof(MetricsSourceConfig))
        {
            info.PolymorphismOptions = new JsonPolymorphismOptions
            {
                DerivedTypes = { new JsonDerivedType(typeof(CostSourceConfig), "cost"), new JsonDerivedType(typeof(LatencySourceConfig), "latency") },
            };
        }
    }
}
