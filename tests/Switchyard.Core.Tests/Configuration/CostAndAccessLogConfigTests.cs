using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary><c>pricing</c> (both dialects) and <c>access_log</c> (both dialects): read, errors with path and line, migrate.</summary>
public sealed class CostAndAccessLogConfigTests
{
    private const string Priced = """
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            pricing:
              input: 0.15
              output: 0.6
              cached_input: 0.075
              cache_write: 0.2
        """;

    [Fact]
    public void Native_Pricing_ReadPerMillion()
    {
        var p = LoadValid(Priced).Providers[0].Pricing!;

        Assert.Equal((0.15m, 0.6m, 0.075m, 0.2m, "config"), (p.Input, p.Output, p.CachedInput, p.CacheWrite, p.Source));
    }

    [Fact]
    public void Native_Pricing_WithoutOutput_ErrorAtTheBlock()
        => AssertAt(SingleError("""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                pricing:
                  input: 1
            """), "model_providers[0].pricing", 5);

    [Theory]
    [InlineData("cached_input: -1", "model_providers[0].pricing.cached_input")]
    [InlineData("cache_write: cheap", "model_providers[0].pricing.cache_write")]
    [InlineData("cachedinput: 1", "model_providers[0].pricing.cachedinput")]
    public void Native_Pricing_BadValue_ErrorNamesTheKey(string line, string path)
        => AssertAt(SingleError($"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                pricing:
                  input: 1
                  output: 2
                  {line}
            """), path, 7);

    [Fact]
    public void ModelList_PerTokenKeys_InEveryPlace_MapToPerMillion()
    {
        var config = LoadValid("""
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
                  input_cost_per_token: 2.5e-06
                  output_cost_per_token: 0.00001
              - model_name: b
                params:
                  model: gpt-4o-mini
                  api_key: k
                input_cost_per_token: 0.00000015
                output_cost_per_token: 0.0000006
              - model_name: c
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
                model_info:
                  input_cost_per_token: 0.000003
                  output_cost_per_token: 0.000015
                  cache_read_input_token_cost: 0.0000003
                  cache_creation_input_token_cost: 0.00000375
            """);
        var p = config.Providers.ToDictionary(x => x.Name, x => x.Pricing!);

        Assert.Equal((2.5m, 10m), (p["a"].Input, p["a"].Output));
        Assert.Equal((0.15m, 0.6m), (p["b"].Input, p["b"].Output));
        Assert.Equal((3m, 15m, 0.3m, 3.75m), (p["c"].Input, p["c"].Output, p["c"].CachedInput, p["c"].CacheWrite));
    }

    [Fact]
    public void ModelList_SamePriceTwice_ErrorAtTheSecond()
    {
        var d = SingleError("""
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000002
                model_info:
                  input_cost_per_token: 0.000003
            """);

        AssertAt(d, "model_list[0].model_info.input_cost_per_token", 9);
        Assert.Contains("model_list[0].litellm_params.input_cost_per_token", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelList_OnlyInputPrice_ErrorAtTheItem()
        => AssertAt(SingleError("""
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
                input_cost_per_token: 0.000001
            """), "model_list[0]", 2);

    [Fact]
    public void AccessLog_Defaults_OnJsonStdout()
    {
        var s = LoadValid(MinimalProviders).AccessLog;

        Assert.Equal((true, AccessLogFormat.Json, null, 100, 5), (s.Enabled, s.Format, s.Path, s.MaxSizeMb, s.MaxFiles));
    }

    [Fact]
    public void AccessLog_Native_EveryKey()
    {
        var s = LoadValid("""
            access_log:
              format: text
              path: /tmp/switchyard-access.log
              max_size_mb: 10
              max_files: 2
            """ + "\n" + MinimalProviders).AccessLog;

        Assert.Equal((true, AccessLogFormat.Text, "/tmp/switchyard-access.log", 10, 2), (s.Enabled, s.Format, s.Path, s.MaxSizeMb, s.MaxFiles));
    }

    [Fact]
    public void AccessLog_ModelList_ReadTheSameWay()
    {
        var s = LoadValid("""
            access_log:
              enabled: false
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
            """).AccessLog;

        Assert.False(s.Enabled);
    }

    [Theory]
    [InlineData("format: xml", "access_log.format")]
    [InlineData("formt: json", "access_log.formt")]
    [InlineData("max_files: 0", "access_log.max_files")]
    public void AccessLog_BadKey_ErrorWithPathAndLine(string line, string path)
        => AssertAt(SingleError("access_log:\n  " + line + "\n" + MinimalProviders), path, 2);

    [Fact]
    public void AccessLog_RotationKeysWithoutPath_Warn()
    {
        var result = Load("access_log:\n  max_files: 3\n" + MinimalProviders);

        Assert.True(result.Success);
        Assert.Equal(("access_log", 1), (Assert.Single(result.Warnings).Path, result.Warnings.Single().Line));
    }

    [Fact]
    public void Migrate_Native_KeepsPricingAndAccessLog()
    {
        var original = LoadValid("access_log:\n  format: text\n  path: /var/log/sy.log\n" + Priced);

        var yaml = ConfigWriter.Write(original).Yaml;
        var reloaded = LoadValid(yaml);

        Assert.Equal(original.Providers[0].Pricing, reloaded.Providers[0].Pricing);
        Assert.Equal(original.AccessLog with { Line = 0 }, reloaded.AccessLog with { Line = 0 });
        Assert.Contains("cached_input: 0.075", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_ModelList_PerTokenPricesBecomePerMillion()
    {
        var original = LoadValid("""
            access_log:
              enabled: false
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
                  input_cost_per_token: 2.5e-06
                  output_cost_per_token: 0.00001
            """);

        var yaml = ConfigWriter.Write(original).Yaml;
        var reloaded = LoadValid(yaml);

        Assert.Contains("input: 2.5", yaml, StringComparison.Ordinal);
        Assert.Contains("output: 10", yaml, StringComparison.Ordinal);
        Assert.Equal(original.Providers[0].Pricing, reloaded.Providers[0].Pricing);
        Assert.False(reloaded.AccessLog.Enabled);
    }
}
