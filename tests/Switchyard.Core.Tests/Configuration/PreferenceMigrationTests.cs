using Switchyard.Core.Routing.Selection;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;
using static Switchyard.Core.Tests.Configuration.RoutePreferenceTests;

namespace Switchyard.Core.Tests.Configuration;

public class PreferenceMigrationTests
{
    private const string Router = """
        overrides:
          llm_routing_model: openai/gpt-4o-mini
        """;

    private const string OwnRouter = """
        overrides:
          llm_routing_model: openai/gpt-4o
        """;

    [Fact]
    public void Parse_V03InlinePreferences_MergedByNameInDeclarationOrder()
    {
        var result = Load("""
            version: v0.3.0
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                routing_preferences:
                  - name: chat
                    description: small talk
              - model: openai/gpt-4o
                access_key: k
                routing_preferences:
                  - name: code
                    description: writing code
                  - name: chat
                    description: casual conversation
              - model: anthropic/claude-sonnet-4-20250514
                name: sonnet
                access_key: k
                routing_preferences:
                  - name: code
                    description: code, but said differently
            """ + "\n" + Router);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Collection(result.Config!.RoutingPreferences,
            r => AssertRoute(r, "chat", "small talk", ["openai/gpt-4o-mini", "openai/gpt-4o"], SelectionPolicy.None, 6),
            r => AssertRoute(r, "code", "writing code", ["openai/gpt-4o", "sonnet"], SelectionPolicy.None, 11));

        var warnings = result.Warnings.ToList();
        Assert.Equal(
            [
                ("model_providers[0].routing_preferences[0]", 6),
                ("model_providers[1].routing_preferences[0]", 11),
                ("model_providers[1].routing_preferences[1]", 13),
                ("model_providers[2].routing_preferences[0]", 19),
            ],
            warnings.Select(w => (w.Path, w.Line)));
        Assert.All(warnings, w =>
        {
            Assert.Equal(Source, w.Source);
            Assert.StartsWith("inline routing_preferences under a provider entry are deprecated (Plano v0.3); ", w.Message);
            Assert.EndsWith(
                "In v0.4 declare each route once at top level: routing_preferences: [{name, description, models: [...]}]; "
                + "'switchyard migrate FILE' rewrites the file in that form",
                w.Message);
        });
        Assert.Contains("migrated to the top-level route 'chat' with model 'openai/gpt-4o-mini'", warnings[0].Message);
        Assert.Contains(
            "merged into the route 'chat' (model_providers[0].routing_preferences[0], line 6): 'openai/gpt-4o' appended to its models; "
            + "the first description is kept (this one differs and is dropped)",
            warnings[2].Message);
    }

    [Fact]
    public void Parse_InlinePreferenceForExistingTopLevelRoute_TopLevelDescriptionKeptAndModelAppended()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
              - model: openai/gpt-4o
                access_key: k
                routing_preferences:
                  - name: code
                    description: inline words
                  - name: review
                    description: reviewing diffs
            routing_preferences:
              - name: code
                description: top-level words
                models: [openai/gpt-4o-mini]
            """ + "\n" + Router);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Collection(result.Config!.RoutingPreferences,
            r => AssertRoute(r, "code", "top-level words", ["openai/gpt-4o-mini", "openai/gpt-4o"], SelectionPolicy.None, 12),
            r => AssertRoute(r, "review", "reviewing diffs", ["openai/gpt-4o"], SelectionPolicy.None, 9));
        var merged = result.Warnings.First();
        AssertAt(merged, "model_providers[1].routing_preferences[0]", 7);
        Assert.Contains(
            "merged into the top-level route 'code' (routing_preferences[0], line 12): 'openai/gpt-4o' appended to its models; "
            + "the top-level description is kept (this one differs and is dropped)",
            merged.Message);
    }

    [Fact]
    public void Parse_InlinePreferenceWhoseModelIsAlreadyListed_NotDuplicated()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                routing_preferences:
                  - name: code
                    description: writing code
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """ + "\n" + OwnRouter);

        Assert.Equal(["openai/gpt-4o"], Assert.Single(config.RoutingPreferences).Models);
    }

    [Fact]
    public void Parse_TopLevelRouteWithoutModels_FilledByInlinePreference()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                routing_preferences:
                  - name: code
                    description: writing code
            routing_preferences:
              - name: code
                description: writing code
            """ + "\n" + OwnRouter);

        Assert.Equal(["openai/gpt-4o"], Assert.Single(config.RoutingPreferences).Models);
    }

    [Fact]
    public void Parse_WildcardEntryWithInlinePreferences_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
              - model: anthropic/*
                access_key: k
                routing_preferences:
                  - name: code
                    description: writing code
            """);

        AssertAt(d, "model_providers[1].routing_preferences", 6);
        Assert.StartsWith("routing_preferences cannot be set on a wildcard entry ('anthropic/*')", d.Message);
        Assert.Contains("model: anthropic/<model_id>", d.Message);
    }

    [Fact]
    public void Parse_LegacyLlmProvidersSection_WarningsUseItsName()
    {
        var result = Load("""
            llm_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                routing_preferences:
                  - name: chat
                    description: small talk
            """ + "\n" + Router);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        AssertAt(Assert.Single(result.Warnings), "llm_providers[0].routing_preferences[0]", 5);
    }

    [Fact]
    public void Parse_InlinePreferencesOnly_UseHostedRouter()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                routing_preferences:
                  - name: code
                    description: writing code
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.NotNull(result.Config!.HostedRouter);
    }
}
