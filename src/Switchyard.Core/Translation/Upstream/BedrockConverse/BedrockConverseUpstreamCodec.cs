using Switchyard.Core.Ir;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// The Amazon Bedrock Converse upstream (<c>/model/{id}/converse</c> and <c>/converse-stream</c>): request bodies
/// from the IR, answers, ConverseStream events (framed by <see cref="BedrockEventStreamFrameReader"/>) and Bedrock
/// error bodies back into it. The gateway builds the URL and signs or authorises the request. Stateless; one
/// instance serves every request.
/// </summary>
public sealed class BedrockConverseUpstreamCodec : IUpstreamCodec
{
    public static BedrockConverseUpstreamCodec Instance { get; } = new();

    private BedrockConverseUpstreamCodec()
    {
    }

    public UpstreamProtocol Protocol => UpstreamProtocol.BedrockConverse;

    public byte[] EncodeRequest(IrRequest request, string upstreamModelId) => BedrockConverseRequestEncoder.Encode(request, upstreamModelId);

    public bool TryDecodeResponse(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error) =>
        BedrockConverseResponseDecoder.TryDecode(body, out response, out error);

    public IUpstreamStreamDecoder CreateStreamDecoder() => new BedrockConverseStreamDecoder();

    public IrError DecodeError(int status, ReadOnlySpan<byte> body) => BedrockConverseErrorCodec.Decode(status, body);
}
