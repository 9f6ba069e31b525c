using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>circuit_breaker, health_check, max_concurrent, queue_timeout: both dialects, errors, and what migrate writes.</summary>
public class EndpointPolicyConfigTests
{
    private const string Native = """
        version: v0.4.0
        listeners:
          - {name: llm, type: model, address: 127.0.0.1, port: 12000}
        circuit_breaker:
          failure_threshold: 4
          error_rate: 25%
          window: 2m
          cooldown: 20s
          key_cooldown: 10m
        model_providers:
          - model: openai/gpt-4o
            access_key: k
            circuit_breaker: {cooldown: 45s, enabled: true}
            health_check: {interval: 15s, timeout: 3s}
            max_concurrent: 8
            queue_timeout: 2s
          - model: openai/gpt-4o-mini
            access_key: k
        """;

    [Fact]
    public void Native_TopLevelAndEntryOverride_ResolveKeyByKey()
    {
        var config = LoadValid(Native);
        var snapshot = RuntimeSnapshot.Build(config, 1);

        var first = snapshot.Endpoints.For(config.Providers[0]).Policy;
        Assert.Equal(new CircuitBreakerSettings(true, 4, 0.25, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(10)), first.Breaker);
        Assert.Equal(new HealthCheckConfig(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(3)), first.HealthCheck);
        Assert.Equal(8, first.MaxConcurrent);
        Assert.Equal(TimeSpan.FromSeconds(2), first.QueueTimeout);

        var second = snapshot.Endpoints.For(config.Providers[1]).Policy;
        Assert.Equal(TimeSpan.FromSeconds(20), second.Breaker.Cooldown);
        Assert.Equal(int.MaxValue, second.MaxConcurrent);
        Assert.Null(second.HealthCheck);
    }

