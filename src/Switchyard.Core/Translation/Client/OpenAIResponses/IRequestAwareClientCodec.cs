using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// A client codec whose answers depend on the request they answer: a Responses API Response echoes its request
/// (instructions, tools, tool_choice, text format, store…) and its conversation is stored for
/// <c>previous_response_id</c>. The gateway calls these instead of the <see cref="IClientCodec"/> members when the
/// codec implements this, passing the <see cref="IrRequest"/> instance <see cref="IClientCodec.TryDecodeRequest"/>
/// returned. (It belongs beside <see cref="IClientCodec"/>; it lives here until that file moves it in.)
/// </summary>
public interface IRequestAwareClientCodec : IClientCodec
{
    /// <summary>Encodes the complete answer to <paramref name="request"/>.</summary>
    byte[] EncodeResponse(IrRequest request, IrResponse response, string clientModel);

    /// <summary>A new stream encoder for the answer to <paramref name="request"/>.</summary>
    IClientStreamEncoder CreateStreamEncoder(IrRequest request, string clientModel);
}
