namespace Switchyard.Protocols.Sse;

/// <summary>
/// Finds Server-Sent Events boundaries in raw bytes without decoding them. An event ends at a blank line:
/// <c>\n\n</c>, <c>\r\n\r\n</c>, <c>\r\r</c> or a mix (<c>\r\n\n</c>), per the WHATWG SSE grammar, which allows
/// any of <c>\r\n</c>, <c>\n</c> and <c>\r</c> as line ends. Bytes are never split inside a multi-byte UTF-8
/// character because every boundary byte is ASCII.
/// </summary>
public static class SseEventScanner
{
    /// <summary>
    /// Returns the length of the first complete event in <paramref name="buffer"/> including its terminating blank
    /// line, or -1 when the buffer holds no complete event yet.
    /// </summary>
    /// <remarks>A trailing <c>\r</c> is ambiguous (it may be followed by <c>\n</c>), so an event ending exactly at
    /// the end of the buffer with <c>\r\r</c> is only reported once a following byte shows it is complete, or at
    /// end of stream via <see cref="FindEventEnd(ReadOnlySpan{byte}, bool)"/>.</remarks>
    public static int FindEventEnd(ReadOnlySpan<byte> buffer) => FindEventEnd(buffer, endOfStream: false);

    /// <summary>As <see cref="FindEventEnd(ReadOnlySpan{byte})"/>; at end of stream a trailing <c>\r</c> is final.</summary>
    public static int FindEventEnd(ReadOnlySpan<byte> buffer, bool endOfStream)
    {
        var i = 0;
        while (i < buffer.Length)
        {
            var rel = buffer[i..].IndexOfAny((byte)'\n', (byte)'\r');
            if (rel < 0)
            {
                return -1;
            }

            i += rel;
            var afterFirst = LineEndLength(buffer, i, endOfStream);
            if (afterFirst < 0)
            {
                return -1; // "\r" at the very end: wait for the next byte
            }

            var next = i + afterFirst;
            if (next < buffer.Length && (buffer[next] == (byte)'\n' || buffer[next] == (byte)'\r'))
            {
                var second = LineEndLength(buffer, next, endOfStream);
                if (second < 0)
                {
                    return -1;
                }

                return next + second;
            }

            if (next >= buffer.Length)
            {
                return -1;
            }

            i = next;
        }

        return -1;
    }

    // Length of the line terminator at position i (1 or 2), or -1 when a "\r" ends the buffer and more may follow.
    private static int LineEndLength(ReadOnlySpan<byte> buffer, int i, bool endOfStream)
    {
        if (buffer[i] == (byte)'\n')
        {
            return 1;
        }

        if (i + 1 < buffer.Length)
        {
            return buffer[i + 1] == (byte)'\n' ? 2 : 1;
        }

        return endOfStream ? 1 : -1;
    }

    /// <summary>True when the event's data is exactly <c>[DONE]</c> (the OpenAI end-of-stream marker).</summary>
    public static bool IsDoneEvent(ReadOnlySpan<byte> ev)
    {
        var idx = ev.IndexOf("data:"u8);
        if (idx < 0)
        {
            return false;
        }

        var rest = ev[(idx + 5)..].TrimStart((byte)' ');
        return rest.StartsWith("[DONE]"u8);
    }
}
