using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Routing;

/// <summary>Fallback chains: transitive planning, context-window chains, cycles as load errors (both dialects), migrate, context windows.</summary>
public class FallbackChainTests
{
    private static string[] Plan(GatewayConfig config, string requested)
    {
        var catalog = ModelCatalog.Build(config);
        var r = catalog.Resolve(requested);
        return [.. CandidatePlanner.Plan(catalog, r.Model!, r.ViaAlias).Candidates.Select(c => c.CanonicalName)];
    }

    // The chain from PLLM's config.yaml: my-gpt-4 → my-gpt-35-turbo → my-gpt-35-turbo-16k.
    private const string PllmChain = """
        model_list:
          - model_name: my-gpt-4
            params: {model: openai/gpt-4, api_key: k}
          - model_name: my-gpt-35-turbo
            params: {model: openai/gpt-3.5-turbo, api_key: k}
          - model_name: my-gpt-35-turbo-16k
            params: {model: openai/gpt-3.5-turbo-16k, api_key: k}
        router:
          fallbacks:
            my-gpt-4: ["my-gpt-35-turbo"]
            my-gpt-35-turbo: ["my-gpt-35-turbo-16k"]
          context_window_fallbacks:
            my-gpt-35-turbo: ["my-gpt-35-turbo-16k"]
        """;

    [Fact]
    public void Plan_PllmChain_FollowsTransitively()
    {
        var config = LoadValid(PllmChain);

        Assert.Equal(["my-gpt-4", "my-gpt-35-turbo", "my-gpt-35-turbo-16k"], Plan(config, "my-gpt-4"));
        Assert.Equal(["my-gpt-35-turbo-16k"], config.Providers.Single(p => p.Name == "my-gpt-35-turbo").ContextWindowFallbacks);
    }

    [Fact]
    public void Plan_Native_BreadthFirstInDeclaredOrder_DuplicatesDropped()
    {
        var config = LoadValid("""
            model_providers:
              - {name: a, model: openai/gpt-4o, access_key: k, fallbacks: [b, c]}
              - {name: b, model: openai/gpt-4o-mini, access_key: k, fallbacks: [d, c]}
              - {name: c, model: openai/gpt-4.1, access_key: k, fallbacks: [e]}
              - {name: d, model: openai/gpt-4.1-mini, access_key: k}
              - {name: e, model: openai/gpt-4.1-nano, access_key: k}
            """);

        Assert.Equal(["a", "b", "c", "d", "e"], Plan(config, "a"));
    }

    [Fact]
    public void Plan_LongChain_BoundedAtMaxCandidates()
    {
        var entries = string.Join("\n", Enumerable.Range(0, 30).Select(i =>
            $"  - {{name: m{i}, model: openai/model-{i}, access_key: k{(i < 29 ? $", fallbacks: [m{i + 1}]" : "")}}}"));
        var config = LoadValid("model_providers:\n" + entries);

        var plan = Plan(config, "m0");
        Assert.Equal(FallbackChains.MaxCandidates, plan.Length);
        Assert.Equal("m15", plan[^1]);
    }

