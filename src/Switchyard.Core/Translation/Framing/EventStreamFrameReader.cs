using Switchyard.Protocols.EventStream;

namespace Switchyard.Core.Translation.Framing;

/// <summary>
/// AWS event-stream framing (Bedrock ConverseStream): one frame per message, CRCs checked. Exception and error
/// messages become frames with <see cref="UpstreamFrame.IsException"/> and their type as the event type.
/// </summary>
public sealed class EventStreamFrameReader(Stream upstream) : IUpstreamFrameReader
{
    private readonly ReadBuffer _buffer = new(upstream);

    public async ValueTask<UpstreamFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            EventStreamMessage? message;
            int consumed;
            try
            {
                if (EventStreamReader.TryRead(_buffer.Unread, out message, out consumed))
                {
                    _buffer.Consume(consumed);
                    return message!.IsError
                        ? new UpstreamFrame(message.ExceptionType ?? message.ErrorCode ?? "exception", message.Payload.IsEmpty && message.ErrorMessage is { } text ? System.Text.Encoding.UTF8.GetBytes(text) : message.Payload) { IsException = true }
                        : new UpstreamFrame(message.EventType, message.Payload);
                }
            }
            catch (EventStreamFormatException ex)
            {
                throw new InvalidDataException("corrupted event-stream frame from the upstream: " + ex.Message, ex);
            }

            if (_buffer.EndOfStream)
            {
                if (!_buffer.Unread.IsEmpty)
                {
                    throw new InvalidDataException($"the upstream event stream ended inside a frame ({_buffer.Unread.Length} bytes left)");
                }

                return null;
            }

            await _buffer.FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _buffer.Dispose();
}
