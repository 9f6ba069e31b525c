using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Client;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Client.OpenAIResponses;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.BedrockConverse;
using Switchyard.Core.Translation.Upstream.Gemini;
using Switchyard.Core.Translation.Upstream.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIResponses;

namespace Switchyard.Core.Translation;

/// <summary>
/// The codecs of this build: 3 client protocols and 5 upstream protocols, not 15 pairs (DESIGN.md §4). A missing
/// entry means that direction cannot be translated; dispatch then answers 501 for it.
/// </summary>
public static class CodecRegistry
{
    public static IClientCodec? Client(ClientProtocol protocol) => protocol switch
    {
        ClientProtocol.AnthropicMessages => AnthropicMessagesClientCodec.Instance,
        ClientProtocol.OpenAIResponses => OpenAIResponsesClientCodec.Default,
        _ => OpenAIChatClientCodec.Instance,
    };

    public static IUpstreamCodec? Upstream(UpstreamProtocol protocol) => protocol switch
    {
        UpstreamProtocol.AnthropicMessages => AnthropicMessagesUpstreamCodec.Instance,
        UpstreamProtocol.Gemini => GeminiUpstreamCodec.Instance,
        UpstreamProtocol.BedrockConverse => BedrockConverseUpstreamCodec.Instance,
        UpstreamProtocol.OpenAIChat => OpenAIChatUpstreamCodec.Instance,
        UpstreamProtocol.OpenAIResponses => OpenAIResponsesUpstreamCodec.Instance,
        _ => null,
    };

    /// <summary>Errors in the client protocol's own shape.</summary>
    public static IClientErrorEncoder Errors(ClientProtocol protocol) => protocol switch
    {
        ClientProtocol.AnthropicMessages => AnthropicErrorEncoder.Instance,
        ClientProtocol.OpenAIResponses => ResponsesErrorEncoder.Instance,
        _ => OpenAIChatErrorEncoder.Instance,
    };

    /// <summary>The upstream protocol that is the same wire format as a client protocol (pass-through).</summary>
    public static UpstreamProtocol NativeUpstream(ClientProtocol protocol) => protocol switch
    {
        ClientProtocol.AnthropicMessages => UpstreamProtocol.AnthropicMessages,
        ClientProtocol.OpenAIResponses => UpstreamProtocol.OpenAIResponses,
        _ => UpstreamProtocol.OpenAIChat,
    };
}
