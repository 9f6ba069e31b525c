using System.Runtime.CompilerServices;

namespace Switchyard.Protocols.Json;

/// <summary>
/// Pieces of JSON's grammar (RFC 8259) for the one-pass scanners that stand in for <see cref="System.Text.Json.Utf8JsonReader"/>
/// on plain bodies (the request envelope, the usage of a whole answer). They say where a token ends; what may follow
/// it is the caller's to check.
/// </summary>
public static class JsonGrammar
{
    /// <summary>The index just past the number at <paramref name="i"/> (<c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>), or -1.</summary>
    public static int NumberEnd(ReadOnlySpan<byte> json, int i)
    {
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !IsDigit(json[i]))
        {
            return -1;
        }

        i = json[i] == (byte)'0' ? i + 1 : Digits(json, i);
        if (i < json.Length && json[i] == (byte)'.')
        {
            var after = Digits(json, i + 1);
            if (after == i + 1)
            {
                return -1;
            }

            i = after;
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var after = Digits(json, i);
            if (after == i)
            {
                return -1;
            }

            i = after;
        }

        return i;
    }

    /// <summary>
    /// The index of the first byte at or after <paramref name="i"/> that is not JSON whitespace (space, tab, CR, LF).
    /// Compact JSON has none between tokens: the first test settles most calls without a loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i < (uint)json.Length && json[i] > (byte)' ')
        {
            return i;
        }

        return SkipWhitespaceLoop(json, i);
    }

    private static int SkipWhitespaceLoop(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>The index past the run of ASCII digits starting at <paramref name="i"/>.</summary>
    public static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && IsDigit(json[i]))
        {
            i++;
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 5;

    /// <summary>A well-formed <c>\uXXXX</c> escape at <paramref name="i"/> (its backslash).</summary>
    public static bool IsHexEscape(ReadOnlySpan<byte> json, int i) =>
        i + 6 <= json.Length && json[i] == (byte)'\\' && json[i + 1] == (byte)'u'
        && IsHex(json[i + 2]) && IsHex(json[i + 3]) && IsHex(json[i + 4]) && IsHex(json[i + 5]);

    /// <summary>Four hex digits (already checked) as a UTF-16 code unit.</summary>
    public static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        for (var k = 0; k < 4; k++)
        {
            var b = hex[k];
            value = (value << 4) | (b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return value;
    }

    /// <summary>
    /// The length of the character escaped at <paramref name="i"/>, a well-formed <c>\uXXXX</c> escape: 6, or 12
    /// for a surrogate pair written as two escapes; -1 for half a pair (a low half first, or a high half not followed
    /// by a low one), which JSON text may not use to encode a character.
    /// </summary>
    public static int UnicodeEscapeLength(ReadOnlySpan<byte> json, int i)
    {
        var unit = Hex4(json.Slice(i + 2, 4));
        if (unit is < 0xD800 or > 0xDFFF)
        {
            return 6;
        }

        return unit <= 0xDBFF && IsHexEscape(json, i + 6) && Hex4(json.Slice(i + 8, 4)) is >= 0xDC00 and <= 0xDFFF ? 12 : -1;
    }
}
