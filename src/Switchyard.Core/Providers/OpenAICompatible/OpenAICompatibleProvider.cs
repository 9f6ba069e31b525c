namespace Switchyard.Core.Providers.OpenAICompatible;

/// <summary>A vendor that speaks OpenAI Chat Completions with bearer auth under a path prefix.</summary>
internal sealed class OpenAICompatibleProvider(string prefix, string? defaultBaseUrl, string pathPrefix, string? keyVariable, bool requiresCredential = true, bool speaksResponses = false)
    : ProviderDefinition
{
    public override string Prefix { get; } = prefix;
    public override Uri? DefaultBaseUrl { get; } = defaultBaseUrl is null ? null : new Uri(defaultBaseUrl + "/");
    public override string DefaultPathPrefix { get; } = pathPrefix;
    public override bool RequiresCredential { get; } = requiresCredential;
    public override string? ApiKeyEnvironmentVariable { get; } = keyVariable;
    // OpenAI itself also serves the Responses API, so Responses clients pass through unchanged.
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } =
        speaksResponses ? [UpstreamProtocol.OpenAIChat, UpstreamProtocol.OpenAIResponses] : [UpstreamProtocol.OpenAIChat];

    // OpenAI's reasoning models refuse max_tokens (see fixtures/raw/openai/envoy__chat-bad-request); other
    // OpenAI-compatible servers (Mistral…) refuse the newer max_completion_tokens. OpenAI gets the newer field.
    // Issue 11: protocol: responses|chat, and Responses-only models over Responses (OpenAI itself only).
    public override IReadOnlyList<string> EntryKeys { get; } = speaksResponses ? [OpenAI.ResponsesUpstreamSelection.Key] : [];

    public override IReadOnlyList<UpstreamProtocol> ProtocolsFor(Configuration.ModelProviderConfig entry, string? modelId)
        => speaksResponses ? OpenAI.ResponsesUpstreamSelection.ProtocolsFor(entry, modelId, Protocols) : Protocols;

    public override IEnumerable<(string Key, string Message)> ValidateEntry(Configuration.ModelProviderConfig entry)
        => speaksResponses ? OpenAI.ResponsesUpstreamSelection.Validate(entry, "OpenAI") : [];

    public override Translation.IUpstreamCodec? CodecFor(UpstreamProtocol protocol)
        => speaksResponses && protocol == UpstreamProtocol.OpenAIChat ? Translation.Upstream.OpenAIChat.OpenAIChatUpstreamCodec.WithMaxCompletionTokens : base.CodecFor(protocol);
}
