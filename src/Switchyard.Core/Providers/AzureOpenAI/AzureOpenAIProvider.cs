using System.Net.Http.Headers;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Providers.AzureOpenAI;

/// <summary>
/// Azure OpenAI: OpenAI chat on the wire, but the model is a deployment in the path, the version a query parameter,
/// and the key goes in <c>api-key</c>.
/// </summary>
internal sealed class AzureOpenAIProvider : ProviderDefinition
{
    /// <summary>Current GA data-plane version; entries may set <c>api_version</c>.</summary>
    public const string DefaultApiVersion = "2024-10-21";

    public override string Prefix => "azure_openai";
    public override Uri? DefaultBaseUrl => null;
    public override string DefaultPathPrefix => "/openai";
    public override string? ApiKeyEnvironmentVariable => "AZURE_OPENAI_API_KEY";
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } = [UpstreamProtocol.OpenAIChat];

    public override string BuildChatCompletionsPath(string pathPrefix, string modelId, ModelProviderConfig entry)
        => $"{pathPrefix}/deployments/{Uri.EscapeDataString(modelId)}/chat/completions?api-version={Uri.EscapeDataString(entry.ApiVersion ?? DefaultApiVersion)}";

    // Issue 11: protocol: responses|chat, and Responses-only models over Azure's v1 Responses API.
    public override IReadOnlyList<string> EntryKeys { get; } = [OpenAI.ResponsesUpstreamSelection.Key];

    public override IReadOnlyList<UpstreamProtocol> ProtocolsFor(ModelProviderConfig entry, string? modelId)
        => OpenAI.ResponsesUpstreamSelection.ProtocolsFor(entry, modelId, Protocols);

    public override IEnumerable<(string Key, string Message)> ValidateEntry(ModelProviderConfig entry)
        => OpenAI.ResponsesUpstreamSelection.Validate(entry, "Azure OpenAI");

    /// <summary>The v1 Responses API (<c>/openai/v1/responses</c>, no api-version); the deployment is the body's model.</summary>
    public override string BuildPath(UpstreamProtocol protocol, string pathPrefix, string modelId, bool stream, ModelProviderConfig entry)
        => protocol == UpstreamProtocol.OpenAIResponses ? pathPrefix + "/v1/responses" : base.BuildPath(protocol, pathPrefix, modelId, stream, entry);

    /// <summary>Azure serves OpenAI's models, reasoning ones included, which take max_completion_tokens only.</summary>
    public override Translation.IUpstreamCodec? CodecFor(UpstreamProtocol protocol)
        => protocol == UpstreamProtocol.OpenAIChat ? Translation.Upstream.OpenAIChat.OpenAIChatUpstreamCodec.WithMaxCompletionTokens : base.CodecFor(protocol);

    public override void ApplyCredential(HttpRequestHeaders headers, string credential)
        => headers.TryAddWithoutValidation("api-key", credential);
}
