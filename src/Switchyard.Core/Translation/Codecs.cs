using System.Buffers;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Client;

namespace Switchyard.Core.Translation;

/// <summary>
/// One framed upstream stream event: an SSE event (<see cref="EventType"/> = its <c>event:</c> name or null,
/// <see cref="Data"/> = its <c>data:</c> lines joined with <c>\n</c>) or an AWS event-stream message
/// (<see cref="EventType"/> = <c>:event-type</c> or, for exceptions, <c>:exception-type</c>; <see cref="Data"/> = payload).
/// </summary>
public readonly record struct UpstreamFrame(string? EventType, ReadOnlyMemory<byte> Data)
{
    /// <summary>True for an event-stream message of type <c>exception</c> (or <c>error</c>).</summary>
    public bool IsException { get; init; }

    /// <summary>
    /// Parses an SSE event's JSON data (<paramref name="trimmed"/>: the data without surrounding whitespace). When it
    /// is not JSON, <paramref name="error"/> says so: the text itself for an <c>event: error</c> (500), else a 502.
    /// </summary>
    internal bool TryParseJson(ReadOnlySpan<byte> trimmed, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out System.Text.Json.JsonDocument? document,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out Ir.IrError? error)
    {
        try
        {
            document = System.Text.Json.JsonDocument.Parse(Data);
            error = null;
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            document = null;
            error = EventType == "error"
                ? new Ir.IrError(500, "api_error", System.Text.Encoding.UTF8.GetString(trimmed))
                : new Ir.IrError(502, "upstream_error", "the upstream sent a stream event that is not JSON");
            return false;
        }
    }
}

/// <summary>
/// A client protocol's side of translation: request decoder, response encoder, stream encoder factory and error
/// encoder. Stateless singletons; per-request state lives in the stream encoder.
/// </summary>
public interface IClientCodec
{
    ClientProtocol Protocol { get; }
    IClientErrorEncoder Errors { get; }

    /// <summary>Decodes the client's body into the IR; false with a 400-style error when it is invalid.</summary>
    bool TryDecodeRequest(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error);

    /// <summary>Encodes a complete answer. <paramref name="clientModel"/> is the model name the client should see.</summary>
    byte[] EncodeResponse(IrResponse response, string clientModel);

    /// <summary>A new stream encoder (a state machine guaranteeing this protocol's envelope).</summary>
    /// <param name="clientModel">The model name the client should see.</param>
    /// <param name="includeUsage">OpenAI chat: whether the client asked for a usage chunk (<c>stream_options.include_usage</c>).</param>
    IClientStreamEncoder CreateStreamEncoder(string clientModel, bool includeUsage);
}

/// <summary>
/// Turns IR stream events into one client protocol's stream, keeping its envelope well-formed whatever arrives:
/// exactly one start and one end, matched block start/stop, monotonic sequence numbers, and a valid envelope
/// around an early error.
/// </summary>
public interface IClientStreamEncoder
{
    /// <summary>Appends the bytes (zero or more whole SSE events) for <paramref name="ev"/>.</summary>
    void Encode(IrStreamEvent ev, IBufferWriter<byte> output);

    /// <summary>Ends a stream that completed: closes open blocks and writes the terminal event(s).</summary>
    void Complete(IBufferWriter<byte> output);

    /// <summary>Ends a stream that failed after it started: the protocol's error event, never a normal end.</summary>
    void Fail(IrError error, IBufferWriter<byte> output);
}

/// <summary>An upstream protocol's side of translation.</summary>
public interface IUpstreamCodec
{
    UpstreamProtocol Protocol { get; }

    /// <summary>The upstream request body for <paramref name="request"/> addressed to <paramref name="upstreamModelId"/>.</summary>
    /// <exception cref="TranslationException">When the request cannot be expressed for this upstream (→ 400 to the client).</exception>
    byte[] EncodeRequest(IrRequest request, string upstreamModelId);

    /// <summary>Decodes a complete 2xx upstream body; false with an error when it is not what the protocol says.</summary>
    bool TryDecodeResponse(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error);

    /// <summary>A new incremental stream decoder.</summary>
    IUpstreamStreamDecoder CreateStreamDecoder();

    /// <summary>Reads an upstream error body (any status ≥ 400) into the neutral form, keeping its message.</summary>
    IrError DecodeError(int status, ReadOnlySpan<byte> body);
}

/// <summary>Decodes one upstream stream, frame by frame, into IR events.</summary>
public interface IUpstreamStreamDecoder
{
    /// <summary>Appends the IR events carried by <paramref name="frame"/> (possibly none).</summary>
    void Decode(in UpstreamFrame frame, List<IrStreamEvent> output);

    /// <summary>True once the protocol's terminal event was seen (a stream ending before that was cut).</summary>
    bool IsComplete { get; }

    /// <summary>
    /// The upstream body ended and <see cref="IsComplete"/> is true: appends what the decoder held back until the end
    /// (e.g. a Gemini finish reason, which can be followed by more content). Called once; not called for a cut stream.
    /// </summary>
    void End(List<IrStreamEvent> output)
    {
    }
}

/// <summary>A request that cannot be translated to the target protocol (e.g. an image URL where only inline data is accepted).</summary>
public sealed class TranslationException(string message) : Exception(message);

/// <summary>
/// A client codec whose answers depend on the request they answer: a Responses API Response echoes its request
/// (instructions, tools, tool_choice, text format, store…) and its conversation is stored for
/// <c>previous_response_id</c>. The gateway calls these instead of the <see cref="IClientCodec"/> members when the
/// codec implements this, passing the <see cref="IrRequest"/> instance <see cref="IClientCodec.TryDecodeRequest"/>
/// returned.
/// </summary>
public interface IRequestAwareClientCodec : IClientCodec
{
    /// <summary>Encodes the complete answer to <paramref name="request"/>.</summary>
    byte[] EncodeResponse(IrRequest request, IrResponse response, string clientModel);

    /// <summary>A new stream encoder for the answer to <paramref name="request"/>.</summary>
    IClientStreamEncoder CreateStreamEncoder(IrRequest request, string clientModel);
}
