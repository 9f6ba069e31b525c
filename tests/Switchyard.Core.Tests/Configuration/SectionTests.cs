using System.Text.Json.Nodes;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class SectionTests
{
    [Fact]
    public void Parse_KeptSections_StoredAsJsonWithTypedScalars()
    {
        var config = LoadValid(MinimalProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o-mini]
                selection_policy:
                  prefer: cheapest
            model_metrics_sources:
              - type: cost
                url: https://example.com/prices.json
            routing:
              session_ttl_seconds: 600
              session_cache:
                type: redis
                url: redis://localhost:6379
            overrides:
              ratio: 0.5
              enabled: true
              label: "42"
            tracing:
              random_sampling: 100
            ratelimits:
              - model: openai/gpt-4o-mini
            state_storage:
              type: postgres
              connection_string: postgres://x
            """);

        Assert.Equal(
            ["model_metrics_sources", "overrides", "ratelimits", "routing", "routing_preferences", "state_storage", "tracing"],
            config.Sections.Keys.Order());
        Assert.Equal(600, config.Sections["routing"]!["session_ttl_seconds"]!.GetValue<long>());
        Assert.Equal(0.5, config.Sections["overrides"]!["ratio"]!.GetValue<double>());
        Assert.True(config.Sections["overrides"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("42", config.Sections["overrides"]!["label"]!.GetValue<string>());
        Assert.Equal("cheapest", config.Sections["routing_preferences"]![0]!["selection_policy"]!["prefer"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("routing_preferences:\n  - description: d", "routing_preferences[0].name", 5)]
    [InlineData("routing_preferences:\n  - name: n\n    description: d\n    selection_policy:\n      prefer: cheap", "routing_preferences[0].selection_policy.prefer", 8)]
    [InlineData("routing_preferences:\n  - name: n\n    description: d\n    models: gpt", "routing_preferences[0].models", 7)]
    [InlineData("routing_preferences:\n  name: n", "routing_preferences", 5)]
    [InlineData("model_metrics_sources:\n  - url: x", "model_metrics_sources[0].type", 5)]
    [InlineData("routing:\n  session_cache:\n    type: memcached", "routing.session_cache.type", 6)]
    [InlineData("routing:\n  session_cache:\n    type: redis", "routing.session_cache.url", 6)]
    [InlineData("routing:\n  session_ttl_seconds: soon", "routing.session_ttl_seconds", 5)]
    [InlineData("routing:\n  sesion_ttl_seconds: 5", "routing.sesion_ttl_seconds", 5)]
    [InlineData("overrides: [a]", "overrides", 4)]
    [InlineData("tracing: on", "tracing", 4)]
    [InlineData("ratelimits: 5", "ratelimits", 4)]
    [InlineData("state_storage:\n  type: disk", "state_storage.type", 5)]
    [InlineData("state_storage:\n  type: postgres", "state_storage.connection_string", 5)]
    [InlineData("state_storage: {}", "state_storage.type", 4)]
    public void Parse_SectionShapeError_ErrorAtPathAndLine(string section, string path, int line)
    {
        var d = SingleError(MinimalProviders + "\n" + section);

        AssertAt(d, path, line);
    }

    [Theory]
    [InlineData("agents:\n  - id: a\n    url: http://x", "agents")]
    [InlineData("filters: []", "filters")]
    [InlineData("endpoints:\n  app:\n    endpoint: x:80", "endpoints")]
    [InlineData("prompt_targets: []", "prompt_targets")]
    [InlineData("prompt_guards: {}", "prompt_guards")]
    [InlineData("system_prompt: be nice", "system_prompt")]
    public void Parse_PlanoOnlyKey_KeptWithWarning(string section, string key)
    {
        var result = Load(MinimalProviders + "\n" + section);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, key, 4);
        Assert.Contains("not used by Switchyard yet", w.Message);
        Assert.True(result.Config!.Sections.ContainsKey(key));
    }

    [Fact]
    public void Parse_SystemPrompt_KeptAsString()
    {
        var config = Load(MinimalProviders + "\nsystem_prompt: hello").Config!;

        Assert.Equal("hello", ((JsonValue)config.Sections["system_prompt"]!).GetValue<string>());
    }
}
