using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Switchyard.Protocols.Json;

namespace Switchyard.Protocols.OpenAIChat;

/// <summary>
/// The request envelope in one byte pass, for the bodies clients actually send: <see cref="RequestEnvelope.TryScan(ReadOnlySpan{byte}, out RequestEnvelope, out string?, out string?)"/>
/// tries it first and uses <see cref="System.Text.Json.Utf8JsonReader"/> (≈ 220 instructions a token; a short chat
/// body has two dozen) only when this gives up.
/// </summary>
/// <remarks>
/// It only ever answers "this is the envelope" or "not sure": it accepts a body only when it is certain the reader
/// would accept it with the same result, and gives up on everything else — malformed JSON of any kind (so every error
/// message still comes from the reader), escapes in a top-level member name or in the model, half a surrogate pair escaped,
/// nesting deeper than <see cref="MaxDepth"/>, a <c>model</c> that is not a string or null, a
/// <c>stream</c> that is not a boolean or null, anything before the opening brace (a byte order mark included).
/// The body is already known to be UTF-8, so bytes above 0x7F inside strings need no check here. Tested against the
/// reader on recorded bodies and on generated and mutated ones (RequestEnvelopeEquivalenceTests).
/// </remarks>
internal static class PlainEnvelopeScanner
{
    /// <summary>Nesting beyond this is left to the reader (which allows 256).</summary>
    public const int MaxDepth = 64;

    // What ends a run of plain string bytes: the closing quote, an escape, or a control character (not allowed raw).
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        "\"\\\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    /// <summary>True with the envelope when the body is certainly a well-formed JSON object; false = ask the reader.</summary>
    public static bool TryScan(ReadOnlySpan<byte> body, out RequestEnvelope envelope)
    {
        envelope = default;
        var i = SkipWhitespace(body, 0);
        if (i >= body.Length || body[i] != (byte)'{')
        {
            return false;
        }

        var objectStart = i;
        string? model = null;
        int modelStart = -1, modelLength = 0;
        bool stream = false, includeUsage = false, hasStreamOptions = false;
        int prefsStart = -1, prefsValue = -1, prefsEnd = -1;

        i = SkipWhitespace(body, i + 1);
        if (i >= body.Length)
        {
            return false;
        }

        if (body[i] != (byte)'}')
        {
            while (true)
            {
                // A member: "name" : value — names without escapes only (the reader compares unescaped names).
                var nameStart = i;
                var nameEnd = NameEnd(body, i);
                if (nameEnd < 0)
                {
                    return false;
                }

                var name = body[(nameStart + 1)..(nameEnd - 1)];
                i = ValueStart(body, nameEnd);
                if (i < 0)
                {
                    return false;
                }

                if (name.SequenceEqual("model"u8))
                {
                    if (body[i] == (byte)'"')
                    {
                        var end = NameEnd(body, i); // no escapes: the reader would unescape them
                        if (end < 0)
                        {
                            return false;
                        }

                        model = Encoding.UTF8.GetString(body[(i + 1)..(end - 1)]);
                        modelStart = i;
                        modelLength = end - i;
                        i = end;
                    }
                    else if (body[i..].StartsWith("null"u8))
                    {
                        model = null;
                        modelStart = i;
                        modelLength = 4;
                        i += 4;
                    }
                    else
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("stream"u8))
                {
                    if (body[i..].StartsWith("true"u8))
                    {
                        stream = true;
                        i += 4;
                    }
                    else if (body[i..].StartsWith("false"u8))
                    {
                        stream = false;
                        i += 5;
                    }
                    else if (body[i..].StartsWith("null"u8))
                    {
                        i += 4; // null leaves the last value, as the reader's loop does
                    }
                    else
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("stream_options"u8))
                {
                    hasStreamOptions = true;
                    includeUsage = false; // not an object: the reader skips it and reports false
                    i = body[i] == (byte)'{' ? StreamOptions(body, i, out includeUsage) : SkipValue(body, i, 1);
                    if (i < 0)
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("routing_preferences"u8))
                {
                    prefsStart = nameStart;
                    prefsValue = i;
                    i = SkipValue(body, i, 1);
                    if (i < 0)
                    {
                        return false;
                    }

                    prefsEnd = i;
                }
                else
                {
                    i = SkipValue(body, i, 1);
                    if (i < 0)
                    {
                        return false;
                    }
                }

                i = NextMember(body, i, out var more);
                if (i < 0)
                {
                    return false;
                }

                if (!more)
                {
                    break;
                }
            }
        }

        // Only whitespace may follow the object.
        if (SkipWhitespace(body, i + 1) != body.Length)
        {
            return false;
        }

        envelope = new RequestEnvelope(model, modelStart, modelLength, stream, objectStart) {
            IncludeUsage = includeUsage,
            HasStreamOptions = hasStreamOptions,
            RoutingPreferencesStart = prefsStart,
            RoutingPreferencesValueStart = prefsValue,
            RoutingPreferencesEnd = prefsEnd,
        };
        return true;
    }

