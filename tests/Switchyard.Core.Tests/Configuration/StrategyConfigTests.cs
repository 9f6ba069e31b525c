using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>Group strategy names and the per-entry priority/weight keys in both dialects, their warnings, and migrate.</summary>
public class StrategyConfigTests
{
    [Theory]
    [InlineData("latency-based-routing", "latency-based")]
    [InlineData("simple-shuffle", "weighted")]
    [InlineData("usage-based-routing", "usage-based")]
    [InlineData("least-busy", "least-busy")]
    [InlineData("cost-based-routing", "cost-based")]
    public void Native_ModelGroupsStrategy_TakesEveryName_KeptAsSwitchyardsName(string name, string expected)
    {
        var config = LoadValid($"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            model_groups:
              g:
                models: [openai/gpt-4o]
                strategy: {name}
            """);

        Assert.Equal(expected, Assert.Single(config.Groups).Strategy);
    }

    [Fact]
    public void Native_PriorityAndWeight_ReadOnEntries()
    {
        var config = LoadValid("""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: k
                priority: 2
              - name: b
                model: openai/gpt-4o-mini
                access_key: k
                priority: 1
            model_groups:
              g:
                models: [a, b]
                strategy: priority
            """);

        Assert.Equal([2, 1], config.Providers.Select(p => p.Priority));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("heavy")]
    public void Native_Weight_NotPositive_Error(string weight)
    {
        var d = SingleError($"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                weight: {weight}
            """);

        AssertAt(d, "model_providers[0].weight", 4);
        Assert.Contains("must be a positive number", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_PriorityOutsideAPriorityGroup_WarnsNamingTheKey()
    {
        var result = Load("""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: k
                priority: 1
                weight: 2
              - name: b
                model: openai/gpt-4o-mini
                access_key: k
            model_groups:
              g:
                models: [a, b]
                strategy: weighted
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "model_providers[0].priority", 5);
        Assert.Contains("'priority' of 'a' is not used: its group 'g' (weighted) uses another strategy", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_WeightOnEntryInNoGroup_Warns()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                weight: 3
            """);

        var w = Assert.Single(result.Warnings);
        AssertAt(w, "model_providers[0].weight", 4);
        Assert.Contains("it is in no group", w.Message, StringComparison.Ordinal);
    }

    private const string LiteLLM = """
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: k1
              order: 2
              weight: 3
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: k2
              api_base: https://backup.example/v1
              order: 1
        router_settings:
          routing_strategy: simple-shuffle
        """;

    [Fact]
    public void LiteLLM_OrderIsPriority_WeightIsWeight_UnusedOrderWarns()
    {
        var result = Load(LiteLLM);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal([2, 1], result.Config!.Providers.Select(p => p.Priority));
        Assert.Equal([3.0, null], result.Config.Providers.Select(p => p.Weight));

        // simple-shuffle reads weights, not order: both orders are reported where they were written.
        var warnings = result.Warnings.ToList();
        Assert.Equal(2, warnings.Count);
        AssertAt(warnings[0], "model_list[0].litellm_params.order", 6);
        AssertAt(warnings[1], "model_list[1].litellm_params.order", 13);
    }

    [Fact]
    public void Pllm_EntryLevelPriorityCountsHigherFirst_IsNegated_WeightRead()
    {
        var result = Load("""
            model_list:
              - model_name: gpt-4
                params:
                  model: openai/gpt-4
                  api_key: k1
                priority: 50
              - model_name: gpt-4
                params:
                  model: azure/gpt-4
                  api_key: k2
                  api_base: https://x.openai.azure.com
                  api_version: "2024-06-01"
                priority: 100
            router:
              routing_strategy: priority
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        Assert.Equal([-50, -100], result.Config!.Providers.Select(p => p.Priority));
        var catalog = Switchyard.Core.Catalog.ModelCatalog.Build(result.Config);
        var plan = Switchyard.Core.Routing.CandidatePlanner.Plan(catalog, catalog.ResolveName("gpt-4")!, null);

        // PLLM: priority 100 is selected before priority 50.
        Assert.Equal(["gpt-4#2", "gpt-4#1"], plan.Candidates.Select(c => c.CanonicalName));
    }

    [Fact]
    public void Pllm_WeightBothOnItemAndInParams_Error()
    {
        var d = SingleError("""
            model_list:
              - model_name: gpt-4
                params:
                  model: openai/gpt-4
                  api_key: k1
                  weight: 2
                weight: 3
            """);

        AssertAt(d, "model_list[0].weight", 7);
    }

    [Fact]
    public void Migrate_WritesStrategyPriorityWeight_Natively_AndReloadsTheSame()
    {
        var loaded = Load(LiteLLM.Replace("simple-shuffle", "priority", StringComparison.Ordinal));
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));

        var written = ConfigWriter.Write(loaded.Config!, loaded.EnvReferences);
        var reloaded = ConfigLoader.Parse(written.Yaml, Source, _ => null);

        Assert.Contains("strategy: priority\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("priority: 2\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("weight: 3\n", written.Yaml, StringComparison.Ordinal);
        Assert.True(reloaded.Success, written.Yaml + "\n" + string.Join("\n", reloaded.Diagnostics));
        Assert.Equal(loaded.Config!.Providers.Select(p => (p.Priority, p.Weight)), reloaded.Config!.Providers.Select(p => (p.Priority, p.Weight)));
        Assert.Equal("priority", Assert.Single(reloaded.Config.Groups).Strategy);
    }

    [Fact]
    public void PllmDocumentRouter_LatencyBased_Loads()
    {
        // The router block of PLLM's own config.yaml.
        var result = Load("""
            model_list:
              - model_name: gpt-4
                params:
                  model: openai/gpt-4
                  api_key: k1
              - model_name: gpt-4
                params:
                  model: openai/gpt-4
                  api_key: k2
                  api_base: https://b.example/v1
            router:
              routing_strategy: "latency-based"
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal("latency-based", Assert.Single(result.Config!.Groups).Strategy);
    }
}
