using System.Runtime.CompilerServices;
using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>
/// PLLM's documented config.yaml (Fixtures/pllm-config.yaml): every block loads, every documented key takes effect or
/// draws a warning naming it, the one dangling reference is a load error, and <c>migrate</c> keeps every policy. Also
/// the PLLM router keys with a native equivalent (<c>retry_attempts</c>, <c>fallback_enabled</c>) and Bedrock's
/// <c>aws_region</c>.
/// </summary>
public class PllmDocumentConfigTests
{
    // Every variable the document references (its own "Environment Variables" list).
    internal static readonly Dictionary<string, string> Env = new(StringComparer.Ordinal)
    {
        ["OPENAI_API_KEY"] = "sk-openai-1",
        ["OPENAI_API_KEY_2"] = "sk-openai-2",
        ["AZURE_API_KEY"] = "azure-key",
        ["ANTHROPIC_API_KEY"] = "sk-ant",
        ["OPENROUTER_API_KEY"] = "sk-or",
        ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "aws-secret",
        ["AWS_REGION"] = "eu-central-1",
        ["VERTEX_PROJECT"] = "my-project",
        ["VERTEX_LOCATION"] = "us-central1",
        ["GROK_API_KEY"] = "grok-key",
    };

    private static ConfigLoadResult LoadDocument(string? text = null) => Load(text ?? File.ReadAllText(FixturePath()), Env);