    // stream_options as an object: include_usage is true when its last occurrence among the object's own members
    // is the literal true (the reader's ReadIncludeUsage). Returns the index past the closing brace, or -1.
    private static int StreamOptions(ReadOnlySpan<byte> body, int i, out bool includeUsage)
    {
        includeUsage = false;
        i = SkipWhitespace(body, i + 1);
        if (i < body.Length && body[i] == (byte)'}')
        {
            return i + 1;
        }

        while (true)
        {
            var nameEnd = NameEnd(body, i);
            if (nameEnd < 0)
            {
                return -1;
            }

            var isIncludeUsage = body[(i + 1)..(nameEnd - 1)].SequenceEqual("include_usage"u8);
            i = ValueStart(body, nameEnd);
            if (i < 0)
            {
                return -1;
            }

            if (isIncludeUsage)
            {
                includeUsage = body[i..].StartsWith("true"u8);
            }

            i = SkipValue(body, i, 2);
            if (i < 0 || (i = NextMember(body, i, out var more)) < 0)
            {
                return -1;
            }

            if (!more)
            {
                return i + 1;
            }
        }
    }

    // Any JSON value starting at i (depth = the value's nesting level); the index just past it, or -1.
    private static int SkipValue(ReadOnlySpan<byte> body, int i, int depth)
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

    private static int SkipObject(ReadOnlySpan<byte> body, int i, int depth)
    {
        i = SkipWhitespace(body, i + 1);
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
            if (i < 0 || (i = NextMember(body, i, out var more)) < 0)
            {
                return -1;
            }

            if (!more)
            {
                return i + 1;
            }
        }
    }

    // After a member's name (nameEnd: past its closing quote): whitespace, the colon, whitespace; the index where
    // the value starts, or -1.
    private static int ValueStart(ReadOnlySpan<byte> body, int nameEnd)
    {
        var i = SkipWhitespace(body, nameEnd);
        if (i >= body.Length || body[i] != (byte)':')
        {
            return -1;
        }

        i = SkipWhitespace(body, i + 1);
        return i < body.Length ? i : -1;
    }

    // After a member's value: a comma and the next member's opening quote (more), or the closing brace (not more);
    // the index of that quote or brace. Anything else (a literal or number running into other bytes, a trailing
    // comma) is -1: the reader's to report.
    private static int NextMember(ReadOnlySpan<byte> body, int i, out bool more)
    {
        more = false;
        i = SkipWhitespace(body, i);
        if (i >= body.Length)
        {
            return -1;
        }

        if (body[i] == (byte)'}')
        {
            return i;
        }

        if (body[i] != (byte)',')
        {
            return -1;
        }

        i = SkipWhitespace(body, i + 1);
        more = true;
        return i < body.Length && body[i] == (byte)'"' ? i : -1;
    }

    private static int SkipArray(ReadOnlySpan<byte> body, int i, int depth)
    {
        i = SkipWhitespace(body, i + 1);
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
            if (i < 0)
            {
                return -1;
            }

            i = SkipWhitespace(body, i);
            if (i >= body.Length)
            {
                return -1;
            }

            if (body[i] == (byte)']')
            {
                return i + 1;
            }

            if (body[i] != (byte)',')
            {
                return -1;
            }

            i = SkipWhitespace(body, i + 1);
            if (i >= body.Length || body[i] == (byte)']')
            {
                return -1; // a trailing comma
            }
        }
    }

    // A string with no escapes (member names, the model); the index past its closing quote, or -1.
    private static int NameEnd(ReadOnlySpan<byte> body, int i)
    {
        if (i >= body.Length || body[i] != (byte)'"')
        {
            return -1;
        }

        var stop = NextStop(body, i + 1);
        return stop >= 0 && body[stop] == (byte)'"' ? stop + 1 : -1;
    }

    // A string value: escapes checked as the reader checks them, and surrogates escaped only in whole pairs; the
    // index past the closing quote, or -1.
    private static int StringEnd(ReadOnlySpan<byte> body, int i)
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
                    if (!IsHexEscape(body, i))
                    {
                        return -1;
                    }

                    var unit = RequestEnvelope.Hex4(body.Slice(i + 2, 4));
                    if (unit is >= 0xD800 and <= 0xDFFF)
                    {
                        // Half a pair is refused (RequestEnvelope.FirstUnpairedSurrogateEscape): only whole pairs here.
                        if (unit > 0xDBFF || !IsHexEscape(body, i + 6) || RequestEnvelope.Hex4(body.Slice(i + 8, 4)) is < 0xDC00 or > 0xDFFF)
                        {
                            return -1;
                        }

                        i += 6;
                    }

                    i += 6;
                    break;
                default:
                    return -1;
            }
        }
    }

    // \uXXXX at i.
    private static bool IsHexEscape(ReadOnlySpan<byte> body, int i) =>
        i + 6 <= body.Length && body[i] == (byte)'\\' && body[i + 1] == (byte)'u'
        && JsonGrammar.IsHex(body[i + 2]) && JsonGrammar.IsHex(body[i + 3]) && JsonGrammar.IsHex(body[i + 4]) && JsonGrammar.IsHex(body[i + 5]);

    // The index of the next quote, backslash or control character from i on, or -1 (a vector search: ≈ 50
    // instructions a call, fewer than a byte loop over any string longer than a few bytes).
    private static int NextStop(ReadOnlySpan<byte> body, int i)
    {
        var stop = body[i..].IndexOfAny(StringStops);
        return stop < 0 ? -1 : i + stop;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> body, int i)
    {
        if (i < body.Length && body[i] > (byte)' ')
        {
            return i; // the common case: no whitespace
        }

        while (i < body.Length && body[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }
}
