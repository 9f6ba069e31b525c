using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class ProviderTests
{
    [Fact]
    public void Parse_FullEntry_ReadsEveryField()
    {
        var config = LoadValid("""
            model_providers:
              - model: azure_openai/gpt-4o
                name: azure-4o
                access_key: k
                base_url: https://my.openai.azure.com
                api_version: 2024-10-21
                default: true
                headers:
                  X-Team: search
                http_host: my.openai.azure.com
                fallbacks: [openai/gpt-4o]
              - model: openai/gpt-4o
                passthrough_auth: false
            """);

        var e = config.Providers[0];
        Assert.Equal(("azure-4o", "azure_openai", "gpt-4o", 2), (e.Name, e.Provider, e.ModelId, e.Line));
        Assert.Equal(("k", "https://my.openai.azure.com", "2024-10-21", "my.openai.azure.com"), (e.AccessKey, e.BaseUrl, e.ApiVersion, e.HttpHost));
        Assert.True(e.IsDefault);
        Assert.Equal("search", e.Headers["x-team"]);
        Assert.Equal(["openai/gpt-4o"], e.Fallbacks);
        Assert.Equal("openai/gpt-4o", config.Providers[1].Name);
    }

    [Fact]
    public void Parse_ModelIdWithSlash_SplitsAtFirstSlash()
    {
        var e = Assert.Single(LoadValid("""
            model_providers:
              - model: groq/openai/gpt-oss-120b
            """).Providers);

        Assert.Equal(("groq", "openai/gpt-oss-120b", false), (e.Provider, e.ModelId, e.IsWildcard));
    }

    [Fact]
    public void Parse_Wildcard_IsWildcard()
    {
        Assert.True(Assert.Single(LoadValid("model_providers:\n  - model: openai/*\n").Providers).IsWildcard);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("/gpt-4o")]
    [InlineData("openai/")]
    public void Parse_MalformedModel_Error(string model)
    {
        var d = SingleError($"""
            model_providers:
              - model: {model}
            """);

        AssertAt(d, "model_providers[0].model", 2);
    }

    [Fact]
    public void Parse_MissingModel_ErrorAtEntryLine()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
              - name: x
                access_key: k
            """);

        AssertAt(d, "model_providers[1].model", 3);
    }

    [Fact]
    public void Parse_LlmProviders_IsReadAsProviders()
    {
        var config = LoadValid("""
            llm_providers:
              - model: openai/gpt-4o
            """);

        Assert.Equal("openai/gpt-4o", Assert.Single(config.Providers).Name);
    }

    [Fact]
    public void Parse_BothProviderSections_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
            llm_providers:
              - model: openai/gpt-4o-mini
            """);

        AssertAt(d, "llm_providers", 3);
    }

    [Fact]
    public void Parse_NoProviders_Error()
    {
        var d = SingleError("version: v0.4.0\n");

        AssertAt(d, "model_providers", 1);
    }

    [Fact]
    public void Parse_DuplicateNames_ErrorNamesBothLines()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
              - model: openai/gpt-4o-mini
              - model: openai/gpt-4o
            """);

        AssertAt(d, "model_providers[2].model", 4);
        Assert.Contains("lines 2", d.Message);
        Assert.Contains("and 4", d.Message);
    }

    [Fact]
    public void Parse_ExplicitNameDuplicatesDefaultName_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
              - model: azure_openai/gpt-4o
                base_url: https://x.openai.azure.com
                name: openai/gpt-4o
            """);

        AssertAt(d, "model_providers[1].name", 5);
    }

    [Fact]
    public void Parse_TwoDefaults_ErrorNamesAll()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                default: true
              - model: openai/gpt-4o-mini
                default: true
            """);

        AssertAt(d, "model_providers[1].default", 5);
        Assert.Contains("model_providers[0]", d.Message);
        Assert.Contains("model_providers[1]", d.Message);
    }

    [Fact]
    public void Parse_DefaultOnWildcard_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/*
                default: true
            """);

        AssertAt(d, "model_providers[0].default", 3);
    }

    [Fact]
    public void Parse_FallbacksOnWildcard_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
              - model: openai/*
                fallbacks: [openai/gpt-4o]
            """);

        AssertAt(d, "model_providers[1].fallbacks", 4);
    }

    [Theory]
    [InlineData("azure_openai/gpt-4o")]
    [InlineData("ollama/llama3")]
    [InlineData("qwen/qwen-max")]
    [InlineData("amazon_bedrock/claude")]
    public void Parse_ProviderRequiringBaseUrlWithout_Error(string model)
    {
        var d = SingleError($"""
            model_providers:
              - model: {model}
            """);

        AssertAt(d, "model_providers[0].base_url", 2);
    }

    [Fact]
    public void Parse_UnknownPrefixWithBaseUrlAndInterface_IsValid()
    {
        var e = Assert.Single(LoadValid("""
            model_providers:
              - model: vllm/llama3
                base_url: http://localhost:8000
                provider_interface: openai
            """).Providers);

        Assert.Equal(("vllm", "openai"), (e.Provider, e.ProviderInterface));
    }

    [Fact]
    public void Parse_UnknownPrefixWithoutBaseUrlAndInterface_TwoErrors()
    {
        var result = Load("""
            model_providers:
              - model: vllm/llama3
            """);

        Assert.Equal(["model_providers[0].base_url", "model_providers[0].provider_interface"],
            result.Errors.Select(e => e.Path).Order());
        Assert.All(result.Errors, e => Assert.Equal(2, e.Line));
    }

    [Fact]
    public void Parse_UnsupportedProviderInterface_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: vllm/llama3
                base_url: http://localhost:8000
                provider_interface: claude
            """);

        AssertAt(d, "model_providers[0].provider_interface", 4);
    }

    [Fact]
    public void Parse_ProviderInterfaceOnKnownPrefix_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                provider_interface: openai
            """);

        AssertAt(d, "model_providers[0].provider_interface", 3);
        Assert.Contains("'openai' is a known provider; remove provider_interface", d.Message);
    }

    [Theory]
    [InlineData("localhost:8000")]
    [InlineData("/v1")]
    [InlineData("ftp://host/v1")]
    public void Parse_BaseUrlNotAbsoluteHttp_Error(string url)
    {
        var d = SingleError($"""
            model_providers:
              - model: openai/gpt-4o
                base_url: {url}
            """);

        AssertAt(d, "model_providers[0].base_url", 3);
    }

    [Fact]
    public void Parse_PassthroughAuthWithAccessKey_Warns()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                passthrough_auth: true
                access_key: k
            """);

        Assert.True(result.Success);
        AssertAt(Assert.Single(result.Warnings), "model_providers[0].access_key", 4);
    }

    [Fact]
    public void Parse_VendorSpecificKeys_ValidatedPerVendor()
    {
        var result = Load("""
            model_providers:
              - model: vertex/gemini-2.5-pro
                access_key: t
              - model: openai/gpt-4o
                access_key: k
                region: us-east-1
              - model: gemini/gemini-2.5-flash
                access_key: k
                protocol: grpc
              - model: amazon_bedrock/anthropic.claude
                base_url: https://proxy.example.com
                aws_access_key_id: AKID
            """);
        Assert.Null(result.Config);
        var errors = result.Errors.Select(e => (e.Path, e.Line)).ToList();
        Assert.Contains(("model_providers[0].project", 2), errors);
        Assert.Contains(("model_providers[0].location", 2), errors);
        Assert.Contains(("model_providers[1].region", 6), errors);
        Assert.Contains(("model_providers[2].protocol", 9), errors);
        Assert.Contains(("model_providers[3].aws_secret_access_key", 10), errors);
        Assert.Contains(("model_providers[3].region", 10), errors);
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void Parse_CompleteVertexGeminiAndBedrockEntries_AreValid()
    {
        var config = LoadValid("""
            model_providers:
              - model: vertex/gemini-2.5-pro
                access_key: ya29.token
                project: my-proj
                location: us-central1
              - model: gemini/gemini-2.5-flash
                access_key: k
                protocol: openai
              - model: amazon_bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
                base_url: https://bedrock-runtime.us-west-2.amazonaws.com
                aws_access_key_id: AKID
                aws_secret_access_key: secret
                aws_session_token: session
            """);
        Assert.Equal("my-proj", config.Providers[0].Project);
        Assert.Equal("openai", config.Providers[1].Protocol);
        Assert.Equal("session", config.Providers[2].AwsSessionToken);
    }

    [Fact]
    public void Parse_MissingKeyOnProviderThatNeedsOne_Warns_LocalServersDoNot()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
              - model: ollama/llama3.2
                base_url: http://127.0.0.1:11434
              - model: vllm/qwen
                base_url: http://127.0.0.1:8000
                provider_interface: openai
              - model: mistral/mistral-small-latest
                passthrough_auth: true
            """);

        Assert.True(result.Success);
        var warning = Assert.Single(result.Warnings);
        AssertAt(warning, "model_providers[0].access_key", 2);
        Assert.Contains("no access_key", warning.Message);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("True")]
    [InlineData("1")]
    [InlineData("[true]")]
    public void Parse_NonBooleanFlag_Error(string value)
    {
        var d = SingleError($"""
            model_providers:
              - model: openai/gpt-4o
                default: {value}
            """);

        AssertAt(d, "model_providers[0].default", 3);
    }

    [Fact]
    public void Parse_MisspeltKey_ErrorSuggestsKey()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                acess_key: k
            """);

        AssertAt(d, "model_providers[0].acess_key", 3);
        Assert.Contains("did you mean 'access_key'?", d.Message);
    }

    [Fact]
    public void Parse_WrongKinds_ErrorsAtPaths()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                headers: [a]
                fallbacks: openai/gpt-4o-mini
                access_key: {a: b}
            """);

        Assert.Equal(
            [("model_providers[0].access_key", 5), ("model_providers[0].fallbacks", 4), ("model_providers[0].headers", 3)],
            result.Errors.Select(e => (e.Path, e.Line)).Order());
    }

    [Fact]
    public void Parse_InlineRoutingPreferences_KeptRaw()
    {
        var e = Assert.Single(LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                routing_preferences:
                  - name: code
                    description: writing code
            overrides:
              llm_routing_model: openai/gpt-4o
            """).Providers);

        Assert.Equal("code", e.RoutingPreferences![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_InlineRoutingPreferenceWithoutDescription_Error()
    {
        var d = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                routing_preferences:
                  - name: code
            """);

        AssertAt(d, "model_providers[0].routing_preferences[0].description", 4);
    }
}
