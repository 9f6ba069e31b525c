using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class AliasTests
{
    [Fact]
    public void Parse_Aliases_ReadWithLines()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o-mini
            model_aliases:
              fast:
                target: openai/gpt-4o-mini
              cheap:
                target: gpt-4o-mini
            """);

        Assert.Equal([("fast", "openai/gpt-4o-mini", 4), ("cheap", "gpt-4o-mini", 6)],
            config.Aliases.Select(a => (a.Alias, a.Target, a.Line)));
    }

    [Fact]
    public void Parse_AliasWithoutTarget_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o-mini
            model_aliases:
              fast: {}
            """);

        AssertAt(d, "model_aliases.fast.target", 4);
    }

    [Fact]
    public void Parse_AliasUnknownKey_ErrorWithHint()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o-mini
            model_aliases:
              fast:
                targt: openai/gpt-4o-mini
            """);

        var typo = Assert.Single(result.Errors, e => e.Path == "model_aliases.fast.targt");
        Assert.Equal(5, typo.Line);
        Assert.Contains("did you mean 'target'?", typo.Message);
    }

    [Fact]
    public void Parse_AliasTargetNotResolving_ErrorAtTargetLine()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o-mini
            model_aliases:
              fast:
                target: openai/gpt-5-nano
            """);

        AssertAt(d, "model_aliases.fast.target", 5);
    }

    [Fact]
    public void Parse_FallbackNotResolving_ErrorAtFallbackLine()
    {
        var d = SingleError("""
            llm_providers:
              - model: openai/gpt-4o-mini
                fallbacks:
                  - openai/gpt-4o-mini-paced
            """);

        AssertAt(d, "llm_providers[0].fallbacks[0]", 4);
    }

    [Fact]
    public void Parse_FallbackUnderWildcard_Resolves()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o-mini
                fallbacks: [anthropic/claude-sonnet-4-20250514]
              - model: anthropic/*
            """);

        Assert.Equal(2, config.Providers.Count);
    }
}
