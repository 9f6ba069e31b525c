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
    public const int MaxDepth = PlainJson.MaxDepth;

    /// <summary>True with the envelope when the body is certainly a well-formed JSON object; false = ask the reader.</summary>
    public static bool TryScan(ReadOnlySpan<byte> body, out RequestEnvelope envelope)
    {
        envelope = default;
        var i = JsonGrammar.SkipWhitespace(body, 0);
        if (i >= body.Length || body[i] != (byte)'{')
        {
            return false;
        }

        var objectStart = i;
        string? model = null;
        int modelStart = -1, modelLength = 0;
        bool stream = false, includeUsage = false, hasStreamOptions = false;
        int prefsStart = -1, prefsValue = -1, prefsEnd = -1;

        i = JsonGrammar.SkipWhitespace(body, i + 1);
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
                var nameEnd = PlainJson.UnescapedStringEnd(body, i);
                if (nameEnd < 0)
                {
                    return false;
                }

                var name = body[(nameStart + 1)..(nameEnd - 1)];
                i = PlainJson.ValueStart(body, nameEnd);
                if (i < 0)
                {
                    return false;
                }

                if (name.SequenceEqual("model"u8))
                {
                    if (body[i] == (byte)'"')
                    {
                        var end = PlainJson.UnescapedStringEnd(body, i); // no escapes: the reader would unescape them
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
                    i = body[i] == (byte)'{' ? StreamOptions(body, i, out includeUsage) : PlainJson.SkipValue(body, i, 1);
                    if (i < 0)
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("routing_preferences"u8))
                {
                    prefsStart = nameStart;
                    prefsValue = i;
                    i = PlainJson.SkipValue(body, i, 1);
                    if (i < 0)
                    {
                        return false;
                    }

                    prefsEnd = i;
                }
                else
                {
                    i = PlainJson.SkipValue(body, i, 1);
                    if (i < 0)
                    {
                        return false;
                    }
                }

                i = PlainJson.AfterValue(body, i, (byte)'}', out var more);
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
        if (JsonGrammar.SkipWhitespace(body, i + 1) != body.Length)
        {
            return false;
        }

        envelope = RequestEnvelope.Of(model, modelStart, modelLength, stream, objectStart, includeUsage, hasStreamOptions, prefsStart, prefsValue, prefsEnd);
        return true;
    }

    // stream_options as an object: include_usage is true when its last occurrence among the object's own members
    // is the literal true (the reader's ReadIncludeUsage). Returns the index past the closing brace, or -1.
    private static int StreamOptions(ReadOnlySpan<byte> body, int i, out bool includeUsage)
    {
        includeUsage = false;
        i = JsonGrammar.SkipWhitespace(body, i + 1);
        if (i < body.Length && body[i] == (byte)'}')
        {
            return i + 1;
        }

        while (true)
        {
            var nameEnd = PlainJson.UnescapedStringEnd(body, i);
            if (nameEnd < 0)
            {
                return -1;
            }

            var isIncludeUsage = body[(i + 1)..(nameEnd - 1)].SequenceEqual("include_usage"u8);
            i = PlainJson.ValueStart(body, nameEnd);
            if (i < 0)
            {
                return -1;
            }

            if (isIncludeUsage)
            {
                includeUsage = body[i..].StartsWith("true"u8);
            }

            i = PlainJson.SkipValue(body, i, 2);
            if (i < 0 || (i = PlainJson.AfterValue(body, i, (byte)'}', out var more)) < 0)
            {
                return -1;
            }

            if (!more)
            {
                return i + 1;
            }
        }
    }
}