    [Fact]
    public void Document_Loads_EveryKeyTakesEffectOrDrawsAWarningNamingIt()
    {
        var result = LoadDocument();

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        // Exactly these warnings: the other proxy's own sections, two default request parameters, the router's request
        // timeout (no equivalent: Switchyard's timeouts are per phase, on the listener) and the Vertex entry without a
        // credential. Everything else in the document takes effect. (Compared as sets: the order is the readers'.)
        Assert.Equal(
        [
            "admin", "auth", "cache", "database", "jwt", "logging", "model_list[12].params.api_key", "model_list[3].params.max_tokens",
            "model_list[3].params.temperature", "monitoring", "rate_limit", "redis", "router.timeout", "server",
        ], result.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
        Assert.Contains("global_rpm", result.Warnings.Single(w => w.Path == "rate_limit").Message, StringComparison.Ordinal);

        var config = result.Config!;
        var p = config.Providers.ToDictionary(x => x.Name);
        Assert.Equal(
            ["my-gpt-4", "my-gpt-35-turbo", "my-gpt-35-turbo-16k", "fast-gpt", "my-gpt-35-turbo-backup", "azure-gpt-4", "claude-3-sonnet", "claude-3-haiku",
             "openrouter-gpt-4", "openrouter-claude", "openrouter-llama", "bedrock-claude-3", "vertex-gemini-pro", "grok-mixtral"],
            config.Providers.Select(x => x.Name));

        // router: latency-based on every group, the breaker on, retry_attempts → max_retries, health checks every 30 s.
        Assert.All(config.Groups, g => Assert.Equal("latency-based", g.Strategy));
        Assert.True(config.CircuitBreaker!.Enabled);
        Assert.Equal(2, Assert.Single(config.Listeners).MaxRetries);
        Assert.All(config.Providers, x => Assert.Equal(TimeSpan.FromSeconds(30), x.HealthCheck!.Interval));

        // fallbacks and context_window_fallbacks (the latter with the fixture's one fixed line).
        Assert.Equal(["my-gpt-35-turbo", "my-gpt-35-turbo-16k"], p["my-gpt-4"].Fallbacks);
        Assert.Equal(["my-gpt-35-turbo-16k"], p["my-gpt-35-turbo"].Fallbacks);
        Assert.Equal(["my-gpt-35-turbo-16k"], p["my-gpt-35-turbo"].ContextWindowFallbacks);
        Assert.Equal(["my-gpt-35-turbo-16k"], p["my-gpt-4"].ContextWindowFallbacks);

        // rpm / tpm on the items.
        Assert.Equal((500, 30000), (p["my-gpt-4"].Rpm, p["my-gpt-4"].Tpm));
        Assert.Equal((500, 100000), (p["fast-gpt"].Rpm, p["fast-gpt"].Tpm));
        Assert.Equal((300, 40000), (p["azure-gpt-4"].Rpm, p["azure-gpt-4"].Tpm));
        Assert.Equal((100, 100000), (p["claude-3-sonnet"].Rpm, p["claude-3-sonnet"].Tpm));
        Assert.Equal((200, 200000), (p["claude-3-haiku"].Rpm, p["claude-3-haiku"].Tpm));
        Assert.Equal((200, 50000), (p["openrouter-gpt-4"].Rpm, p["openrouter-gpt-4"].Tpm));
        Assert.Null(p["my-gpt-35-turbo"].Rpm);

        // Provider parameters: Azure's api_version, Bedrock's aws_* (aws_region is the region), Vertex's project/location.
        Assert.Equal(("azure_openai/my-deployment-name", "2024-02-15-preview"), (p["azure-gpt-4"].Model, p["azure-gpt-4"].ApiVersion));
        var bedrock = p["bedrock-claude-3"];
        Assert.Equal(("eu-central-1", "AKIAEXAMPLE", "aws-secret"), (bedrock.Region, bedrock.AwsAccessKeyId, bedrock.AwsSecretAccessKey));
        Assert.Equal("https://bedrock-runtime.eu-central-1.amazonaws.com", bedrock.BaseUrl);
        Assert.Equal(("my-project", "us-central1"), (p["vertex-gemini-pro"].Project, p["vertex-gemini-pro"].Location));
        Assert.Equal("openrouter/openai/gpt-4-turbo", p["openrouter-gpt-4"].Model);

        // model_aliases: lists of several models are groups, one-model lists are aliases.
        Assert.Equal(["smart", "fast", "long-context", "claude", "openai", "openrouter"], config.Groups.Select(g => g.Name));
        Assert.Equal(["my-gpt-4", "azure-gpt-4", "openrouter-gpt-4", "claude-3-sonnet"], config.Groups[0].Members);
        Assert.Equal([("azure", "azure-gpt-4"), ("bedrock", "bedrock-claude-3"), ("vertex", "vertex-gemini-pro"), ("grok", "grok-mixtral")],
            config.Aliases.Select(a => (a.Alias, a.Target)));
    }

    [Fact]
    public void Document_AsPublished_DanglingContextWindowFallback_IsALoadErrorAtItsLine()
    {
        // The one line the fixture fixes, put back as PLLM publishes it: my-gpt-4-32k is defined nowhere.
        var text = File.ReadAllText(FixturePath());
        var fixedLine = text.Split('\n').Single(l => l.Contains("# FIXED", StringComparison.Ordinal));
        var published = text.Replace(fixedLine, """    my-gpt-4: ["my-gpt-4-32k"]""", StringComparison.Ordinal);
        var line = Array.IndexOf(text.Split('\n'), fixedLine) + 1;

        var d = SingleError(published, Env);

        AssertAt(d, "router.context_window_fallbacks.my-gpt-4[0]", line);
        Assert.Contains("'my-gpt-4-32k'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Document_Migrated_LoadsAgainWithEveryPolicy()
    {
        var loaded = LoadDocument();
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));

        var written = ConfigWriter.Write(loaded.Config!, loaded.EnvReferences);
        var reloaded = ConfigLoader.Parse(written.Yaml, Source, name => Env.GetValueOrDefault(name));

        Assert.True(reloaded.Success, written.Yaml + "\n" + string.Join("\n", reloaded.Diagnostics));
        // Credentials stay references. (AWS_REGION's value does appear: the bedrock endpoint derived from it is written
        // as a literal base_url, which the native dialect requires.)
        Assert.All(Env.Where(e => e.Key != "AWS_REGION"), e => Assert.DoesNotContain(e.Value, written.Yaml, StringComparison.Ordinal));
        var (before, after) = (loaded.Config!, reloaded.Config!);

        // The policies one by one (so a failure names the one lost), then the whole configuration.
        Assert.Equal(before.Groups.Select(g => (g.Name, g.Strategy, string.Join(",", g.Members))), after.Groups.Select(g => (g.Name, g.Strategy, string.Join(",", g.Members))));
        Assert.Equal(before.CircuitBreaker, after.CircuitBreaker);
        Assert.Equal(before.Listeners.Select(l => l.MaxRetries), after.Listeners.Select(l => l.MaxRetries));
        Assert.Equal(Policies(before), Policies(after));
        Assert.Equal(before.Aliases.Select(a => (a.Alias, a.Target)), after.Aliases.Select(a => (a.Alias, a.Target)));
        Assert.Equal(ConfigWriterTests.Canonical(before), ConfigWriterTests.Canonical(after));

        static IEnumerable<string> Policies(GatewayConfig c) => c.Providers.Select(x =>
            $"{x.Name} rpm={x.Rpm} tpm={x.Tpm} fallbacks=[{string.Join(",", x.Fallbacks)}] window=[{string.Join(",", x.ContextWindowFallbacks)}] "
            + $"health={x.HealthCheck?.Interval} keys={x.AccessKeys.Count} region={x.Region}");
    }

    private const string TwoModels = """
        model_list:
          - model_name: big
            params: {model: openai/gpt-4o, api_key: k}
          - model_name: small
            params: {model: openai/gpt-4o-mini, api_key: k}
          - model_name: long
            params: {model: openai/gpt-4.1, api_key: k}

        """;

    [Fact]
    public void FallbackEnabledFalse_NoFallbackRuleIsUsed_OneWarningNamesThem()
    {
        var result = Load(TwoModels + """
            router:
              fallback_enabled: false
              fallbacks:
                big: [small]
              context_window_fallbacks:
                big: [long]
              fallback_models: [long]
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.All(result.Config!.Providers, x => Assert.Equal((0, 0), (x.Fallbacks.Count, x.ContextWindowFallbacks.Count)));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "router.fallback_enabled", 9);
        Assert.Contains("fallbacks, context_window_fallbacks, fallback_models", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FallbackEnabledTrue_OrWithoutRules_LoadsSilently()
    {
        var on = Load(TwoModels + """
            router:
              fallback_enabled: true
              fallbacks:
                big: [small]
            """);
        var offWithoutRules = Load(TwoModels + """
            router:
              fallback_enabled: false
            """);

        Assert.Empty(on.Diagnostics);
        Assert.Equal(["small"], on.Config!.Providers[0].Fallbacks);
        Assert.Empty(offWithoutRules.Diagnostics);
    }

    [Fact]
    public void RetryAttempts_IsTheListenersMaxRetries_AListenersOwnValueWinsWithAWarning()
    {
        var defaultListener = LoadValid(TwoModels + "router:\n  retry_attempts: 3\n");
        var own = Load(TwoModels + """
            router:
              retry_attempts: 3
            listeners:
              - {name: a, type: model, port: 12000, max_retries: 1}
              - {name: b, type: model, port: 12001}
            """);

        Assert.Equal(3, Assert.Single(defaultListener.Listeners).MaxRetries);
        Assert.True(own.Success, string.Join("\n", own.Diagnostics));
        Assert.Equal([1, 3], own.Config!.Listeners.Select(l => l.MaxRetries));
        var w = Assert.Single(own.Warnings);
        AssertAt(w, "router.retry_attempts", 9);
        Assert.Contains("listeners[0].max_retries", w.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry_attempts: 11", "router.retry_attempts")]
    [InlineData("fallback_enabled: maybe", "router.fallback_enabled")]
    public void RouterKeys_InvalidValue_IsAnErrorAtTheKey(string key, string path)
    {
        var d = SingleError(TwoModels + "router:\n  " + key + "\n");

        AssertAt(d, path, 9);
    }

    [Fact]
    public void AwsRegion_IsTheBedrockRegion_BothSpellings_AreAnError()
    {
        const string Bedrock = """
            model_list:
              - model_name: b
                params:
                  model: bedrock/anthropic.claude-3-sonnet-20240229-v1:0
                  aws_access_key_id: AKIA
                  aws_secret_access_key: s
                  aws_region: us-west-2

            """;

        var config = LoadValid(Bedrock);
        var both = SingleError(Bedrock + "      aws_region_name: us-east-1\n");

        Assert.Equal(("us-west-2", "https://bedrock-runtime.us-west-2.amazonaws.com"), (config.Providers[0].Region, config.Providers[0].BaseUrl));
        AssertAt(both, "model_list[0].params.aws_region", 7);
    }

    [Fact]
    public void ReadmeRouter_InstanceRetryAttempts_ModelFallbacks_EnableFailover_TakeEffect()
    {
        // The router block of PLLM's README, over two of its models (the README's gpt-4 → gpt-35-turbo renamed to them).
        var result = Load(TwoModels + """
            router:
              routing_strategy: "least-latency"
              enable_failover: true
              instance_retry_attempts: 2
              failover_timeout_multiple: 1.5
              circuit_breaker_enabled: true

              model_fallbacks:
                big: small
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(["router.failover_timeout_multiple"], result.Warnings.Select(w => w.Path));
        Assert.Equal(2, Assert.Single(result.Config!.Listeners).MaxRetries);
        Assert.Equal(["small"], result.Config.Providers[0].Fallbacks);
        Assert.True(result.Config.CircuitBreaker!.Enabled);
    }

    [Fact]
    public void EnableModelFallbackFalse_DropsFallbacks_EnableFailoverFalse_Warns()
    {
        var result = Load(TwoModels + """
            router:
              enable_failover: false
              enable_model_fallback: false
              model_fallbacks:
                big: small
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Config!.Providers[0].Fallbacks);
        Assert.Equal(["router.enable_failover", "router.enable_model_fallback"], result.Warnings.Select(w => w.Path));
        Assert.StartsWith("enable_model_fallback is false", result.Warnings.ElementAt(1).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry_attempts: 1", "instance_retry_attempts: 2", "router.instance_retry_attempts")]
    [InlineData("fallback_enabled: true", "enable_model_fallback: true", "router.enable_model_fallback")]
    public void BothSpellingsOfOneRouterSetting_AreAnError(string first, string second, string path)
    {
        var d = SingleError(TwoModels + "router:\n  " + first + "\n  " + second + "\n");

        AssertAt(d, path, 10);
        Assert.Contains("same setting", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderBlock_TypeNamesTheProvider_OpenRouterBaseUrlKeepsTheFullName()
    {
        var config = LoadValid("""
            model_list:
              - model_name: my-gpt-4
                provider: {type: openai, model: gpt-4, api_key: k}
              - model_name: claude
                provider: {type: anthropic, model: claude-3-haiku-20240307, api_key: k}
              - model_name: deepseek-v3-free
                provider: {type: openai, model: "deepseek/deepseek-chat-v3-0324:free", api_key: k, base_url: "https://openrouter.ai/api/v1"}
              - model_name: azure
                provider: {type: azure, model: my-deployment, api_key: k, base_url: "https://e.openai.azure.com/", api_version: "2024-02-15-preview"}
            """);

        Assert.Equal(["openai/gpt-4", "anthropic/claude-3-haiku-20240307", "openrouter/deepseek/deepseek-chat-v3-0324:free", "azure_openai/my-deployment"],
            config.Providers.Select(p => p.Model));
    }

    [Fact]
    public void ProviderBlock_WithParams_IsAnError()
    {
        var d = SingleError("""
            model_list:
              - model_name: a
                params: {model: openai/gpt-4o, api_key: k}
                provider: {type: openai, model: gpt-4o, api_key: k}
            """);

        AssertAt(d, "model_list[0].provider", 4);
    }

    [Fact]
    public void DockerDocument_Loads_ProviderBlocks_BreakerKeys_Prices_TagsWarn()
    {
        var result = Load(File.ReadAllText(FixturePath("pllm-config.docker.yaml")), Env);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var config = result.Config!;
        var p = config.Providers.ToDictionary(x => x.Name);
        Assert.Equal(8, p.Count);
        Assert.Equal(("openai/gpt-4", 60, 90000), (p["my-gpt-4"].Model, p["my-gpt-4"].Rpm, p["my-gpt-4"].Tpm));
        Assert.Equal("openrouter/anthropic/claude-3-haiku", p["claude-3-haiku"].Model);
        Assert.Equal(8192, p["my-gpt-4"].ContextWindow);
        Assert.Equal(["my-gpt-35-turbo"], p["my-gpt-4"].Fallbacks);
        Assert.Equal(["my-gpt-35-turbo-16k"], p["my-gpt-35-turbo"].Fallbacks);
        Assert.Equal((true, 5, TimeSpan.FromSeconds(30)), (config.CircuitBreaker!.Enabled, config.CircuitBreaker.FailureThreshold, config.CircuitBreaker.Cooldown));
        // Per-token prices become the entry's price per million (docs/observability.md, "Cost"); tags are named in
        // warnings (one per entry), as are the other proxy's sections.
        Assert.DoesNotContain(result.Warnings, w => w.Path.EndsWith("_cost_per_token", StringComparison.Ordinal));
        Assert.Equal((30m, 60m, null, null), (p["my-gpt-4"].Pricing!.Input, p["my-gpt-4"].Pricing!.Output, p["my-gpt-4"].Pricing!.CachedInput, p["my-gpt-4"].Pricing!.CacheWrite));
        Assert.Equal((2.5m, 10m), (p["gpt-4o"].Pricing!.Input, p["gpt-4o"].Pricing!.Output));
        Assert.Equal(8, result.Warnings.Count(w => w.Path.EndsWith(".tags", StringComparison.Ordinal)));
        Assert.Contains(result.Warnings, w => w.Path == "guardrails");
    }

    [Theory]
    [InlineData("routes")]
    [InlineData("realtime")]
    [InlineData("guardrails")]
    public void PllmTopLevelSections_Routes_Realtime_Guardrails_AreWarnings(string section)
    {
        var result = Load(TwoModels + section + ":\n  enabled: true\n");

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        AssertAt(Assert.Single(result.Warnings), section, 8);
    }

    private static string FixturePath(string name = "pllm-config.yaml", [CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", name);
}
