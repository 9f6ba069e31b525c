using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>Plano's <c>ratelimits</c> section and the per-entry <c>limits: {rpm, tpm}</c> (native) / <c>rpm</c>, <c>tpm</c> (model_list).</summary>
public class RateLimitsConfigTests
{
    private const string Rules = """
        ratelimits:
          - model: openai/gpt-4o-mini
            selector: {key: X-User-Id, value: "*"}
            limit: {tokens: 1000, unit: minute}
          - model: gpt-4o-mini
            selector:
              key: x-org-id
              value: acme
            limit:
              tokens: 500000
              unit: day
        """;

    [Fact]
    public void Parse_PlanoRatelimits_TypedRulesWithoutWarning()
    {
        var result = Load(MinimalProviders + "\n" + Rules);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        Assert.Equal(
            [
                new RateLimitRuleConfig("openai/gpt-4o-mini", "x-user-id", "*", 1000, RateLimitUnit.Minute),
                new RateLimitRuleConfig("gpt-4o-mini", "x-org-id", "acme", 500000, RateLimitUnit.Day),
            ],
            result.Config!.RateLimits.Select(r => r with { Line = 0 }));
        Assert.Equal((5, 8), (result.Config.RateLimits[0].Line, result.Config.RateLimits[1].Line));
        Assert.True(result.Config.RateLimits[0].PerValue);
        Assert.Equal(TimeSpan.FromDays(1), result.Config.RateLimits[1].Period);
        Assert.False(result.Config.Sections.ContainsKey("ratelimits"));
    }

    [Theory]
    [InlineData("  - model: openai/gpt-4o-mini\n    limit: {tokens: 1, unit: minute}", "ratelimits[0].selector", 5)]
    [InlineData("  - model: openai/gpt-4o-mini\n    selector: {key: x-u}\n    limit: {tokens: 1, unit: minute}", "ratelimits[0].selector.value", 5)]
    [InlineData("  - model: openai/gpt-4o-mini\n    selector: {key: x-u, value: a}\n    limit: {tokens: 0, unit: minute}", "ratelimits[0].limit.tokens", 7)]
    [InlineData("  - model: openai/gpt-4o-mini\n    selector: {key: x-u, value: a}\n    limit: {tokens: 5, unit: week}", "ratelimits[0].limit.unit", 7)]
    [InlineData("  - model: openai/gpt-4o-mini\n    selector: {key: x-u, value: a, op: eq}\n    limit: {tokens: 5, unit: hour}", "ratelimits[0].selector.op", 6)]
    [InlineData("  - selector: {key: x-u, value: a}\n    limit: {tokens: 5, unit: hour}", "ratelimits[0].model", 5)]
    public void Parse_MalformedRule_ErrorAtPathAndLine(string rules, string path, int line)
    {
        var d = SingleError(MinimalProviders + "\nratelimits:\n" + rules);

        AssertAt(d, path, line);
    }

    [Fact]
    public void Parse_RuleRepeatedForSameModelAndSelector_Error()
    {
        var d = SingleError(MinimalProviders + "\n" + """
            ratelimits:
              - model: openai/gpt-4o-mini
                selector: {key: x-u, value: a}
                limit: {tokens: 5, unit: hour}
              - model: openai/gpt-4o-mini
                selector: {key: X-U, value: a}
                limit: {tokens: 9, unit: hour}
            """);

        AssertAt(d, "ratelimits[1]", 8);
        Assert.Contains("first at line 5", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RuleNamingNoEntry_WarnsThatItLimitsNothing()
    {
        var result = Load(MinimalProviders + "\n" + """
            ratelimits:
              - model: openai/gpt-5
                selector: {key: x-u, value: "*"}
                limit: {tokens: 5, unit: hour}
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "ratelimits[0].model", 5);
        Assert.Contains("limits nothing", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NativeEntryLimits_ReadIntoRpmAndTpm()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                limits: {rpm: 10, tpm: 40000}
              - model: openai/gpt-4o
                access_key: k
                limits:
                  tpm: 5
            """);

        Assert.Equal((10, 40000), (config.Providers[0].Rpm, config.Providers[0].Tpm));
        Assert.Equal((null, 5), (config.Providers[1].Rpm, config.Providers[1].Tpm));
    }

    [Theory]
    [InlineData("limits: {rpm: 0}", "model_providers[0].limits.rpm")]
    [InlineData("limits: {rps: 3}", "model_providers[0].limits.rps")]
    [InlineData("limits: 10", "model_providers[0].limits")]
    public void Parse_BadEntryLimits_ErrorAtPath(string limits, string path)
    {
        var d = SingleError(MinimalProviders + "\n    " + limits);

        AssertAt(d, path, 4);
    }

    [Fact]
    public void ModelList_RpmZero_IsAnError()
    {
        var d = SingleError("""
            model_list:
              - model_name: a
                litellm_params: {model: openai/gpt-4o, api_key: k}
                rpm: 0
            """);

        AssertAt(d, "model_list[0].rpm", 4);
    }

    [Fact]
    public void Write_LimitsAndRules_RoundTripAsNativeKeys()
    {
        var original = LoadValid("""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                limits: {rpm: 10, tpm: 40000}
            """ + "\n" + Rules);

        var written = ConfigWriter.Write(original);
        var reloaded = LoadValid(written.Yaml);

        Assert.Contains("    limits:\n      rpm: 10\n      tpm: 40000\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("ratelimits:\n  - model: openai/gpt-4o-mini\n    selector:\n      key: x-user-id\n      value: '*'\n    limit:\n      tokens: 1000\n      unit: minute\n", written.Yaml, StringComparison.Ordinal);
        Assert.Equal(ConfigWriterTests.Canonical(original), ConfigWriterTests.Canonical(reloaded));
    }
}
