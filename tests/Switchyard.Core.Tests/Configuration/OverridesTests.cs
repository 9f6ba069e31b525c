using System.Text.Json.Nodes;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Preference;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class OverridesTests
{
    private const string Route = """
        routing_preferences:
          - name: code
            description: writing code
            models: [openai/gpt-4o]
        """;

    [Fact]
    public void Parse_AllRouterKeys_ReadIntoRouterSettings()
    {
        var config = LoadValid(RoutingProviders + "\n" + """
            overrides:
              llm_routing_model: openai/gpt-4o
              llm_routing_model_format: arch-router
              router_timeout: 750ms
              orchestrator_model_context_length: 4096
              routing_trigger: router
            """);

        Assert.Equal(
            new RouterSettings
            {
                Model = "openai/gpt-4o", Format = RouterPromptFormat.ArchRouter, Timeout = TimeSpan.FromMilliseconds(750),
                ContextLength = 4096, Trigger = "router", Line = 11,
            },
            config.Router);
        Assert.False(config.Sections.ContainsKey("overrides"));
    }

    [Fact]
    public void Parse_NoOverrides_Defaults()
    {
        var router = LoadValid(MinimalProviders).Router;

        Assert.Equal(new RouterSettings(), router);
        Assert.Equal((RouterPromptFormat.PlanoOrchestrator, TimeSpan.FromSeconds(2), 8192, "auto"), (router.Format, router.Timeout, router.ContextLength, router.Trigger));
    }

    [Fact]
    public void Parse_PlanoOnlyOverrides_WarnedAndKept()
    {
        var result = Load(MinimalProviders + "\n" + """
            overrides:
              use_agent_orchestrator: false
              prompt_target_intent_matching_threshold: 0.6
              upstream_connect_timeout: 5s
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(
            [("overrides.use_agent_orchestrator", 5), ("overrides.prompt_target_intent_matching_threshold", 6), ("overrides.upstream_connect_timeout", 7)],
            result.Warnings.Select(w => (w.Path, w.Line)));
        Assert.Equal("'use_agent_orchestrator' is a Plano setting Switchyard does not use; it is kept and ignored", result.Warnings.First().Message);
        var kept = (JsonObject)result.Config!.Sections["overrides"]!;
        Assert.Equal("""{"use_agent_orchestrator":false,"prompt_target_intent_matching_threshold":0.6,"upstream_connect_timeout":"5s"}""", kept.ToJsonString());
    }

    [Theory]
    [InlineData("  router_timout: 2s", "overrides.router_timout", "unknown key 'router_timout' (did you mean 'router_timeout'?)")]
    [InlineData("  router_timeout: 0s", "overrides.router_timeout", "must be greater than zero, got '0s'")]
    [InlineData("  orchestrator_model_context_length: 100", "overrides.orchestrator_model_context_length", "must be between 256 and 2147483647, got 100")]
    [InlineData("  llm_routing_model_format: arch_router", "overrides.llm_routing_model_format", "'arch_router' is not one of plano-orchestrator, arch-router (did you mean 'arch-router'?)")]
    [InlineData("  llm_routing_model: openai/gpt-4", "overrides.llm_routing_model", "router model 'openai/gpt-4' does not match any configured model (did you mean 'openai/gpt-4o'?)")]
    [InlineData("  llm_routing_model: fast", "overrides.llm_routing_model", "router model 'fast' is an alias; name the model itself ('openai/gpt-4o-mini')")]
    [InlineData("  routing_trigger: fast", "overrides.routing_trigger", "routing trigger 'fast' is also the name of a configured model or alias, so that model could never be requested directly; rename one of them (set overrides.routing_trigger)")]
    public void Parse_BadRouterSetting_ErrorAtKey(string line, string path, string message)
    {
        var router = line.Contains("llm_routing_model:", StringComparison.Ordinal) ? "" : "\n  llm_routing_model: openai/gpt-4o-mini";
        var d = SingleError(RoutingProviders + "\noverrides:\n" + line + router + "\n" + Route);

        AssertAt(d, path, 12);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Parse_OverridesNotAMapping_Error()
    {
        AssertAt(SingleError(MinimalProviders + "\noverrides: [a]"), "overrides", 4);
    }

    [Fact]
    public void Parse_RouterModelUnderWildcard_Accepted()
    {
        var config = LoadValid(RoutingProviders + "\n" + """
            overrides:
              llm_routing_model: anthropic/claude-3-5-haiku-latest
            """ + "\n" + Route);

        Assert.Equal("anthropic/claude-3-5-haiku-latest", config.Router.Model);
    }
}
