using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Translation.Framing;
using Switchyard.Protocols.EventStream;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// ConverseStream framing (<c>application/vnd.amazon.eventstream</c>): one <see cref="UpstreamFrame"/> per message,
/// EventType = <c>:event-type</c>, or for failures <c>:exception-type</c> (or <c>:error-code</c>) with
/// <see cref="UpstreamFrame.IsException"/>. A CRC mismatch, impossible lengths, or bytes left over at the end of the
/// body (a message cut in half) surface as <see cref="InvalidDataException"/>, which the gateway reports as an
/// interrupted stream.
/// </summary>
public sealed class BedrockEventStreamFrameReader(Stream upstream, int maxFrameBytes = int.MaxValue) : IUpstreamFrameReader
{
    private readonly ReadBuffer _buffer = new(upstream, maxFrameBytes);

    public async ValueTask<UpstreamFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            EventStreamMessage? message;
            int consumed;
            try
            {
                if (!EventStreamReader.TryRead(_buffer.Unread, out message, out consumed))
                {
                    message = null;
                }
            }
            catch (EventStreamFormatException e)
            {
                throw new InvalidDataException(e.Message, e);
            }

            if (message is not null)
            {
                _buffer.Consume(consumed);
                return ToFrame(message);
            }

            if (_buffer.EndOfStream)
            {
                return _buffer.Unread.Length > 0
                    ? throw new InvalidDataException($"the event stream ended inside a message ({_buffer.Unread.Length} bytes of it received)")
                    : null;
            }

            await _buffer.FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The frame the codec's stream decoder expects for one event-stream message.</summary>
    public static UpstreamFrame ToFrame(EventStreamMessage message)
    {
        if (message.MessageType == "error")
        {
            // Unmodeled errors have no payload: their code and text travel in headers, so they become a Bedrock-style body.
            var code = message.ErrorCode ?? "error";
            var body = message.Payload.IsEmpty ? ErrorBody(message.ErrorMessage ?? code) : message.Payload;
            return new UpstreamFrame(code, body) { IsException = true };
        }

        if (message.MessageType == "exception")
        {
            return new UpstreamFrame(message.ExceptionType, message.Payload) { IsException = true };
        }

        return new UpstreamFrame(message.EventType, message.Payload);
    }

    private static byte[] ErrorBody(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 16);
        using (var w = new Utf8JsonWriter(buffer, BedrockWire.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("message"u8, text);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _buffer.Dispose();
}
