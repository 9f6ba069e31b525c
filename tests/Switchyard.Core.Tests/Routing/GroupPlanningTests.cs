using Switchyard.Core.Catalog;
using Switchyard.Core.Routing;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Routing;

/// <summary>Groups resolve in the catalog and the planner rotates their members round-robin.</summary>
public class GroupPlanningTests
{
    private const string ThreeMembers = """
        model_providers:
          - name: a
            model: openai/gpt-4o
            access_key: ka
          - name: b
            model: openai/gpt-4o
            access_key: kb
            base_url: https://b.example
          - name: c
            model: openai/gpt-4o
            access_key: kc
            base_url: https://c.example
            fallbacks: [mini]
          - name: mini
            model: openai/gpt-4o-mini
            access_key: km
        model_groups:
          gpt4:
            models: [a, b, c]
            strategy: round-robin
        model_aliases:
          smart:
            target: gpt4
        """;

    private static string[] Order(ModelCatalog catalog, string requested)
    {
        var resolution = catalog.Resolve(requested);
        Assert.Equal(ResolutionStatus.Resolved, resolution.Status);
        return [.. CandidatePlanner.Plan(catalog, resolution.Model!, resolution.ViaAlias).Candidates.Select(c => c.CanonicalName)];
    }

    [Fact]
    public void Plan_Group_RotatesPrimaryPerRequest_OthersFollowAsFallbacks()
    {
        var catalog = ModelCatalog.Build(LoadValid(ThreeMembers));

        // Member c's fallbacks come after the members, whichever member leads.
        Assert.Equal(["a", "b", "c", "mini"], Order(catalog, "gpt4"));
        Assert.Equal(["b", "c", "a", "mini"], Order(catalog, "gpt4"));
        Assert.Equal(["c", "a", "b", "mini"], Order(catalog, "gpt4"));
        Assert.Equal(["a", "b", "c", "mini"], Order(catalog, "gpt4"));
    }

    [Fact]
    public void Resolve_AliasToGroup_SharesTheGroupRotation()
    {
        var catalog = ModelCatalog.Build(LoadValid(ThreeMembers));

        var viaAlias = catalog.Resolve("smart");
        Assert.Equal("smart", viaAlias.ViaAlias);
        Assert.Equal("gpt4", viaAlias.Model!.CanonicalName);
        Assert.Same(catalog.Group("gpt4"), viaAlias.Model.Group);

        Assert.Equal("a", Order(catalog, "smart")[0]);
        Assert.Equal("b", Order(catalog, "gpt4")[0]);
        Assert.Equal("c", Order(catalog, "smart")[0]);
    }

    [Fact]
    public void Resolve_MemberByItsOwnName_IsNotRotated()
    {
        var catalog = ModelCatalog.Build(LoadValid(ThreeMembers));

        Assert.Equal(["b"], Order(catalog, "b"));
        Assert.Equal(["b"], Order(catalog, "b"));
        Assert.Equal(["c", "mini"], Order(catalog, "c"));
    }

    [Fact]
    public void Plan_FallbackToGroup_ExpandsIntoItsMembers()
    {
        var catalog = ModelCatalog.Build(LoadValid("""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: ka
              - name: b
                model: openai/gpt-4o
                access_key: kb
                base_url: https://b.example
              - name: solo
                model: anthropic/claude-sonnet-4-20250514
                access_key: ks
                fallbacks: [gpt4]
            model_groups:
              gpt4:
                models: [a, b]
            """));

        Assert.Equal(["solo", "a", "b"], Order(catalog, "solo"));
        Assert.Equal(["solo", "b", "a"], Order(catalog, "solo"));
    }

    [Fact]
    public void NextStart_ConcurrentRequests_SpreadEvenly()
    {
        var catalog = ModelCatalog.Build(LoadValid(ThreeMembers));
        var group = catalog.Group("gpt4")!;
        var counts = new int[3];

        Parallel.For(0, 3000, _ => Interlocked.Increment(ref counts[group.NextStart()]));

        Assert.Equal([1000, 1000, 1000], counts);
    }

    [Fact]
    public void Parse_ModelGroups_DefaultStrategyIsRoundRobin()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            model_groups:
              g:
                models: [openai/gpt-4o]
            """);

        var group = Assert.Single(config.Groups);
        Assert.Equal(("g", "round-robin", 5), (group.Name, group.Strategy, group.Line));
        Assert.Equal(["openai/gpt-4o"], group.Members);
    }

    [Fact]
    public void Parse_ModelGroupsUnknownStrategy_ErrorListsSupported()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            model_groups:
              g:
                models: [openai/gpt-4o]
                strategy: least-bussy
            """);

        AssertAt(d, "model_groups.g.strategy", 7);
        Assert.Contains("'least-bussy' is not one of round-robin, priority", d.Message, StringComparison.Ordinal);
        Assert.Contains("(did you mean 'least-busy'?)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModelGroupsBadMembers_EachErrorAtItsLine()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
              - model: anthropic/*
                access_key: k
            model_groups:
              g:
                models:
                  - openai/gpt-4o
                  - nope
                  - anthropic/*
                  - openai/gpt-4o
              h:
                models: [g]
            """);

        var errors = result.Errors.ToList();
        Assert.Equal(4, errors.Count);
        AssertAt(errors[0], "model_groups.g.models[1]", 10);
        Assert.Contains("does not match", errors[0].Message, StringComparison.Ordinal);
        AssertAt(errors[1], "model_groups.g.models[2]", 11);
        Assert.Contains("wildcard", errors[1].Message, StringComparison.Ordinal);
        AssertAt(errors[2], "model_groups.g.models[3]", 12);
        Assert.Contains("listed twice", errors[2].Message, StringComparison.Ordinal);
        AssertAt(errors[3], "model_groups.h.models[0]", 14);
        Assert.Contains("is a group", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModelGroupNameClashes_ReportedAloneWithoutMemberNoise()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            model_aliases:
              fast:
                target: openai/gpt-4o
            model_groups:
              g:
                models: [openai/gpt-4o]
              openai/gpt-4o:
                models: [openai/gpt-4o]
              fast:
                models: [openai/gpt-4o]
            """);

        var errors = result.Errors.ToList();
        Assert.Equal(2, errors.Count);
        AssertAt(errors[0], "model_groups.openai/gpt-4o", 10);
        Assert.Contains("also the name of a model entry", errors[0].Message, StringComparison.Ordinal);
        AssertAt(errors[1], "model_groups.fast", 12);
        Assert.Contains("also an alias", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModelGroupsWithoutModels_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            model_groups:
              g:
                strategy: round-robin
            """);

        AssertAt(d, "model_groups.g.models", 5);
    }
}
