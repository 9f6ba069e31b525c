using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Selection;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class RoutePreferenceTests
{
    private const string Metrics = """
        model_metrics_sources:
          - type: cost
            provider: models.dev
          - type: latency
            provider: observed
        """;

    [Fact]
    public void Parse_TopLevelPreferences_ReadInConfigOrder()
    {
        var config = LoadValid(RoutingBase + "\n" + Metrics + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o, anthropic/claude-sonnet-4-20250514, gpt-4o-mini]
                selection_policy:
                  prefer: cheapest
              - name: chat
                description: small talk
                models:
                  - openai/gpt-4o-mini
                selection_policy:
                  prefer: fastest
              - name: plain
                description: keeps the declared order
                models: [openai/gpt-4o]
                selection_policy:
                  prefer: none
              - name: unset
                description: no policy written
                models: [openai/gpt-4o]
            """);

        Assert.Collection(config.RoutingPreferences,
            r => AssertRoute(r, "code", "writing code", ["openai/gpt-4o", "anthropic/claude-sonnet-4-20250514", "gpt-4o-mini"], SelectionPolicy.Cheapest, 19),
            r => AssertRoute(r, "chat", "small talk", ["openai/gpt-4o-mini"], SelectionPolicy.Fastest, 24),
            r => AssertRoute(r, "plain", "keeps the declared order", ["openai/gpt-4o"], SelectionPolicy.None, 30),
            r => AssertRoute(r, "unset", "no policy written", ["openai/gpt-4o"], SelectionPolicy.None, 35));
        Assert.False(config.Sections.ContainsKey("routing_preferences"));
    }

    [Fact]
    public void Parse_UnknownRouteModel_ErrorAtItemWithSuggestion()
    {
        var d = SingleError(RoutingBase + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models:
                  - openai/gpt-4o
                  - openai/gpt-4o-mni
            """);

        AssertAt(d, "routing_preferences[0].models[1]", 18);
        Assert.Equal("route 'code': 'openai/gpt-4o-mni' does not match any configured model (did you mean 'openai/gpt-4o-mini'?)", d.Message);
    }

    [Fact]
    public void Parse_AliasAsRouteModel_ErrorNamesTarget()
    {
        var d = SingleError(RoutingBase + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [fast]
            """);

        AssertAt(d, "routing_preferences[0].models[0]", 16);
        Assert.Equal("route 'code': 'fast' is an alias; name the model itself ('openai/gpt-4o-mini')", d.Message);
    }

    [Fact]
    public void Parse_DuplicateRouteName_ErrorAtSecond()
    {
        var d = SingleError(RoutingBase + "\n" + """
            routing_preferences:
              - name: code
                description: a
                models: [openai/gpt-4o]
              - name: code
                description: b
                models: [openai/gpt-4o-mini]
            """);

        AssertAt(d, "routing_preferences[1].name", 17);
        Assert.Equal("route name 'code' is already used (routing_preferences[0], line 14); route names must be unique", d.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n    models: []")]
    [InlineData("\n    models:")]
    public void Parse_RouteWithoutModels_ErrorSaysWhatToAdd(string models)
    {
        var d = SingleError(RoutingBase + "\n" + "routing_preferences:\n  - name: code\n    description: writing code" + models);

        AssertAt(d, "routing_preferences[0].models", 14);
        Assert.Equal(
            "route 'code' has no models: add models: [<model>, ...] listing the configured models to use for it, in order (v0.4 requires at least one)",
            d.Message);
    }

    [Fact]
    public void Parse_ModelListedTwice_Error()
    {
        var d = SingleError(RoutingBase + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o, openai/gpt-4o]
            """);

        AssertAt(d, "routing_preferences[0].models[1]", 16);
        Assert.Contains("already listed in this route (routing_preferences[0].models[0])", d.Message);
    }

    [Theory]
    [InlineData("routing_preferences:\n  - description: d\n    models: [gpt-4o]", "routing_preferences[0].name", 14)]
    [InlineData("routing_preferences:\n  - name: n\n    models: [gpt-4o]", "routing_preferences[0].description", 14)]
    [InlineData("routing_preferences:\n  - name: n\n    description: d\n    models: [gpt-4o]\n    selection_policy:\n      prefer: cheap", "routing_preferences[0].selection_policy.prefer", 18)]
    [InlineData("routing_preferences:\n  - name: n\n    description: d\n    models: [gpt-4o]\n    selection_policy: {}", "routing_preferences[0].selection_policy.prefer", 17)]
    [InlineData("routing_preferences:\n  - name: n\n    description: d\n    models: gpt", "routing_preferences[0].models", 16)]
    [InlineData("routing_preferences:\n  - name: n\n    description: d\n    models: [gpt-4o]\n    prefer: cheapest", "routing_preferences[0].prefer", 17)]
    [InlineData("routing_preferences:\n  name: n", "routing_preferences", 14)]
    public void Parse_ShapeError_ErrorAtPathAndLine(string section, string path, int line)
    {
        var d = SingleError(RoutingBase + "\n" + section);

        AssertAt(d, path, line);
    }

    [Fact]
    public void Parse_PreferencesWithoutRouterModel_UsesHostedPlanoOrchestrator()
    {
        var config = LoadValid(RoutingProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """);

        var hosted = Assert.IsType<ModelProviderConfig>(config.HostedRouter);
        Assert.Equal(HostedRouter.Name, config.Router.Model);
        Assert.Equal("https://archfc.katanemo.dev", hosted.BaseUrl);
        Assert.Equal("Plano-Orchestrator", hosted.ModelId);
        Assert.Equal("plano-orchestrator", hosted.Headers["model"]);
        Assert.Equal("plano-orchestrator", hosted.Headers["x-arch-llm-provider-hint"]);
        Assert.DoesNotContain(config.Providers, p => p.Name == HostedRouter.Name);
    }

    [Fact]
    public void Parse_HostedRouterUrlVariable_ReplacesHostedBaseUrl()
    {
        var config = LoadValid(RoutingProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """, new Dictionary<string, string> { [HostedRouter.BaseUrlVariable] = "http://10.0.0.5:8080" });

        var router = ModelCatalog.Build(config).ResolveName(config.Router.Model!)!;
        Assert.Equal("http://10.0.0.5:8080/v1/chat/completions", router.ChatCompletionsUri.ToString());
    }

    [Fact]
    public void Parse_HostedRouterUrlVariableNotAUrl_ErrorNamesVariable()
    {
        var d = SingleError(RoutingProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """, new Dictionary<string, string> { [HostedRouter.BaseUrlVariable] = "archfc-mirror" });

        Assert.Equal("overrides.llm_routing_model", d.Path);
        Assert.Contains(HostedRouter.BaseUrlVariable, d.Message);
    }

    [Fact]
    public void Catalog_HostedRouter_IsNotListedNorRequestable()
    {
        var config = LoadValid(RoutingProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """);

        var catalog = ModelCatalog.Build(config);

        Assert.NotNull(catalog.HostedRouter);
        Assert.DoesNotContain(catalog.Models, m => m.CanonicalName == HostedRouter.Name);
        Assert.Equal(ResolutionStatus.NotFound, catalog.Resolve(HostedRouter.Name).Status);
        Assert.Null(catalog.ResolvePublic(HostedRouter.Name));
    }

    [Fact]
    public void Parse_RouteNamingHostedRouter_IsAnError()
    {
        var d = SingleError(RoutingProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [plano-orchestrator]
            """);

        AssertAt(d, "routing_preferences[0].models[0]", 14);
    }

    [Theory]
    [InlineData("Plano-Orchestrator")]
    [InlineData("plano/Plano-Orchestrator")]
    [InlineData("plano-orchestrator")]
    public void Parse_RouterModelNamesPlanoOrchestratorWithoutAnEntry_UsesHostedRouterLikePlano(string name)
    {
        var config = LoadValid(RoutingProviders + "\n" + $"""
            overrides:
              llm_routing_model: {name}
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """);

        Assert.NotNull(config.HostedRouter);
        Assert.NotNull(ModelCatalog.Build(config).ResolveName(config.Router.Model!));
    }

    [Fact]
    public void Parse_UnknownRouterModel_StillAnError()
    {
        var d = SingleError(RoutingProviders + "\n" + """
            overrides:
              llm_routing_model: Arch-Router
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """);

        AssertAt(d, "overrides.llm_routing_model", 12);
    }

    [Fact]
    public void Parse_OwnRouterModel_NoHostedRouter()
    {
        var config = LoadValid(RoutingBase + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """);

        Assert.Null(config.HostedRouter);
        Assert.Null(ModelCatalog.Build(config).HostedRouter);
    }

    [Fact]
    public void Parse_CheapestWithoutCostSource_ErrorAtPrefer()
    {
        var d = SingleError(RoutingBase + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
                selection_policy:
                  prefer: cheapest
            model_metrics_sources:
              - type: latency
                provider: observed
            """);

        AssertAt(d, "routing_preferences[0].selection_policy.prefer", 18);
        Assert.Equal(
            "route 'code' prefers cheapest but no cost source is configured: add model_metrics_sources: [{type: cost, provider: models.dev}] (or provider: digitalocean)",
            d.Message);
    }

    [Fact]
    public void Parse_FastestWithoutLatencySource_ErrorSuggestsObserved()
    {
        var d = SingleError(RoutingBase + "\n" + """
            routing_preferences:
              - name: chat
                description: small talk
                models: [openai/gpt-4o-mini]
                selection_policy:
                  prefer: fastest
            model_metrics_sources:
              - type: cost
                provider: digitalocean
            """);

        AssertAt(d, "routing_preferences[0].selection_policy.prefer", 18);
        Assert.StartsWith("route 'chat' prefers fastest but no latency source is configured: add model_metrics_sources: [{type: latency, provider: observed}]", d.Message);
    }

    [Fact]
    public void Parse_SeveralRoutingErrors_AllReported()
    {
        var result = Load(RoutingProviders + "\n" + """
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-5-nope]
                selection_policy:
                  prefer: fastest
              - name: code
                description: again
                models: [gpt-4o]
            """);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                ("routing_preferences[0].models[0]", 14),
                ("routing_preferences[0].selection_policy.prefer", 16),
                ("routing_preferences[1].name", 17),
            ],
            result.Errors.Select(e => (e.Path, e.Line)).Order());
    }

    internal static void AssertRoute(RoutePreferenceConfig route, string name, string description, string[] models, SelectionPolicy policy, int line)
    {
        Assert.Equal(name, route.Name);
        Assert.Equal(description, route.Description);
        Assert.Equal(models, route.Models);
        Assert.Equal(policy, route.Policy);
        Assert.Equal(line, route.Line);
    }
}
