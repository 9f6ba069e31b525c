using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Switchyard.Protocols.Json;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// Reads a top-level usage object of a whole non-streamed body in the same pass that finds its end (the value-end
/// finder of <see cref="TopLevelMember"/>), instead of a structural walk to its end and then a second walk with a
/// <see cref="System.Text.Json.Utf8JsonReader"/>. It is a strict scanner for a narrow, plain form of JSON: member
/// names and string values of printable ASCII without escapes, wanted members as unsigned integers of at most nine
/// digits (or <c>null</c>), each wanted member and details object at most once. For that form it records exactly what
/// <see cref="UsageObjectReader"/> records for the same bytes. Anything else (an escape, a non-ASCII byte, a
/// fraction or a huge number in a wanted member, a duplicate, malformed JSON, nesting over 16 levels) makes it
/// decline: <see cref="Parsed"/> is false, the end is found by the structural walk as before, and the caller reads
/// the object with the reader.
/// </summary>
internal struct UsageObjectScanner(UpstreamProtocol protocol) : TopLevelMember.IValueEnd
{
    private const int MaxDepth = 16;
    private const int Details = 16; // actions at or above this open a details object (action - Details is its id)

    private readonly UpstreamProtocol _protocol = protocol;
    private readonly bool _chat = protocol is not (UpstreamProtocol.AnthropicMessages or UpstreamProtocol.OpenAIResponses
        or UpstreamProtocol.Gemini or UpstreamProtocol.BedrockConverse); // TopAction's default: chat completions
    private Slots _slots;
    private int _seen;
    private int _detailsSeen;

    /// <summary>True when the last value given to <see cref="End"/> was a usage object read in full.</summary>
    public bool Parsed { get; private set; }

