using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Tests.Catalog;

public class ModelCatalogTests
{
    private static ModelCatalog Build(string providersYaml, string? aliases = null)
    {
        var yaml = "model_providers:\n" + providersYaml + (aliases is null ? "" : "\nmodel_aliases:\n" + aliases);
        var result = ConfigLoader.Parse(yaml, "t.yaml", _ => null);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return ModelCatalog.Build(result.Config!);
    }

    [Fact]
    public void Resolve_ExactName_BeatsProviderModelAndBareId()
    {
        var catalog = Build("""
              - model: openai/gpt-4o
                name: gpt-4o-mini
                access_key: a
              - model: openai/gpt-4o-mini
                name: mini
                access_key: b
            """);
        // "gpt-4o-mini" is an entry name (first entry) and also the bare id of the second entry: the name wins.
        var r = catalog.Resolve("gpt-4o-mini");
        Assert.Equal(ResolutionStatus.Resolved, r.Status);
        Assert.Equal("gpt-4o", r.Model!.ModelId);
        Assert.Equal("a", r.Model.Entry.AccessKey);
        // provider/model string of a named entry still resolves to that entry.
        Assert.Equal("b", catalog.Resolve("openai/gpt-4o-mini").Model!.Entry.AccessKey);
    }

    [Fact]
    public void Resolve_AliasOneHop_ThenNormalResolution()
    {
        var catalog = Build("""
              - model: openai/gpt-4o
                access_key: a
            """, """
              fast:
                target: gpt-4o
            """);
        var r = catalog.Resolve("fast");
        Assert.Equal("openai/gpt-4o", r.Model!.CanonicalName);
        Assert.Equal("fast", r.ViaAlias);
    }

    [Fact]
    public void Resolve_BareId_PrefersExplicitEntryOverWildcardRegistry()
    {
        var catalog = Build("""
              - model: openai/*
                access_key: wildcard-key
              - model: openai/gpt-4o
                access_key: explicit-key
            """);
        Assert.Equal("explicit-key", catalog.Resolve("gpt-4o").Model!.Entry.AccessKey);
        Assert.Equal("explicit-key", catalog.Resolve("openai/gpt-4o").Model!.Entry.AccessKey);
        // A registry model not configured explicitly comes from the wildcard, by bare id and provider/model.
        var mini = catalog.Resolve("gpt-4o-mini").Model!;
        Assert.Equal("wildcard-key", mini.Entry.AccessKey);
        Assert.Equal("openai/gpt-4o-mini", mini.CanonicalName);
        Assert.Equal("gpt-4o-mini", mini.ModelId);
    }

    [Fact]
    public void Resolve_WildcardWithoutRegistry_MatchesAnyProviderModel()
    {
        var catalog = Build("""
              - model: ollama/*
                base_url: http://127.0.0.1:11434
              - model: vllm/*
                base_url: http://127.0.0.1:8000
                provider_interface: openai
            """);
        Assert.Equal("llama3.2:1b", catalog.Resolve("ollama/llama3.2:1b").Model!.ModelId);
        Assert.Equal("Qwen/Qwen3-8B", catalog.Resolve("vllm/Qwen/Qwen3-8B").Model!.ModelId);
        // A bare id cannot reach a registry-less wildcard: which provider would it be?
        Assert.Equal(ResolutionStatus.NotFound, catalog.Resolve("llama3.2:1b").Status);
    }

    [Fact]
    public void Resolve_ModelIdWithSlash_SplitsAtFirstSlashOnly()
    {
        var catalog = Build("""
              - model: groq/openai/gpt-oss-120b
                access_key: g
            """);
        var r = catalog.Resolve("groq/openai/gpt-oss-120b").Model!;
        Assert.Equal("groq", r.Provider.Prefix);
        Assert.Equal("openai/gpt-oss-120b", r.ModelId);
        Assert.Same(r, catalog.Resolve("openai/gpt-oss-120b").Model); // its bare id
    }

    [Fact]
    public void Resolve_NoModel_UsesDefault_OrReportsNoDefault()
    {
        var withDefault = Build("""
              - model: openai/gpt-4o
                access_key: a
              - model: mistral/mistral-small-latest
                access_key: b
                default: true
            """);
        Assert.Equal("mistral/mistral-small-latest", withDefault.Resolve(null).Model!.CanonicalName);
        Assert.Equal("mistral/mistral-small-latest", withDefault.Resolve("").Model!.CanonicalName);

        var without = Build("""
              - model: openai/gpt-4o
                access_key: a
            """);
        Assert.Equal(ResolutionStatus.NoModelAndNoDefault, without.Resolve(null).Status);
    }

    [Fact]
    public void Resolve_UnknownModel_IsNotFound()
    {
        var catalog = Build("""
              - model: openai/gpt-4o
                access_key: a
            """);
        Assert.Equal(ResolutionStatus.NotFound, catalog.Resolve("claude-sonnet-4-5").Status);
        Assert.Equal(ResolutionStatus.NotFound, catalog.Resolve("anthropic/claude-sonnet-4-5").Status);
    }

    [Fact]
    public void Models_WildcardExpansion_ListsRegistryExceptExplicit()
    {
        var catalog = Build("""
              - model: openai/gpt-4o
                name: my-4o
                access_key: a
              - model: openai/*
                access_key: b
            """);
        var names = catalog.Models.Select(m => m.CanonicalName).ToList();
        Assert.Contains("my-4o", names);
        Assert.Contains("openai/gpt-4o-mini", names);
        Assert.DoesNotContain("openai/gpt-4o", names); // configured explicitly (as my-4o)
        Assert.Equal(KnownModels.For("openai").Count, names.Count);
    }

    [Fact]
    public void Plan_Fallbacks_FollowPrimaryInOrder()
    {
        var catalog = Build("""
              - model: openai/gpt-4o
                access_key: a
                fallbacks: [mistral/mistral-large-latest, groq/llama-3.3-70b-versatile]
              - model: mistral/mistral-large-latest
                access_key: b
              - model: groq/llama-3.3-70b-versatile
                access_key: c
            """);
        var plan = Switchyard.Core.Routing.CandidatePlanner.Plan(catalog, catalog.Resolve("gpt-4o").Model!, null);
        Assert.Equal(["openai/gpt-4o", "mistral/mistral-large-latest", "groq/llama-3.3-70b-versatile"], plan.Candidates.Select(c => c.CanonicalName));
    }
}