    [Fact]
    public void Native_Cycle_IsALoadErrorNamingTheCycleAtItsLine()
    {
        var result = Load("""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: k
                fallbacks: [b]
              - name: b
                model: openai/gpt-4o-mini
                access_key: k
                fallbacks: [c]
              - name: c
                model: openai/gpt-4.1
                access_key: k
                fallbacks: [a]
            """);

        Assert.Null(result.Config);
        var d = Assert.Single(result.Errors);
        AssertAt(d, "model_providers[2].fallbacks[0]", 13);
        Assert.Contains("fallbacks form a cycle: a → b → c → a", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_ContextWindowCycle_IsALoadError()
    {
        var result = Load("""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: k
                context_window_fallbacks: [b]
              - name: b
                model: openai/gpt-4.1
                access_key: k
                context_window_fallbacks: [a]
            """);

        var d = Assert.Single(result.Errors);
        AssertAt(d, "model_providers[1].context_window_fallbacks[0]", 9);
        Assert.Contains("context_window_fallbacks form a cycle: a → b → a", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_ContextWindowFallbackUnknown_IsAnError()
    {
        var d = SingleError("""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: k
                context_window_fallbacks: [nope]
            """);

        AssertAt(d, "model_providers[0].context_window_fallbacks[0]", 5);
        Assert.Contains("context-window fallback 'nope' does not match any configured model", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelList_Cycle_IsALoadErrorAtTheRuleThatClosesIt()
    {
        var result = Load("""
            model_list:
              - model_name: a
                litellm_params: {model: openai/gpt-4o, api_key: k}
              - model_name: b
                litellm_params: {model: openai/gpt-4o-mini, api_key: k}
            router_settings:
              fallbacks: [{"a": ["b"]}, {"b": ["a"]}]
            """);

        Assert.Null(result.Config);
        var d = Assert.Single(result.Errors);
        AssertAt(d, "router_settings.fallbacks[1].b[0]", 7);
        Assert.Contains("fallbacks form a cycle: a → b → a", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelList_DefaultFallbacks_NeverCloseACycle()
    {
        var config = LoadValid("""
            model_list:
              - model_name: x
                litellm_params: {model: openai/gpt-4o, api_key: k}
              - model_name: y
                litellm_params: {model: openai/gpt-4o-mini, api_key: k}
              - model_name: z
                litellm_params: {model: openai/gpt-4.1, api_key: k}
            router_settings:
              default_fallbacks: [x, y]
            """);

        var p = config.Providers.ToDictionary(e => e.Name);
        Assert.Equal(["y"], p["x"].Fallbacks);
        Assert.Empty(p["y"].Fallbacks); // y → x would close x → y → x
        Assert.Equal(["x", "y"], p["z"].Fallbacks);
        Assert.Equal(["z", "x", "y"], Plan(config, "z"));

        // What migrate writes loads again (no cycle in the native form either).
        var written = ConfigWriter.Write(config);
        Assert.True(Load(written.Yaml).Success, written.Yaml);
    }

    [Fact]
    public void ModelList_MaxInputTokens_IsTheContextWindow_AndMigrateWritesNativeKeys()
    {
        var result = Load(PllmChain.Replace("""
              - model_name: my-gpt-35-turbo
                params: {model: openai/gpt-3.5-turbo, api_key: k}
            """, """
              - model_name: my-gpt-35-turbo
                params: {model: openai/gpt-3.5-turbo, api_key: k}
                model_info: {max_input_tokens: 16385}
            """, StringComparison.Ordinal));

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        var entry = result.Config!.Providers.Single(p => p.Name == "my-gpt-35-turbo");
        Assert.Equal(16385, entry.ContextWindow);

        var yaml = ConfigWriter.Write(result.Config!).Yaml;
        Assert.Contains("context_window_fallbacks: [my-gpt-35-turbo-16k]", yaml, StringComparison.Ordinal);
        Assert.Contains("context_window: 16385", yaml, StringComparison.Ordinal);
        var reloaded = LoadValid(yaml).Providers.Single(p => p.Name == "my-gpt-35-turbo");
        Assert.Equal(16385, reloaded.ContextWindow);
        Assert.Equal(["my-gpt-35-turbo-16k"], reloaded.ContextWindowFallbacks);
    }

    [Fact]
    public void ContextWindow_KnownModelData_EntryOverrides()
    {
        var config = LoadValid("""
            model_providers:
              - {name: a, model: openai/gpt-4o, access_key: k}
              - {name: b, model: openai/gpt-4o, access_key: k, context_window: 8000}
              - {name: c, model: openai/some-new-model, access_key: k}
            """);
        var catalog = ModelCatalog.Build(config);

        Assert.Equal(128000, catalog.ResolveName("a")!.ContextWindow);
        Assert.Equal(8000, catalog.ResolveName("b")!.ContextWindow);
        Assert.Equal(0, catalog.ResolveName("c")!.ContextWindow);
        Assert.Equal(200000, ContextWindows.ForModel("anthropic/claude-sonnet-4-5"));
        Assert.Equal(1048576, ContextWindows.ForModel("gemini/gemini-2.5-pro"));
    }

    [Fact]
    public void OnOverflow_ContextWindowFallbacksThenTheirFallbacks_NotTheOrdinaryOnes()
    {
        var config = LoadValid("""
            model_providers:
              - {name: small, model: openai/gpt-4o-mini, access_key: k, fallbacks: [other], context_window_fallbacks: [long]}
              - {name: other, model: openai/gpt-4o, access_key: k}
              - {name: long, model: openai/gpt-4.1, access_key: k, fallbacks: [longer]}
              - {name: longer, model: gemini/gemini-2.5-pro, access_key: k}
            """);
        var catalog = ModelCatalog.Build(config);

        var next = FallbackChains.OnOverflow(catalog, catalog.ResolveName("small")!);
        Assert.Equal(["long", "longer"], next!.Select(c => c.CanonicalName));
        Assert.Null(FallbackChains.OnOverflow(catalog, catalog.ResolveName("other")!));
    }
}
