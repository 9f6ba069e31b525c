using System.Buffers;
using System.Runtime.CompilerServices;

namespace Switchyard.Protocols.Json;

/// <summary>
/// Skipping JSON values in one byte pass, for scanners that stand in for <see cref="System.Text.Json.Utf8JsonReader"/>
/// (the request envelope): each step answers where a well-formed token ends or -1 for "not sure — ask the reader".
/// A -1 never claims the body is malformed; it only means the plain pass cannot vouch for it (malformed JSON, half a
/// surrogate pair escaped, nesting deeper than <see cref="MaxDepth"/>). Bodies are already known to be UTF-8, so
/// bytes above 0x7F inside strings need no check.
/// </summary>
internal static class PlainJson
{
    /// <summary>Nesting beyond this is left to the reader (which allows 256).</summary>
    public const int MaxDepth = 64;

    // What ends a run of plain string bytes: the closing quote, an escape, or a control character (not allowed raw).
    // ASCII only: a SearchValues with non-ASCII members takes a path the NativeAOT build does not vectorise.
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        "\"\\\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    /// <summary>Any JSON value starting at <paramref name="i"/> (<paramref name="depth"/>: its nesting level); the index just past it, or -1.</summary>
    public static int SkipValue(ReadOnlySpan<byte> body, int i, int depth)
    {
        switch (body[i])
        {
            case (byte)'"':
                return StringEnd(body, i);
            case (byte)'{':
                return depth >= MaxDepth ? -1 : SkipObject(body, i, depth);
            case (byte)'[':
                return depth >= MaxDepth ? -1 : SkipArray(body, i, depth);
            case (byte)'t':
                return body[i..].StartsWith("true"u8) ? i + 4 : -1;
            case (byte)'f':
                return body[i..].StartsWith("false"u8) ? i + 5 : -1;
            case (byte)'n':
                return body[i..].StartsWith("null"u8) ? i + 4 : -1;
            default:
                return JsonGrammar.NumberEnd(body, i);
        }
    }

    /// <summary>
    /// After a member's name (<paramref name="nameEnd"/>: past its closing quote): whitespace, the colon, whitespace;
    /// the index where the value starts, or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ValueStart(ReadOnlySpan<byte> body, int nameEnd)
    {
        var i = JsonGrammar.SkipWhitespace(body, nameEnd);
        if (i >= body.Length || body[i] != (byte)':')
        {
            return -1;
        }

        i = JsonGrammar.SkipWhitespace(body, i + 1);
        return i < body.Length ? i : -1;
    }

    /// <summary>
    /// After a value inside an object or array: a comma and the start of the next item (<paramref name="more"/>), or
    /// the container's <paramref name="close"/> byte (not more); the index of either, or -1 (a literal or number
    /// running into other bytes, a trailing comma, the end of the body). The next item itself is the caller's to read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AfterValue(ReadOnlySpan<byte> body, int i, byte close, out bool more)
    {
        more = false;
        i = JsonGrammar.SkipWhitespace(body, i);
        if (i >= body.Length)
        {
            return -1;
        }

        if (body[i] == close)
        {
            return i;
        }

        if (body[i] != (byte)',')
        {
            return -1;
        }

        i = JsonGrammar.SkipWhitespace(body, i + 1);
        more = true;
        return i < body.Length && body[i] != close ? i : -1;
    }

    /// <summary>A string with no escapes (member names the scanner compares raw); the index past its closing quote, or -1.</summary>
    public static int UnescapedStringEnd(ReadOnlySpan<byte> body, int i)
    {
        if (i >= body.Length || body[i] != (byte)'"')
        {
            return -1;
        }

        var stop = NextStop(body, i + 1);
        return stop >= 0 && body[stop] == (byte)'"' ? stop + 1 : -1;
    }

    /// <summary>
    /// A string value at <paramref name="i"/> (its opening quote): escapes checked as the reader checks them, and
    /// surrogates escaped only in whole pairs; the index past the closing quote, or -1.
    /// </summary>
    public static int StringEnd(ReadOnlySpan<byte> body, int i)
    {
        i++;
        while (true)
        {
            i = NextStop(body, i);
            if (i < 0)
            {
                return -1;
            }

            var b = body[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }

            if (b != (byte)'\\' || i + 1 >= body.Length)
            {
                return -1; // a raw control character, or an escape at the end
            }

            switch (body[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    i += 2;
                    break;
                case (byte)'u':
                    var length = JsonGrammar.IsHexEscape(body, i) ? JsonGrammar.UnicodeEscapeLength(body, i) : -1;
                    if (length < 0)
                    {
                        return -1;
                    }

                    i += length;
                    break;
                default:
                    return -1;
            }
        }
    }

    private static int SkipObject(ReadOnlySpan<byte> body, int i, int depth)
    {
        i = JsonGrammar.SkipWhitespace(body, i + 1);
        if (i < body.Length && body[i] == (byte)'}')
        {
            return i + 1;
        }

        while (true)
        {
            if (i >= body.Length || body[i] != (byte)'"' || (i = StringEnd(body, i)) < 0 || (i = ValueStart(body, i)) < 0)
            {
                return -1;
            }

            i = SkipValue(body, i, depth + 1);
            if (i < 0 || (i = AfterValue(body, i, (byte)'}', out var more)) < 0)
            {
                return -1;
            }

            if (!more)
            {
                return i + 1;
            }
        }
    }

    private static int SkipArray(ReadOnlySpan<byte> body, int i, int depth)
    {
        i = JsonGrammar.SkipWhitespace(body, i + 1);
        if (i >= body.Length)
        {
            return -1;
        }

        if (body[i] == (byte)']')
        {
            return i + 1;
        }

        while (true)
        {
            i = SkipValue(body, i, depth + 1);
            if (i < 0 || (i = AfterValue(body, i, (byte)']', out var more)) < 0)
            {
                return -1;
            }

            if (!more)
            {
                return i + 1;
            }
        }
    }

    // The index of the next quote, backslash or control character from i on, or -1 (a vector search: ≈ 50
    // instructions a call, fewer than a byte loop over any string longer than a few bytes).
    private static int NextStop(ReadOnlySpan<byte> body, int i)
    {
        var stop = body[i..].IndexOfAny(StringStops);
        return stop < 0 ? -1 : i + stop;
    }
}
