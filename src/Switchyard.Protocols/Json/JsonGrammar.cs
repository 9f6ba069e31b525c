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
}
