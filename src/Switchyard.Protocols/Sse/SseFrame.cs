using System.Text;

namespace Switchyard.Protocols.Sse;

/// <summary>Field-level view of one complete SSE event (as delimited by <see cref="SseEventScanner"/>).</summary>
public static class SseFrame
{
    /// <summary>
    /// Parses an event's bytes: the <c>event:</c> name (null when absent) and the <c>data:</c> lines joined with
    /// <c>\n</c> (one leading space after the colon removed, per the SSE spec). Comments and other fields are ignored.
    /// Returns false for an event without data (e.g. a comment or keep-alive).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> ev, out string? eventName, out ReadOnlyMemory<byte> data)
    {
        eventName = null;
        data = default;
        byte[]? joined = null;
        var joinedLength = 0;
        var single = default(Range);
        var dataLines = 0;
        var owner = ev.ToArray(); // one copy: the returned data must outlive the caller's buffer
        var span = owner.AsSpan();
        var pos = 0;
        while (pos < span.Length)
        {
            var rest = span[pos..];
            var lineEnd = rest.IndexOfAny((byte)'\n', (byte)'\r');
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            var advance = lineEnd < 0 ? rest.Length : lineEnd + (rest[lineEnd] == (byte)'\r' && lineEnd + 1 < rest.Length && rest[lineEnd + 1] == (byte)'\n' ? 2 : 1);
            if (line.StartsWith("data"u8) && (line.Length == 4 || line[4] == (byte)':'))
            {
                var valueStart = pos + Math.Min(line.Length, 5);
                if (valueStart < pos + line.Length && span[valueStart] == (byte)' ')
                {
                    valueStart++;
                }

                var value = new Range(valueStart, pos + line.Length);
                dataLines++;
                if (dataLines == 1)
                {
                    single = value;
                }
                else
                {
                    joined ??= Start(owner, single, ref joinedLength);
                    Append(ref joined, ref joinedLength, "\n"u8);
                    Append(ref joined, ref joinedLength, owner.AsSpan(value));
                }
            }
            else if (line.StartsWith("event:"u8))
            {
                eventName = Encoding.UTF8.GetString(line[6..].TrimStart((byte)' '));
            }

            pos += advance;
        }

        if (dataLines == 0)
        {
            return false;
        }

        data = joined is null ? owner.AsMemory(single) : joined.AsMemory(0, joinedLength);
        return true;
    }

    private static byte[] Start(byte[] owner, Range first, ref int length)
    {
        var span = owner.AsSpan(first);
        var buffer = new byte[Math.Max(256, span.Length * 2)];
        span.CopyTo(buffer);
        length = span.Length;
        return buffer;
    }

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes.Length));
        }

        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }
}
