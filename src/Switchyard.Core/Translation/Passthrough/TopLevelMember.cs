using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Switchyard.Protocols.Json;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// Finds one member of a complete JSON object's top level without tokenising the rest: one structural pass that
/// tracks depth and skips string contents (escapes honoured) and nested values whole, validating nothing else. For
/// the usage tap's common case — a whole non-streamed answer in one buffer, its <c>usage</c> at the end — this is
/// far cheaper than reading every token.
/// </summary>
internal static class TopLevelMember
{
    private static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> LiteralEnd = SearchValues.Create(",}] \t\r\n"u8);

    /// <summary>Finds where a member's value ends, given where it starts: -1 when it cannot tell.</summary>
    internal interface IValueEnd
    {
        int End(ReadOnlySpan<byte> json, int start);
    }

    /// <summary>
    /// True when <paramref name="json"/> is an object whose top level could be scanned to its end or to
    /// <paramref name="name"/>; <paramref name="value"/> is then the member's value (empty when absent). False for
    /// anything else (an array root, a truncated or malformed body): the caller falls back to a full reader.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var structural = default(Structural);
        return TryFind(json, name, ref structural, out value);
    }

    /// <summary>
    /// <see cref="TryFind(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> with the member's value
    /// end found by <paramref name="valueEnd"/> (which may read the value on the way).
    /// </summary>
    public static bool TryFind<TValueEnd>(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, scoped ref TValueEnd valueEnd, out ReadOnlySpan<byte> value)
        where TValueEnd : struct, IValueEnd
    {
        value = default;
        var i = JsonGrammar.SkipWhitespace(json, json.StartsWith("\xEF\xBB\xBF"u8) ? 3 : 0);
        if (i >= json.Length || json[i] != (byte)'{')
        {
            return false;
        }

        // One pass, byte by byte: JSON answers are dense with structure (a quote every few bytes), where a plain loop
        // beats a vectorised search per token; long string contents are skipped with one search each.
        var depth = 0;
        var keyNext = false;
        for (; i < json.Length; i++)
        {
            switch (json[i])
            {
                case (byte)'"':
                    var end = StringEnd(json, i + 1);
                    if (end < 0)
                    {
                        return false;
                    }

                    if (depth == 1 && keyNext)
                    {
                        keyNext = false;
                        var colon = JsonGrammar.SkipWhitespace(json, end + 1);
                        if (colon >= json.Length || json[colon] != (byte)':')
                        {
                            return false;
                        }

                        if (json[(i + 1)..end].SequenceEqual(name))
                        {
                            var start = JsonGrammar.SkipWhitespace(json, colon + 1);
                            var stop = valueEnd.End(json, start);
                            if (stop < 0)
                            {
                                return false;
                            }

                            value = json[start..stop];
                            return true;
                        }

                        i = colon;
                        break;
                    }

                    i = end;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    keyNext = depth == 1;
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    if (depth <= 0)
                    {
                        return depth == 0; // the end of the object: the member is not there
                    }

                    break;
                case (byte)',':
                    keyNext = depth == 1;
                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// Like <see cref="TryFind"/>, but searches from the end, where answers put their usage (OpenAI, Anthropic,
    /// Responses and Gemini all write it among the last members): a backward byte search for the name, then a check
    /// that the hit is a key (an unescaped opening quote after <c>{</c> or <c>,</c>, then a colon) and that what
    /// follows its value closes the root object exactly at the end of the body — which makes it a member of the root.
    /// Only the bytes after the hit are scanned. When no occurrence of the name is a key the member is absent (true,
    /// empty value). False when a hit was a nested key or unclear, or after 8 hits: the caller then scans from the start.
    /// </summary>
    public static bool TryFindFromEnd(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var structural = default(Structural);
        return TryFindFromEnd(json, name, ref structural, out value);
    }

    /// <summary>
    /// <see cref="TryFindFromEnd(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> with each candidate
    /// value's end found by <paramref name="valueEnd"/> (which may read the value on the way; the value returned is
    /// the one of its last call).
    /// </summary>
    public static bool TryFindFromEnd<TValueEnd>(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, scoped ref TValueEnd valueEnd, out ReadOnlySpan<byte> value)
        where TValueEnd : struct, IValueEnd
    {
        value = default;
        var searchEnd = json.Length;
        var unclear = false;
        for (var tries = 0; tries < 8; tries++)
        {
            var hit = json[..searchEnd].LastIndexOf(name);
            if (hit < 0)
            {
                return !unclear; // every occurrence was shown not to be a key: the member is absent
            }

            searchEnd = hit;
            var close = hit + name.Length;
            if (hit == 0 || json[hit - 1] != (byte)'"' || close >= json.Length || json[close] != (byte)'"')
            {
                continue; // part of a longer word or key
            }

            var before = SkipSpaceBack(json, hit - 2);
            if (before < 0 || json[before] is not ((byte)',' or (byte)'{'))
            {
                continue; // not in key position (inside a string, or a value)
            }

            var colon = JsonGrammar.SkipWhitespace(json, close + 1);
            if (colon >= json.Length || json[colon] != (byte)':')
            {
                continue;
            }

            var start = JsonGrammar.SkipWhitespace(json, colon + 1);
            var end = valueEnd.End(json, start);
            if (end < 0 || !ClosesRootAtEnd(json, end))
            {
                unclear = true; // a nested member of that name, or a body this scan cannot vouch for
                continue;
            }

            value = json[start..end];
            return true;
        }

        return false;
    }

    // True when the members after `from` (inside an object one level deep) close it and only whitespace follows: the
    // structural walk of ValueEnd (strings skipped, a backslash in one escaping the next byte), sixteen bytes at a time
    // while sixteen remain: one compare finds the quotes, backslashes and brackets, and only those are looked at.
    internal static bool ClosesRootAtEnd(ReadOnlySpan<byte> json, int from)
    {
        var depth = 1;
        var inString = false;
        var p = from;
        if (Vector128.IsHardwareAccelerated)
        {
            var escaped = 0u; // bit 0: the first byte of this block is escaped by a backslash that ended the last one
            while (p <= json.Length - Vector128<byte>.Count)
            {
                var v = Vector128.Create(json.Slice(p, Vector128<byte>.Count));
                var marks = (Vector128.Equals(v, Vector128.Create((byte)'"')) | Vector128.Equals(v, Vector128.Create((byte)'\\'))
                    | Vector128.Equals(v | Vector128.Create((byte)0x20), Vector128.Create((byte)'{'))
                    | Vector128.Equals(v | Vector128.Create((byte)0x20), Vector128.Create((byte)'}'))).ExtractMostSignificantBits() & ~escaped;
                escaped = 0;
                while (marks != 0)
                {
                    var k = BitOperations.TrailingZeroCount(marks);
                    marks &= marks - 1;
                    var b = json[p + k];
                    if (inString)
                    {
                        if (b == (byte)'"')
                        {
                            inString = false;
                        }
                        else if (b == (byte)'\\')
                        {
                            if (k == Vector128<byte>.Count - 1)
                            {
                                escaped = 1;
                            }
                            else
                            {
                                marks &= ~(1u << (k + 1));
                            }
                        }
                    }
                    else if (b == (byte)'"')
                    {
                        inString = true;
                    }
                    else if (b is (byte)'{' or (byte)'[')
                    {
                        depth++;
                    }
                    else if (b is (byte)'}' or (byte)']' && --depth == 0)
                    {
                        return b == (byte)'}' && JsonGrammar.SkipWhitespace(json, p + k + 1) == json.Length;
                    }
                }

                p += Vector128<byte>.Count;
            }

            p += (int)escaped;
        }

        for (; p < json.Length; p++)
        {
            var b = json[p];
            if (inString)
            {
                if (b == (byte)'"')
                {
                    inString = false;
                }
                else if (b == (byte)'\\')
                {
                    p++;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (b is (byte)'}' or (byte)']' && --depth == 0)
            {
                return b == (byte)'}' && JsonGrammar.SkipWhitespace(json, p + 1) == json.Length;
            }
        }

        return false;
    }

    private static int SkipSpaceBack(ReadOnlySpan<byte> json, int i)
    {
        while (i >= 0 && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i--;
        }

        return i;
    }

    // Index of the closing quote of a string whose contents start at `from`, or -1. A backslash escapes the next byte
    // (for \uXXXX the rest is plain hex). Most strings in an answer are short keys and values: sixteen bytes at a time
    // while sixteen remain (never a read past the span), then byte by byte; past 64 bytes (long content) one
    // vectorised search per escape.
    internal static int StringEnd(ReadOnlySpan<byte> json, int from)
    {
        var p = from;
        if (Vector128.IsHardwareAccelerated)
        {
            while (p <= json.Length - Vector128<byte>.Count)
            {
                if (p - from >= 64)
                {
                    var rel = json[p..].IndexOfAny(QuoteOrBackslash);
                    if (rel < 0)
                    {
                        return -1;
                    }

                    p += rel;
                }
                else
                {
                    var v = Vector128.Create(json.Slice(p, Vector128<byte>.Count));
                    var hits = (Vector128.Equals(v, Vector128.Create((byte)'"')) | Vector128.Equals(v, Vector128.Create((byte)'\\'))).ExtractMostSignificantBits();
                    if (hits == 0)
                    {
                        p += Vector128<byte>.Count;
                        continue;
                    }

                    p += BitOperations.TrailingZeroCount(hits);
                }

                if (json[p] == (byte)'"')
                {
                    return p;
                }

                p += 2;
            }
        }

        while (p < json.Length)
        {
            var b = json[p];
            if (b == (byte)'"')
            {
                return p;
            }

            p += b == (byte)'\\' ? 2 : 1;
        }

        return -1;
    }

    /// <summary>The index just past the value starting at <paramref name="start"/>, or -1 (structure only, nothing validated).</summary>
    internal static int ValueEnd(ReadOnlySpan<byte> json, int start)
    {
        if (start >= json.Length)
        {
            return -1;
        }

        var c = json[start];
        if (c == (byte)'"')
        {
            var end = StringEnd(json, start + 1);
            return end < 0 ? -1 : end + 1;
        }

        if (c is not ((byte)'{' or (byte)'['))
        {
            var rel = json[start..].IndexOfAny(LiteralEnd);
            return rel < 0 ? -1 : start + rel;
        }

        var depth = 0;
        for (var i = start; i < json.Length; i++)
        {
            switch (json[i])
            {
                case (byte)'"':
                    var end = StringEnd(json, i + 1);
                    if (end < 0)
                    {
                        return -1;
                    }

                    i = end;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }
        }

        return -1;
    }

    private struct Structural : IValueEnd
    {
        public readonly int End(ReadOnlySpan<byte> json, int start) => ValueEnd(json, start);
    }
}
