using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>
/// The Anthropic Messages client protocol (<c>POST /v1/messages</c>) when the upstream speaks something else: request
/// body → IR, IR answer → Message object, IR stream → Anthropic SSE, errors as Anthropic error objects.
/// </summary>
public sealed class AnthropicMessagesClientCodec : IClientCodec
{
    public static AnthropicMessagesClientCodec Instance { get; } = new();

    private AnthropicMessagesClientCodec()
    {
    }

    public ClientProtocol Protocol => ClientProtocol.AnthropicMessages;

    public IClientErrorEncoder Errors => AnthropicErrorEncoder.Instance;

    public bool TryDecodeRequest(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error)
        => AnthropicMessagesRequestDecoder.TryDecode(body, out request, out error);

    public byte[] EncodeResponse(IrResponse response, string clientModel)
        => AnthropicMessagesResponseEncoder.Encode(response, clientModel);

    /// <inheritdoc/>
    /// <remarks><paramref name="includeUsage"/> does not apply: Anthropic streams always carry usage.</remarks>
    public IClientStreamEncoder CreateStreamEncoder(string clientModel, bool includeUsage)
        => new AnthropicMessagesStreamEncoder(clientModel);
}
