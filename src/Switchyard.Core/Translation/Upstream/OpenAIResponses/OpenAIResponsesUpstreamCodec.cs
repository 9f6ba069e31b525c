using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>
/// The OpenAI Responses API as the upstream protocol when the client speaks chat completions or Anthropic Messages
/// (Responses-only models, or entries set to <c>protocol: responses</c>). Mapping decisions are listed in
/// docs/translation.md. A Responses client to a Responses upstream never comes here (pass-through).
/// </summary>
public sealed class OpenAIResponsesUpstreamCodec : IUpstreamCodec
{
    private OpenAIResponsesUpstreamCodec()
    {
    }

    public static OpenAIResponsesUpstreamCodec Instance { get; } = new();

    public UpstreamProtocol Protocol => UpstreamProtocol.OpenAIResponses;

    public byte[] EncodeRequest(IrRequest request, string upstreamModelId) => ResponsesUpstreamRequestEncoder.Encode(request, upstreamModelId);

    public bool TryDecodeResponse(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
        => ResponsesUpstreamResponseDecoder.TryDecode(body, out response, out error);

    public IUpstreamStreamDecoder CreateStreamDecoder() => new ResponsesUpstreamStreamDecoder();

    // Responses errors over HTTP are OpenAI error objects, the shape the chat codec already reads.
    public IrError DecodeError(int status, ReadOnlySpan<byte> body) => OpenAIChatErrorCodec.Decode(status, body);
}