    [Fact]
    public void Defaults_BreakerOnWithTheDocumentedNumbers()
    {
        var config = LoadValid(RoutingProviders);
        var policy = RuntimeSnapshot.Build(config, 1).Endpoints.For(config.Providers[0]).Policy;
        Assert.Same(EndpointPolicy.Default, policy);
        Assert.Equal(new CircuitBreakerSettings(true, 5, 0.5, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)), policy.Breaker);
        Assert.Equal(TimeSpan.FromSeconds(10), EndpointPolicy.DefaultQueueTimeout);
    }

    [Theory]
    [InlineData("circuit_breaker: {failure_threshold: 0}", "circuit_breaker.failure_threshold", "between 1 and")]
    [InlineData("circuit_breaker: {error_rate: 1.5}", "circuit_breaker.error_rate", "fraction between 0 and 1")]
    [InlineData("circuit_breaker: {cooldown: soon}", "circuit_breaker.cooldown", "must be a duration")]
    [InlineData("circuit_breaker: {treshold: 3}", "circuit_breaker.treshold", "")]
    [InlineData("circuit_breaker: {enabled: yes}", "circuit_breaker.enabled", "true or false")]
    public void Native_InvalidTopLevelValues_AreErrorsWithPathAndLine(string section, string path, string message)
    {
        var d = SingleError(RoutingProviders + "\n" + section);
        AssertAt(d, path, 11);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_concurrent: 0", "model_providers[0].max_concurrent")]
    [InlineData("queue_timeout: -1s", "model_providers[0].queue_timeout")]
    [InlineData("health_check: {interval: 0s}", "model_providers[0].health_check.interval")]
    [InlineData("health_check: {every: 5s}", "model_providers[0].health_check.every")]
    [InlineData("circuit_breaker: {window: x}", "model_providers[0].circuit_breaker.window")]
    public void Native_InvalidEntryValues_AreErrorsWithPathAndLine(string key, string path)
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            """ + "\n    " + key);
        AssertAt(d, path, 4);
    }

    [Fact]
    public void HealthCheck_OnAWildcardEntry_WarnsThatItIsNotUsed()
    {
        var result = Load("""
            model_providers:
              - model: openai/*
                access_key: k
                health_check: {interval: 10s}
            """);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "model_providers[0].health_check", 4);
        Assert.Contains("wildcard", w.Message, StringComparison.Ordinal);
    }

    private const string LiteLLM = """
        model_list:
          - model_name: gpt-4o
            litellm_params: {model: openai/gpt-4o, api_key: k, max_parallel_requests: 3}
          - model_name: mini
            litellm_params: {model: openai/gpt-4o-mini, api_key: k}
        router_settings:
          allowed_fails: 2
          cooldown_time: 15
          health_check_interval: 20
          default_max_parallel_requests: 10
        """;

    [Fact]
    public void LiteLLM_RouterKeys_TakeEffectWithoutWarnings()
    {
        var result = Load(LiteLLM);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        var config = result.Config!;
        Assert.Equal(new CircuitBreakerConfig { FailureThreshold = 3, Cooldown = TimeSpan.FromSeconds(15) }, config.CircuitBreaker);
        var p = config.Providers.ToDictionary(x => x.Name);
        Assert.Equal(3, p["gpt-4o"].MaxConcurrent);
        Assert.Equal(10, p["mini"].MaxConcurrent);
        Assert.Equal(TimeSpan.FromSeconds(20), p["mini"].HealthCheck!.Interval);
    }

    [Theory]
    [InlineData("circuit_breaker_enabled: false", false, null, null)]
    [InlineData("disable_cooldowns: true", false, null, null)]
    [InlineData("circuit_breaker_threshold: 7\n  circuit_breaker_cooldown: 1m", null, 7, 60)]
    public void Pllm_RouterKeys_MapOntoTheNativeBreaker(string keys, bool? enabled, int? threshold, int? cooldownSeconds)
    {
        var result = Load("""
            model_list:
              - model_name: gpt-4o
                params: {model: openai/gpt-4o, api_key: k}
            router:
            """ + "\n  " + keys);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        var b = result.Config!.CircuitBreaker!;
        Assert.Equal(enabled, b.Enabled);
        Assert.Equal(threshold, b.FailureThreshold);
        Assert.Equal(cooldownSeconds is { } s ? TimeSpan.FromSeconds(s) : null, b.Cooldown);
    }

    [Fact]
    public void Pllm_InvalidRouterValue_IsAnErrorWithPathAndLine()
    {
        var d = SingleError("""
            model_list:
              - model_name: gpt-4o
                params: {model: openai/gpt-4o, api_key: k}
            router:
              circuit_breaker_threshold: many
            """);
        AssertAt(d, "router.circuit_breaker_threshold", 5);
    }

    [Fact]
    public void Migrate_WritesNativeKeys_AndTheResultLoadsToTheSamePolicies()
    {
        var original = LoadValid(LiteLLM);
        var yaml = ConfigWriter.Write(original).Yaml;

        Assert.Contains("circuit_breaker:\n  failure_threshold: 3\n  cooldown: 15s", yaml, StringComparison.Ordinal);
        Assert.Contains("max_concurrent: 3", yaml, StringComparison.Ordinal);
        Assert.Contains("health_check:\n      interval: 20s\n      timeout: 10s", yaml, StringComparison.Ordinal);
        var reloaded = LoadValid(yaml);
        Assert.Equal(original.CircuitBreaker, reloaded.CircuitBreaker);
        Assert.Equal(original.Providers.Select(p => (p.MaxConcurrent, p.HealthCheck)), reloaded.Providers.Select(p => (p.MaxConcurrent, p.HealthCheck)));

        var native = LoadValid(Native);
        var again = LoadValid(ConfigWriter.Write(native).Yaml);
        Assert.Equal(native.CircuitBreaker, again.CircuitBreaker);
        static object Keys(ModelProviderConfig p) => (p.CircuitBreaker, p.HealthCheck, p.MaxConcurrent, p.QueueTimeout);
        Assert.Equal(native.Providers.Select(Keys), again.Providers.Select(Keys));
        Assert.NotNull(again.Providers[0].CircuitBreaker);
    }
}
