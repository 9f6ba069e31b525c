using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class ConfigLoaderTests
{
    [Fact]
    public void Parse_Version_IsKept()
    {
        Assert.Equal("v0.4.0", LoadValid("version: v0.4.0\n" + MinimalProviders).Version);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_ErrorWithHint()
    {
        var d = SingleError(MinimalProviders + "\nmodel_alias:\n  fast:\n    target: x");

        AssertAt(d, "model_alias", 4);
        Assert.Contains("did you mean 'model_aliases'?", d.Message);
    }

    [Fact]
    public void Parse_UnrelatedUnknownKey_ErrorWithoutHint()
    {
        var d = SingleError(MinimalProviders + "\nzzz: 1");

        Assert.DoesNotContain("did you mean", d.Message);
    }

    [Fact]
    public void Parse_YamlSyntaxError_SingleDiagnosticWithLine()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: "unterminated
            """);

        Assert.Equal(3, d.Line);
        Assert.StartsWith("invalid YAML", d.Message);
    }

    [Fact]
    public void Parse_DuplicateKey_IsReported()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
            model_providers:
              - model: openai/gpt-4o-mini
            """);

        AssertAt(d, "$", 3);
        Assert.Contains("Duplicate key model_providers", d.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyDocument_Error(string yaml)
    {
        Assert.Contains("empty", SingleError(yaml).Message);
    }

    [Fact]
    public void Parse_RootIsList_Error()
    {
        AssertAt(SingleError("- a\n- b\n"), "$", 1);
    }

    [Fact]
    public void Parse_ThreeDifferentErrors_AllReported()
    {
        var result = Load("""
            listeners:
              - name: llm
                port: 70000
            model_providers:
              - model: openai/gpt-4o
                acess_key: k
              - model: ollama/llama3
            """);

        Assert.Null(result.Config);
        Assert.Equal(
            [("listeners[0].port", 3), ("model_providers[0].acess_key", 6), ("model_providers[1].base_url", 7)],
            result.Errors.Select(e => (e.Path, e.Line)).Order());
    }

    [Fact]
    public void Parse_ErrorsInEverySection_AllReported()
    {
        var result = Load("""
            versoin: 1
            listeners:
              - timeout: nope
            model_providers:
              - model: openai/gpt-4o
                default: yes
            model_aliases:
              x: {}
            routing:
              session_cache: {type: disk}
            access_key: $NOPE
            """);

        Assert.Equal(
            ["access_key", "listeners[0].timeout", "model_aliases.x.target", "model_providers[0].default", "routing.session_cache.type", "versoin"],
            result.Errors.Select(e => e.Path).Distinct().Order());
    }

    [Fact]
    public void LoadFile_MissingFile_ErrorNotException()
    {
        var result = ConfigLoader.LoadFile("/nonexistent/switchyard.yaml");

        Assert.False(result.Success);
        Assert.Equal("/nonexistent/switchyard.yaml", Assert.Single(result.Errors).Source);
    }

    [Theory]
    [InlineData("ours.yaml", "llm")]
    [InlineData("ours.egress.yaml", "egress_traffic")]
    [InlineData("ours.min.yaml", "llm")]
    public void LoadFile_BenchConfig_ParsesCleanly(string file, string listenerName)
    {
        var path = Path.Combine(SharedDirectory(), "bench", file);

        var result = ConfigLoader.LoadFile(path, _ => null);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        var config = result.Config!;
        Assert.Equal(path, config.Source);
        var listener = Assert.Single(config.Listeners);
        Assert.Equal((listenerName, "127.0.0.1", 12000), (listener.Name, listener.Address, listener.Port));
        Assert.Equal("openai/gpt-4o-mini", Assert.Single(config.Providers, p => p.IsDefault).Name);
        Assert.All(config.Providers, p => Assert.StartsWith("http://127.0.0.1:1808", p.BaseUrl));
    }

    [Fact]
    public void LoadFile_BenchConfigs_ListAndLegacyFormsAgree()
    {
        var bench = Path.Combine(SharedDirectory(), "bench");

        var list = ConfigLoader.LoadFile(Path.Combine(bench, "ours.yaml"), _ => null).Config!;
        var legacy = ConfigLoader.LoadFile(Path.Combine(bench, "ours.egress.yaml"), _ => null).Config!;

        Assert.Equal(list.Providers.Select(p => (p.Name, p.BaseUrl, p.IsDefault)), legacy.Providers.Select(p => (p.Name, p.BaseUrl, p.IsDefault)));
        Assert.Equal(3, list.Providers.Count);
    }
}
