using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Protocols.EventStream;

/// <summary>
/// Encodes AWS event-stream messages. The gateway only reads event streams from upstreams; this exists for fake
/// upstreams (mock provider, tests) that must produce byte-exact frames with valid CRCs.
/// </summary>
public static class EventStreamWriter
{
    /// <summary>An <c>event</c> message as Bedrock sends it (<c>:event-type</c>, JSON content type, <c>:message-type event</c>).</summary>
    public static byte[] Event(string eventType, ReadOnlySpan<byte> jsonPayload) => Encode(
        [
            EventStreamHeader.FromString(EventStreamMessage.EventTypeHeader, eventType),
            EventStreamHeader.FromString(EventStreamMessage.ContentTypeHeader, "application/json"),
            EventStreamHeader.FromString(EventStreamMessage.MessageTypeHeader, "event"),
        ],
        jsonPayload);

    /// <summary>An <c>exception</c> message as Bedrock sends it (<c>:exception-type</c>, payload <c>{"message":...}</c>).</summary>
    public static byte[] Exception(string exceptionType, ReadOnlySpan<byte> jsonPayload) => Encode(
        [
            EventStreamHeader.FromString(EventStreamMessage.ExceptionTypeHeader, exceptionType),
            EventStreamHeader.FromString(EventStreamMessage.ContentTypeHeader, "application/json"),
            EventStreamHeader.FromString(EventStreamMessage.MessageTypeHeader, "exception"),
        ],
        jsonPayload);

    /// <summary>One complete message: prelude, prelude CRC, headers, payload, message CRC.</summary>
    public static byte[] Encode(IReadOnlyList<EventStreamHeader> headers, ReadOnlySpan<byte> payload)
    {
        var headersLength = 0;
        for (var i = 0; i < headers.Count; i++)
        {
            headersLength += HeaderLength(headers[i]);
        }

        var total = EventStreamReader.PreludeLength + headersLength + payload.Length + 4;
        if (total > EventStreamReader.MaximumMessageLength || headersLength > EventStreamReader.MaximumHeadersLength)
        {
            throw new ArgumentException($"an event-stream message of {total} bytes ({headersLength} of headers) exceeds the format's limits");
        }

        var frame = new byte[total];
        var span = frame.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32.Compute(span[..8]));
        var pos = EventStreamReader.PreludeLength;
        for (var i = 0; i < headers.Count; i++)
        {
            pos += WriteHeader(headers[i], span[pos..]);
        }

        payload.CopyTo(span[pos..]);
        pos += payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[pos..], Crc32.Compute(span[..pos]));
        return frame;
    }

    /// <summary>Writes one complete message to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, IReadOnlyList<EventStreamHeader> headers, ReadOnlySpan<byte> payload) =>
        output.Write(Encode(headers, payload));

    private static int HeaderLength(EventStreamHeader header)
    {
        var nameLength = Encoding.UTF8.GetByteCount(header.Name);
        if (nameLength is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"event-stream header name '{header.Name}' must be 1..255 bytes");
        }

        var fixedLength = EventStreamHeader.FixedLength(header.Type);
        if (fixedLength >= 0 && header.Value.Length != fixedLength)
        {
            throw new ArgumentException($"event-stream header '{header.Name}' of type {header.Type} needs {fixedLength} value bytes, not {header.Value.Length}");
        }

        if (fixedLength < 0 && header.Value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"event-stream header '{header.Name}' value exceeds {ushort.MaxValue} bytes");
        }

        return 1 + nameLength + 1 + (fixedLength >= 0 ? fixedLength : 2 + header.Value.Length);
    }

    private static int WriteHeader(EventStreamHeader header, Span<byte> span)
    {
        var pos = 0;
        var nameLength = Encoding.UTF8.GetBytes(header.Name, span[1..]);
        span[pos] = (byte)nameLength;
        pos += 1 + nameLength;
        span[pos++] = (byte)header.Type;
        if (EventStreamHeader.FixedLength(header.Type) < 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[pos..], (ushort)header.Value.Length);
            pos += 2;
        }

        header.Value.Span.CopyTo(span[pos..]);
        return pos + header.Value.Length;
    }
}
