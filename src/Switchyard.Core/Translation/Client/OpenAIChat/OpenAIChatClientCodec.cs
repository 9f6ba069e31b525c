using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>
/// The OpenAI Chat Completions client protocol (<c>/v1/chat/completions</c>) when the upstream speaks another
/// protocol: request decoding, <c>chat.completion</c> answers, <c>chat.completion.chunk</c> streams and OpenAI error
/// objects. Mapping decisions are listed in docs/translation.md.
/// </summary>
public sealed class OpenAIChatClientCodec : IClientCodec
{
    private readonly TimeProvider _time;

    private OpenAIChatClientCodec(TimeProvider time) => _time = time;

    /// <summary>The codec on the system clock (used for <c>created</c>).</summary>
    public static OpenAIChatClientCodec Instance { get; } = new(TimeProvider.System);

    /// <summary>A codec whose <c>created</c> timestamps come from <paramref name="time"/> (tests).</summary>
    public static OpenAIChatClientCodec WithTime(TimeProvider time) => new(time);

    public ClientProtocol Protocol => ClientProtocol.OpenAIChat;

    public IClientErrorEncoder Errors => OpenAIChatErrorEncoder.Instance;

    public bool TryDecodeRequest(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error)
        => OpenAIChatRequestDecoder.TryDecode(body, out request, out error);

    public byte[] EncodeResponse(IrResponse response, string clientModel)
        => OpenAIChatResponseEncoder.Encode(response, clientModel, _time.GetUtcNow().ToUnixTimeSeconds());

    public IClientStreamEncoder CreateStreamEncoder(string clientModel, bool includeUsage)
        => new OpenAIChatStreamEncoder(clientModel, includeUsage, _time.GetUtcNow().ToUnixTimeSeconds());
}
