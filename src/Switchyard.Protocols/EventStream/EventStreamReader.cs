using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Protocols.EventStream;

/// <summary>
/// Incremental decoder of AWS event-stream framing (<c>application/vnd.amazon.eventstream</c>): prelude (total
/// length u32 BE, headers length u32 BE, prelude CRC32), headers, payload, message CRC32. The caller keeps the
/// unread bytes and calls again with more when <c>TryRead</c> says a message is incomplete.
/// </summary>
public static class EventStreamReader
{
    /// <summary>Prelude (8) + prelude CRC (4).</summary>
    public const int PreludeLength = 12;

    /// <summary>The smallest possible message: prelude, prelude CRC and message CRC, no headers or payload.</summary>
    public const int MinimumMessageLength = 16;

    /// <summary>
    /// Upper bound on one message. AWS caps messages at 16 MiB (and headers at 128 KiB); anything larger is a
    /// corrupted length, and refusing it keeps a bad prelude from making the caller buffer gigabytes.
    /// </summary>
    public const int MaximumMessageLength = 16 * 1024 * 1024;

    /// <summary>Upper bound on the headers section.</summary>
    public const int MaximumHeadersLength = 128 * 1024;

    /// <summary>
    /// Decodes the message at the start of <paramref name="buffer"/>. Returns false (and <paramref name="consumed"/> 0)
    /// when the buffer holds only part of it.
    /// </summary>
    /// <exception cref="EventStreamFormatException">A CRC mismatch, impossible lengths or a malformed header.</exception>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out EventStreamMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (buffer.Length < PreludeLength)
        {
            return false;
        }

        // The prelude is checked before waiting for the rest, so garbage fails fast instead of stalling on a huge length.
        var total = ReadTotalLength(buffer[..PreludeLength], out var headersLength);
        if (buffer.Length < total)
        {
            return false;
        }

        message = Parse(buffer[..total], headersLength);
        consumed = total;
        return true;
    }

    /// <summary>
    /// Decodes the message at the start of <paramref name="buffer"/> and advances it past the message. Returns
    /// false (buffer unchanged) when the buffer holds only part of it.
    /// </summary>
    /// <exception cref="EventStreamFormatException">A CRC mismatch, impossible lengths or a malformed header.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out EventStreamMessage? message)
    {
        message = null;
        if (buffer.IsSingleSegment)
        {
            if (!TryRead(buffer.FirstSpan, out message, out var used))
            {
                return false;
            }

            buffer = buffer.Slice(used);
            return true;
        }

        if (buffer.Length < PreludeLength)
        {
            return false;
        }

        Span<byte> prelude = stackalloc byte[PreludeLength];
        buffer.Slice(0, PreludeLength).CopyTo(prelude);
        var total = ReadTotalLength(prelude, out var headersLength);
        if (buffer.Length < total)
        {
            return false;
        }

        // A message split across segments is copied once; Parse copies it again into the message's own array, which
        // only happens for messages straddling a segment boundary.
        var rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            buffer.Slice(0, total).CopyTo(rented);
            message = Parse(rented.AsSpan(0, total), headersLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        buffer = buffer.Slice(total);
        return true;
    }

    private static int ReadTotalLength(ReadOnlySpan<byte> prelude, out int headersLength)
    {
        var total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        var expectedCrc = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);
        var actualCrc = Crc32.Compute(prelude[..8]);
        if (actualCrc != expectedCrc)
        {
            throw new EventStreamFormatException($"event-stream prelude CRC32 mismatch (expected 0x{expectedCrc:x8}, computed 0x{actualCrc:x8})");
        }

        if (total < MinimumMessageLength || total > MaximumMessageLength)
        {
            throw new EventStreamFormatException($"event-stream message length {total} is outside {MinimumMessageLength}..{MaximumMessageLength}");
        }

        if (headers > MaximumHeadersLength || headers > total - MinimumMessageLength)
        {
            throw new EventStreamFormatException($"event-stream headers length {headers} does not fit a message of {total} bytes");
        }

        headersLength = (int)headers;
        return (int)total;
    }

    private static EventStreamMessage Parse(ReadOnlySpan<byte> frame, int headersLength)
    {
        var expectedCrc = BinaryPrimitives.ReadUInt32BigEndian(frame[^4..]);
        var actualCrc = Crc32.Compute(frame[..^4]);
        if (actualCrc != expectedCrc)
        {
            throw new EventStreamFormatException($"event-stream message CRC32 mismatch (expected 0x{expectedCrc:x8}, computed 0x{actualCrc:x8})");
        }

        // One copy of headers + payload: header values and the payload are slices of it.
        var owned = frame[PreludeLength..^4].ToArray();
        var memory = new ReadOnlyMemory<byte>(owned);
        var headers = ParseHeaders(memory[..headersLength]);
        return new EventStreamMessage(headers, memory[headersLength..]);
    }

    private static List<EventStreamHeader> ParseHeaders(ReadOnlyMemory<byte> block)
    {
        var headers = new List<EventStreamHeader>(4);
        var span = block.Span;
        var pos = 0;
        while (pos < span.Length)
        {
            int nameLength = span[pos++];
            if (nameLength == 0 || pos + nameLength + 1 > span.Length)
            {
                throw new EventStreamFormatException($"event-stream header name of length {nameLength} at offset {pos - 1} is empty or overruns the headers");
            }

            var name = Encoding.UTF8.GetString(span.Slice(pos, nameLength));
            pos += nameLength;
            var type = (EventStreamHeaderType)span[pos++];
            var valueLength = EventStreamHeader.FixedLength(type);
            if (valueLength < 0)
            {
                if (pos + 2 > span.Length)
                {
                    throw new EventStreamFormatException($"event-stream header '{name}' is missing its value length");
                }

                valueLength = BinaryPrimitives.ReadUInt16BigEndian(span[pos..]);
                pos += 2;
            }

            if (pos + valueLength > span.Length)
            {
                throw new EventStreamFormatException($"event-stream header '{name}' value of {valueLength} bytes overruns the headers");
            }

            headers.Add(new EventStreamHeader(name, type, block.Slice(pos, valueLength)));
            pos += valueLength;
        }

        return headers;
    }
}
