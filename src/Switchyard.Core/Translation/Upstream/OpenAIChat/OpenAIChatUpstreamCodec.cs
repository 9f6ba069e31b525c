using Switchyard.Core.Ir;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Upstream.OpenAIChat;

/// <summary>
/// OpenAI Chat Completions as the upstream protocol (OpenAI, Azure, and every OpenAI-compatible server) when the
/// client speaks another protocol. Mapping decisions are listed in docs/translation.md.
/// </summary>
public sealed class OpenAIChatUpstreamCodec : IUpstreamCodec
{
    private readonly bool _maxCompletionTokens;

    private OpenAIChatUpstreamCodec(bool maxCompletionTokens) => _maxCompletionTokens = maxCompletionTokens;

    /// <summary>Sends the output limit as <c>max_tokens</c>, the name every OpenAI-compatible server accepts.</summary>
    public static OpenAIChatUpstreamCodec Instance { get; } = new(maxCompletionTokens: false);

    /// <summary>
    /// Sends the output limit as <c>max_completion_tokens</c>, for OpenAI and Azure OpenAI, whose reasoning models
    /// (o-series, gpt-5) refuse <c>max_tokens</c>.
    /// </summary>
    public static OpenAIChatUpstreamCodec WithMaxCompletionTokens { get; } = new(maxCompletionTokens: true);

    public UpstreamProtocol Protocol => UpstreamProtocol.OpenAIChat;

    public byte[] EncodeRequest(IrRequest request, string upstreamModelId)
        => OpenAIChatRequestEncoder.Encode(request, upstreamModelId, _maxCompletionTokens);

    public bool TryDecodeResponse(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
        => OpenAIChatResponseDecoder.TryDecode(body, out response, out error);

    public IUpstreamStreamDecoder CreateStreamDecoder() => new OpenAIChatStreamDecoder();

    public IrError DecodeError(int status, ReadOnlySpan<byte> body) => OpenAIChatErrorCodec.Decode(status, body);
}
