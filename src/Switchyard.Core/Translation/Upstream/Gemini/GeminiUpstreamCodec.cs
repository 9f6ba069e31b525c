using Switchyard.Core.Ir;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// The Gemini native upstream (<c>generateContent</c> / <c>streamGenerateContent?alt=sse</c>): request bodies from
/// the IR, answers, SSE chunks and Google error bodies back into it. The gateway builds the URL and the
/// <c>x-goog-api-key</c> header. Stateless; one instance serves every request.
/// </summary>
public sealed class GeminiUpstreamCodec : IUpstreamCodec
{
    public static GeminiUpstreamCodec Instance { get; } = new();

    private GeminiUpstreamCodec()
    {
    }

    public UpstreamProtocol Protocol => UpstreamProtocol.Gemini;

    public byte[] EncodeRequest(IrRequest request, string upstreamModelId) => GeminiRequestEncoder.Encode(request, upstreamModelId);

    public bool TryDecodeResponse(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error) =>
        GeminiResponseDecoder.TryDecode(body, out response, out error);

    public IUpstreamStreamDecoder CreateStreamDecoder() => new GeminiStreamDecoder();

    public IrError DecodeError(int status, ReadOnlySpan<byte> body) => GeminiErrorCodec.Decode(status, body);
}