    /// <summary>The value of wanted member <paramref name="slot"/> (see the protocol's table below), or null when absent or null.</summary>
    public readonly int? this[int slot]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _slots[slot];
    }

    /// <inheritdoc/>
    public int End(ReadOnlySpan<byte> json, int start)
    {
        Parsed = false;
        if (start < json.Length && json[start] == (byte)'{')
        {
            _slots = default;
            _seen = 0;
            _detailsSeen = 0;
            var end = ScanObject(json, start, -1, 0);
            if (end >= 0)
            {
                Parsed = true;
                return end;
            }
        }

        return TopLevelMember.ValueEnd(json, start);
    }

    // Slots per protocol (the order UsageTap.ApplyScannedUsage reads them in):
    // chat: prompt_tokens, completion_tokens, total_tokens, prompt_tokens_details.cached_tokens, prompt_cache_hit_tokens,
    //       completion_tokens_details.reasoning_tokens;
    // Anthropic: input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens;
    // Responses: input_tokens, output_tokens, input_tokens_details.cached_tokens, input_tokens_details.cache_write_tokens,
    //       output_tokens_details.reasoning_tokens;
    // Gemini: promptTokenCount, toolUsePromptTokenCount, candidatesTokenCount, thoughtsTokenCount, cachedContentTokenCount;
    // Bedrock: inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens.
    private readonly int TopAction(ReadOnlySpan<byte> key) => _protocol switch
    {
        UpstreamProtocol.AnthropicMessages =>
            key.SequenceEqual("input_tokens"u8) ? 0
            : key.SequenceEqual("output_tokens"u8) ? 1
            : key.SequenceEqual("cache_read_input_tokens"u8) ? 2
            : key.SequenceEqual("cache_creation_input_tokens"u8) ? 3
            : -1,
        UpstreamProtocol.OpenAIResponses =>
            key.SequenceEqual("input_tokens"u8) ? 0
            : key.SequenceEqual("output_tokens"u8) ? 1
            : key.SequenceEqual("input_tokens_details"u8) ? Details
            : key.SequenceEqual("output_tokens_details"u8) ? Details + 1
            : -1,
        UpstreamProtocol.Gemini =>
            key.SequenceEqual("promptTokenCount"u8) ? 0
            : key.SequenceEqual("toolUsePromptTokenCount"u8) ? 1
            : key.SequenceEqual("candidatesTokenCount"u8) ? 2
            : key.SequenceEqual("thoughtsTokenCount"u8) ? 3
            : key.SequenceEqual("cachedContentTokenCount"u8) ? 4
            : -1,
        UpstreamProtocol.BedrockConverse =>
            key.SequenceEqual("inputTokens"u8) ? 0
            : key.SequenceEqual("outputTokens"u8) ? 1
            : key.SequenceEqual("cacheReadInputTokens"u8) ? 2
            : key.SequenceEqual("cacheWriteInputTokens"u8) ? 3
            : -1,
        _ => ChatAction(key),
    };

    // Chat keys by length first: the benchmark's answer has six members and nine nested ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ChatAction(ReadOnlySpan<byte> key) => key.Length switch
    {
        12 => key.SequenceEqual("total_tokens"u8) ? 2 : -1,
        13 => key.SequenceEqual("prompt_tokens"u8) ? 0 : -1,
        17 => key.SequenceEqual("completion_tokens"u8) ? 1 : -1,
        21 => key.SequenceEqual("prompt_tokens_details"u8) ? Details : -1,
        23 => key.SequenceEqual("prompt_cache_hit_tokens"u8) ? 4 : -1,
        25 => key.SequenceEqual("completion_tokens_details"u8) ? Details + 1 : -1,
        _ => -1,
    };

    private readonly int DetailAction(int details, ReadOnlySpan<byte> key) => (_protocol, details) switch
    {
        (UpstreamProtocol.OpenAIResponses, 0) =>
            key.SequenceEqual("cached_tokens"u8) ? 2 : key.SequenceEqual("cache_write_tokens"u8) ? 3 : -1,
        (UpstreamProtocol.OpenAIResponses, _) => key.SequenceEqual("reasoning_tokens"u8) ? 4 : -1,
        (_, 0) => key.SequenceEqual("cached_tokens"u8) ? 3 : -1,
        _ => key.SequenceEqual("reasoning_tokens"u8) ? 5 : -1,
    };

    // The index just past the object at `i`, or -1 when it is not in the plain form. `details` is the id of the details
    // object being read (-1: the usage object itself at depth 0, or an object nobody wants below it).
    private int ScanObject(ReadOnlySpan<byte> json, int i, int details, int depth)
    {
        if (depth > MaxDepth)
        {
            return -1;
        }

        i = JsonGrammar.SkipWhitespace(json, i + 1);
        if (i < json.Length && json[i] == (byte)'}')
        {
            return i + 1;
        }

        while (true)
        {
            if (i >= json.Length || json[i] != (byte)'"')
            {
                return -1;
            }

            var keyEnd = KeyEnd(json, i + 1);
            if (keyEnd < 0)
            {
                return -1;
            }

            var key = json[(i + 1)..keyEnd];
            i = keyEnd + 1;
            if ((uint)i >= (uint)json.Length || json[i] != (byte)':')
            {
                i = JsonGrammar.SkipWhitespace(json, i); // compact JSON has the colon right after the key
                if (i >= json.Length || json[i] != (byte)':')
                {
                    return -1;
                }
            }

            i = JsonGrammar.SkipWhitespace(json, i + 1);
            if (i >= json.Length)
            {
                return -1;
            }

            var action = depth == 0 ? (_chat ? ChatAction(key) : TopAction(key)) : details >= 0 ? DetailAction(details, key) : -1;
            if (action < 0)
            {
                i = JsonGrammar.IsDigit(json[i]) ? NumberEnd(json, i) : SkipValue(json, i, depth + 1);
            }
            else if (action < Details)
            {
                var bit = 1 << action;
                if ((_seen & bit) != 0)
                {
                    return -1; // a repeated member: the reader's last-wins rules differ per protocol
                }

                _seen |= bit;
                i = ReadInt(json, i, out _slots[action]);
            }
            else
            {
                var bit = 1 << (action - Details);
                if ((_detailsSeen & bit) != 0)
                {
                    return -1;
                }

                _detailsSeen |= bit;
                i = json[i] == (byte)'{' ? ScanObject(json, i, action - Details, depth + 1) : NullEnd(json, i);
            }

            // Compact JSON: a comma or the closing brace right after the value.
            if ((uint)i < (uint)json.Length)
            {
                if (json[i] == (byte)',')
                {
                    i = JsonGrammar.SkipWhitespace(json, i + 1);
                    continue;
                }

                if (json[i] == (byte)'}')
                {
                    return i + 1;
                }
            }

            i = AfterItem(json, i, (byte)'}', out var more);
            if (!more)
            {
                return i;
            }
        }
    }

    // PlainStringEnd for a member name: most are shorter than sixteen bytes, settled by one compare without a call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KeyEnd(ReadOnlySpan<byte> json, int from)
    {
        if (Vector128.IsHardwareAccelerated && from <= json.Length - Vector128<byte>.Count)
        {
            var stops = PlainStops(Vector128.Create(json.Slice(from, Vector128<byte>.Count)));
            if (stops == 0)
            {
                return PlainStringEnd(json, from + Vector128<byte>.Count);
            }

            var p = from + BitOperations.TrailingZeroCount(stops);
            return json[p] == (byte)'"' ? p : -1;
        }

        return PlainStringEnd(json, from);
    }

    private int ScanArray(ReadOnlySpan<byte> json, int i, int depth)
    {
        if (depth > MaxDepth)
        {
            return -1;
        }

        i = JsonGrammar.SkipWhitespace(json, i + 1);
        if (i < json.Length && json[i] == (byte)']')
        {
            return i + 1;
        }

        while (true)
        {
            i = AfterItem(json, SkipValue(json, i, depth + 1), (byte)']', out var more);
            if (!more)
            {
                return i;
            }
        }
    }

    // After an object's member or an array's item ending at `i` (-1: it failed): the start of the next one (`more`),
    // else the index just past the closing `close`, or -1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AfterItem(ReadOnlySpan<byte> json, int i, byte close, out bool more)
    {
        more = false;
        if (i < 0)
        {
            return -1;
        }

        i = JsonGrammar.SkipWhitespace(json, i);
        if (i >= json.Length)
        {
            return -1;
        }

        if (json[i] == (byte)',')
        {
            more = true;
            return JsonGrammar.SkipWhitespace(json, i + 1);
        }

        return json[i] == close ? i + 1 : -1;
    }

    // A value nobody wants, in the plain form: the index past it, or -1. What follows it is checked by the caller.
    private int SkipValue(ReadOnlySpan<byte> json, int i, int depth)
    {
        if (i >= json.Length)
        {
            return -1;
        }

        switch (json[i])
        {
            case (byte)'"':
                var end = PlainStringEnd(json, i + 1);
                return end < 0 ? -1 : end + 1;
            case (byte)'{':
                return ScanObject(json, i, -1, depth);
            case (byte)'[':
                return ScanArray(json, i, depth);
            case (byte)'t':
                return json[i..].StartsWith("true"u8) ? i + 4 : -1;
            case (byte)'f':
                return json[i..].StartsWith("false"u8) ? i + 5 : -1;
            case (byte)'n':
                return NullEnd(json, i);
            default:
                return NumberEnd(json, i);
        }
    }

    private static int NullEnd(ReadOnlySpan<byte> json, int i) => json[i..].StartsWith("null"u8) ? i + 4 : -1;

    // A wanted member's value: an unsigned integer of 1-9 digits without a leading zero (exactly what TryGetInt32
    // reads), or null. Anything else (a sign, a fraction, an exponent, a longer number, a string) declines.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadInt(ReadOnlySpan<byte> json, int i, out int? value)
    {
        value = null;
        var digit = (uint)(json[i] - '0');
        if (digit > 9)
        {
            return json[i] == (byte)'n' ? NullEnd(json, i) : -1;
        }

        var result = (int)digit;
        var p = i + 1;
        if (digit != 0)
        {
            while ((uint)p < (uint)json.Length && (digit = (uint)(json[p] - '0')) <= 9)
            {
                if (p - i == 9)
                {
                    return -1; // a tenth digit
                }

                result = (result * 10) + (int)digit;
                p++;
            }
        }

        // What follows may not continue the number: a digit (after a leading zero), a fraction or an exponent.
        if ((uint)p < (uint)json.Length && (JsonGrammar.IsDigit(json[p]) || json[p] == (byte)'.' || (json[p] | 0x20) == (byte)'e'))
        {
            return -1;
        }

        value = result;
        return p;
    }

    // JsonGrammar.NumberEnd, with the common case of an unsigned integer without fraction or exponent taken here.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NumberEnd(ReadOnlySpan<byte> json, int i)
    {
        var p = i;
        if (json[i] == (byte)'0')
        {
            p++;
        }
        else
        {
            while ((uint)p < (uint)json.Length && JsonGrammar.IsDigit(json[p]))
            {
                p++;
            }
        }

        if (p > i && ((uint)p >= (uint)json.Length || (json[p] != (byte)'.' && (json[p] | 0x20) != (byte)'e')))
        {
            return p;
        }

        return JsonGrammar.NumberEnd(json, i);
    }

    // The closing quote of a string of printable ASCII without escapes whose contents start at `from`, or -1 (also
    // for an escape, a control character or a non-ASCII byte: the reader's rules for those are left to the reader).
    // Sixteen bytes at a time while sixteen remain (never a read past the span), then byte by byte.
    internal static int PlainStringEnd(ReadOnlySpan<byte> json, int from)
    {
        var p = from;
        if (Vector128.IsHardwareAccelerated)
        {
            while (p <= json.Length - Vector128<byte>.Count)
            {
                var stops = PlainStops(Vector128.Create(json.Slice(p, Vector128<byte>.Count)));
                if (stops != 0)
                {
                    p += BitOperations.TrailingZeroCount(stops);
                    return json[p] == (byte)'"' ? p : -1;
                }

                p += Vector128<byte>.Count;
            }
        }

        var stop = PlainStringStop;
        for (; (uint)p < (uint)json.Length; p++)
        {
            var b = json[p];
            if (stop[b] != 0)
            {
                return b == (byte)'"' ? p : -1;
            }
        }

        return -1;
    }

    // A bit per byte of `v` that ends a plain string (what PlainStringStop marks): below 0x20 or non-ASCII (both below
    // 0x20 as signed bytes), DEL, the quote, the backslash.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint PlainStops(Vector128<byte> v)
        => (Vector128.LessThan(v.AsSByte(), Vector128.Create((sbyte)0x20)).AsByte()
            | Vector128.Equals(v, Vector128.Create((byte)0x7F))
            | Vector128.Equals(v, Vector128.Create((byte)'"'))
            | Vector128.Equals(v, Vector128.Create((byte)'\\'))).ExtractMostSignificantBits();

    // 1 for the bytes that end a plain string: the quote, the backslash, control characters, DEL and non-ASCII.
    private static ReadOnlySpan<byte> PlainStringStop =>
    [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ];

    [InlineArray(6)]
    private struct Slots
    {
        private int? _element;
    }
}
