using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class EnvSubstitutionTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["KEY"] = "secret",
        ["EMPTY"] = "",
        ["HOST"] = "example.com",
    };

    [Theory]
    [InlineData("$KEY", "secret")]
    [InlineData("${KEY}", "secret")]
    [InlineData("pre-${KEY}-post", "pre-secret-post")]
    [InlineData("$KEY/x", "secret/x")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${MISSING:-}", "")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${KEY:-d}", "secret")]
    [InlineData("$$KEY", "$KEY")]
    [InlineData("a$$b", "a$b")]
    [InlineData("costs $5", "costs $5")]
    [InlineData("no vars", "no vars")]
    [InlineData("https://${HOST}/v1", "https://example.com/v1")]
    public void Expand_Reference_Substitutes(string input, string expected)
    {
        var errors = new List<string>();

        var unset = new List<string>();

        var result = EnvSubstitution.Expand(input, name => Env.GetValueOrDefault(name), errors, unset);

        Assert.Empty(errors);
        Assert.Empty(unset);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("$MISSING", "MISSING")]
    [InlineData("${MISSING}", "MISSING")]
    [InlineData("x-${OTHER_1}", "OTHER_1")]
    public void Expand_UnsetWithoutDefault_ReportsVariableNameAsUnset(string input, string name)
    {
        var errors = new List<string>();
        var unset = new List<string>();

        EnvSubstitution.Expand(input, _ => null, errors, unset);

        Assert.Empty(errors);
        Assert.Equal(name, Assert.Single(unset));
    }

    [Theory]
    [InlineData("${1BAD}")]
    [InlineData("${KEY")]
    public void Expand_MalformedReference_ReportsError(string input)
    {
        var errors = new List<string>();

        EnvSubstitution.Expand(input, _ => "x", errors, []);

        Assert.Single(errors);
    }

    [Fact]
    public void Parse_UnsetVariable_ErrorNamesVariablePathAndLine()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: $OPENAI_KEY
            """);

        AssertAt(d, "model_providers[0].access_key", 3);
        Assert.Contains("OPENAI_KEY", d.Message);
    }

    private static ConfigLoadResult LoadLenient(string yaml)
        => ConfigLoader.Parse(yaml, Source, _ => null, UnsetVariables.Warning);

    [Fact]
    public void Parse_UnsetVariableAsWarning_OneWarningSayingServeRefusesAndNoSecondDiagnostic()
    {
        var result = LoadLenient("""
            model_providers:
              - model: openai/gpt-4o
                access_key: $OPENAI_KEY
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        AssertAt(d, "model_providers[0].access_key", 3);
        Assert.Contains("'OPENAI_KEY' is not set", d.Message);
        Assert.Contains("'switchyard serve' will refuse to start", d.Message);
        Assert.Equal(["OPENAI_KEY"], result.UnsetVariables);
    }

    [Theory]
    [InlineData("$OLLAMA_URL", "http://unset-ollama-url.invalid/v1/chat/completions")]
    [InlineData("http://${OLLAMA_HOST}:11434", "http://unset-ollama-host.invalid/v1/chat/completions")]
    [InlineData("http://gpu-box:${OLLAMA_PORT}", "http://gpu-box/v1/chat/completions")]
    public void Parse_UnsetBaseUrlAsWarning_PlaceholderUrlValidates(string baseUrl, string uri)
    {
        var result = LoadLenient($"""
            model_providers:
              - model: ollama/llama3.2
                base_url: {baseUrl}
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(result.Diagnostics).Severity);
        var model = Switchyard.Core.Catalog.ModelCatalog.Build(result.Config!).Models[0];
        Assert.Equal(uri, model.ChatCompletionsUri.ToString());
    }

    [Fact]
    public void Parse_UnsetIntegerAsWarning_DefaultKeptWithoutTypeError()
    {
        var result = LoadLenient(MinimalProviders + "\n" + """
            listeners:
              - name: llm
                port: $PORT
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Single(result.Diagnostics);
        Assert.Equal(12000, result.Config!.Listeners[0].Port);
    }

    [Fact]
    public void Parse_UnsetVariableAsError_NoSecondDiagnosticEither()
    {
        var result = Load("""
            model_providers:
              - model: ollama/llama3.2
                base_url: $OLLAMA_URL
            """);

        Assert.Null(result.Config);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'OLLAMA_URL' is not set", d.Message);
    }

    [Fact]
    public void Parse_ModelListUnsetSecretAsWarning_OneWarning()
    {
        var result = LoadLenient("""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/OPENAI_KEY
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("'OPENAI_KEY' is not set", d.Message);
    }

    [Fact]
    public void Parse_VariablesInValues_AreExpandedBeforeTyping()
    {
        var config = LoadValid("""
            listeners:
              - name: llm
                type: model
                port: ${PORT:-9000}
                timeout: $TIMEOUT
            model_providers:
              - model: openai/gpt-4o
                access_key: ${KEY}
                base_url: https://${HOST}/v1
            """, new Dictionary<string, string> { ["KEY"] = "secret", ["HOST"] = "example.com", ["TIMEOUT"] = "5s" });

        Assert.Equal(9000, config.Listeners[0].Port);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Listeners[0].FirstByteTimeout);
        Assert.Equal("secret", config.Providers[0].AccessKey);
        Assert.Equal("https://example.com/v1", config.Providers[0].BaseUrl);
    }

    [Fact]
    public void Parse_DoubleDollar_IsLiteralDollar()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: "pa$$word"
            """);

        Assert.Equal("pa$word", config.Providers[0].AccessKey);
    }

    [Fact]
    public void Parse_AnchorReusedThroughAlias_IsExpandedOnce()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: &k "$$X"
              - model: openai/gpt-4o-mini
                access_key: *k
            """, new Dictionary<string, string> { ["X"] = "expanded-twice" });

        Assert.Equal("$X", config.Providers[0].AccessKey);
        Assert.Equal("$X", config.Providers[1].AccessKey);
    }
}
