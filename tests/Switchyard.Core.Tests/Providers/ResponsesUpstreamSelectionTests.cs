using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Providers;

/// <summary>Issue 11: when an OpenAI / Azure OpenAI entry speaks the Responses API upstream.</summary>
public class ResponsesUpstreamSelectionTests
{
    private static ResolvedModel Resolve(string provider, string modelId, string? protocol = null)
    {
        var entry = new ModelProviderConfig
        {
            Name = provider + "/" + modelId, Model = provider + "/" + modelId, Provider = provider, ModelId = modelId, AccessKey = "k",
            Protocol = protocol, BaseUrl = provider == "azure_openai" ? "https://r.openai.azure.com" : null,
        };
        return new ResolvedModel(entry.Name, entry, ProviderCatalog.For(provider, null)!, modelId);
    }

    [Theory]
    [InlineData("o3-pro")]
    [InlineData("o3-pro-2025-06-10")]
    [InlineData("gpt-5-pro")]
    [InlineData("gpt-5-codex")]
    [InlineData("gpt-5.1-codex-max")]
    [InlineData("codex-mini-latest")]
    [InlineData("computer-use-preview")]
    [InlineData("o3-deep-research")]
    [InlineData("o4-mini-deep-research-2025-06-26")]
    public void ResponsesOnlyModel_EveryClientGoesToResponses(string model)
    {
        Assert.True(ResponsesOnlyModels.Contains(model));
        var resolved = Resolve("openai", model);
        Assert.Equal(UpstreamProtocol.OpenAIResponses, resolved.ProtocolFor(UpstreamProtocol.OpenAIChat));
        Assert.Equal(UpstreamProtocol.OpenAIResponses, resolved.ProtocolFor(UpstreamProtocol.AnthropicMessages));
        Assert.Equal(UpstreamProtocol.OpenAIResponses, resolved.ProtocolFor(UpstreamProtocol.OpenAIResponses));
        Assert.Equal(UpstreamProtocol.OpenAIResponses, Resolve("azure_openai", model).ProtocolFor(UpstreamProtocol.OpenAIChat));
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("o3")]
    [InlineData("gpt-5")]
    [InlineData("o3-pro-latest")] // not a dated snapshot
    [InlineData("my-o3-pro")]
    public void OrdinaryModel_ChatClientsStayOnChat(string model)
    {
        Assert.False(ResponsesOnlyModels.Contains(model));
        Assert.Equal(UpstreamProtocol.OpenAIChat, Resolve("openai", model).ProtocolFor(UpstreamProtocol.OpenAIChat));
        Assert.Equal(UpstreamProtocol.OpenAIChat, Resolve("openai", model).ProtocolFor(UpstreamProtocol.AnthropicMessages));
    }

    [Fact]
    public void EntryProtocol_ResponsesAndChatOverrideTheModel()
    {
        Assert.Equal(UpstreamProtocol.OpenAIResponses, Resolve("openai", "gpt-4o", "responses").ProtocolFor(UpstreamProtocol.OpenAIChat));
        Assert.Equal(UpstreamProtocol.OpenAIResponses, Resolve("azure_openai", "dep", "responses").ProtocolFor(UpstreamProtocol.AnthropicMessages));
        Assert.Equal(UpstreamProtocol.OpenAIChat, Resolve("openai", "o3-pro", "chat").ProtocolFor(UpstreamProtocol.OpenAIChat));
        Assert.Equal(UpstreamProtocol.OpenAIChat, Resolve("openai", "gpt-4o", "chat").ProtocolFor(UpstreamProtocol.OpenAIResponses));
    }

    [Fact]
    public void OtherOpenAICompatibleVendors_IgnoreTheResponsesOnlyList()
        => Assert.Equal(UpstreamProtocol.OpenAIChat, Resolve("groq", "o3-pro").ProtocolFor(UpstreamProtocol.OpenAIChat));

    [Fact]
    public void AzureResponses_UsesTheV1Path()
        => Assert.Equal("https://r.openai.azure.com/openai/v1/responses", Resolve("azure_openai", "dep", "responses").UriFor(UpstreamProtocol.OpenAIResponses, stream: true).AbsoluteUri);

    [Fact]
    public void Config_ProtocolOnOpenAIAndAzure_IsAcceptedAndValidated()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                protocol: responses
              - model: azure_openai/dep
                access_key: k
                base_url: https://r.openai.azure.com
                protocol: chat
            """);
        Assert.Equal("responses", config.Providers[0].Protocol);
        Assert.Equal("chat", config.Providers[1].Protocol);

        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                protocol: grpc
              - model: deepseek/deepseek-chat
                access_key: k
                protocol: responses
            """);
        Assert.Null(result.Config);
        var errors = result.Errors.Select(e => (e.Path, e.Line, e.Message)).ToList();
        Assert.Contains(errors, e => e.Path == "model_providers[0].protocol" && e.Line == 4 && e.Message.Contains("responses", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "model_providers[1].protocol" && e.Line == 7 && e.Message.Contains("openai", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count);
    }
}
