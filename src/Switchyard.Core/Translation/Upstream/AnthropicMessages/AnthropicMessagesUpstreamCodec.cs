using Switchyard.Core.Ir;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>
/// The Anthropic Messages upstream protocol (<c>POST /v1/messages</c>) for clients that speak another protocol:
/// IR → request body, Message object / SSE stream / error body → IR.
/// </summary>
public sealed class AnthropicMessagesUpstreamCodec : IUpstreamCodec
{
    public static AnthropicMessagesUpstreamCodec Instance { get; } = new();

    private AnthropicMessagesUpstreamCodec()
    {
    }

    public UpstreamProtocol Protocol => UpstreamProtocol.AnthropicMessages;

    public byte[] EncodeRequest(IrRequest request, string upstreamModelId)
        => AnthropicMessagesRequestEncoder.Encode(request, upstreamModelId);

    public bool TryDecodeResponse(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
        => AnthropicMessagesResponseDecoder.TryDecode(body, out response, out error);

    public IUpstreamStreamDecoder CreateStreamDecoder() => new AnthropicMessagesStreamDecoder();

    public IrError DecodeError(int status, ReadOnlySpan<byte> body) => AnthropicMessagesErrorDecoder.Decode(status, body);
}
