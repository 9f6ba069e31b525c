using System.Globalization;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// A model's price in USD per MILLION tokens (as providers publish it). <see cref="CachedInput"/> and
/// <see cref="CacheWrite"/> are null when not known: a request that used them then has an unknown cost.
/// </summary>
/// <param name="Input">Uncached input tokens.</param>
/// <param name="Output">Output tokens (reasoning tokens included: they are billed as output).</param>
/// <param name="CachedInput">Input tokens read from the prompt cache; null when not known.</param>
/// <param name="CacheWrite">Input tokens written to the prompt cache; null when not known.</param>
/// <param name="Source">Where the price came from: <c>config</c>, <c>bundled</c>, or a cost source's name.</param>
public sealed record ModelPrice(decimal Input, decimal Output, decimal? CachedInput, decimal? CacheWrite, string Source)
{
    /// <summary>Configured prices (an entry's <c>pricing:</c>).</summary>
    public const string FromConfig = "config";

    /// <summary>The bundled pricing file.</summary>
    public const string FromBundle = "bundled";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{{input {Input}, output {Output}, cached_input {CachedInput?.ToString(CultureInfo.InvariantCulture) ?? "-"}, cache_write {CacheWrite?.ToString(CultureInfo.InvariantCulture) ?? "-"} USD/M ({Source})}}");
}

/// <summary>
/// The cost of one request in USD: <see cref="Usd"/> is null when it is unknown (no price for the model, or usage
/// the price does not cover, or no usage reported) — never 0 for "don't know".
/// </summary>
public readonly record struct RequestCost(decimal? Usd, string? Source)
{
    /// <summary>Unknown cost.</summary>
    public static RequestCost Unknown => default;

    public bool IsKnown => Usd.HasValue;

    /// <summary>The header and log form: a plain decimal (up to 10 places, no exponent) or <c>unknown</c>.</summary>
    public override string ToString() => Usd is { } usd ? Format(usd) : "unknown";

    /// <summary>USD with at most 10 decimal places, invariant, no exponent.</summary>
    public static string Format(decimal usd)
    {
        Span<byte> utf8 = stackalloc byte[64];
        var n = FormatUtf8(usd, utf8);
        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < n; i++)
        {
            chars[i] = (char)utf8[i]; // ASCII: digits and the point
        }

        return new string(chars[..n]);
    }

    // 10^0 … 10^10: the places a rounded cost can have.
    private static ReadOnlySpan<ulong> Pow10 => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

    /// <summary>
    /// <see cref="Format"/> as UTF-8 into <paramref name="into"/> (at least 64 bytes); returns the length. For the
    /// non-negative amounts a cost is, the same text as the custom format <c>0.##########</c> after rounding to 10
    /// places. A value whose rounded digits fit in 64 bits (every real cost) is written from its digits and scale
    /// directly: the decimal's "G" form is its digits with the point <c>scale</c> places from the right, so trimming
    /// the fraction's trailing zeros is dividing the digits by ten while the scale drops. Anything else (negative,
    /// over 64 bits) takes <see cref="FormatUtf8General"/>, the general formatter.
    /// </summary>
    public static int FormatUtf8(decimal usd, Span<byte> into)
    {
        if (usd.Scale > 10)
        {
            usd = decimal.Round(usd, 10); // what FormatUtf8General does; a no-op at 10 places or fewer
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(usd, bits);
        if (bits[2] != 0 || bits[3] < 0)
        {
            return FormatUtf8General(usd, into);
        }

        var digits = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        var scale = usd.Scale;
        while (scale > 0 && digits % 10 == 0)
        {
            digits /= 10;
            scale--;
        }

        var whole = digits / Pow10[scale];
        System.Buffers.Text.Utf8Formatter.TryFormat(whole, into, out var n);
        if (scale > 0)
        {
            into[n] = (byte)'.';
            var fraction = digits - (whole * Pow10[scale]);
            for (var i = n + scale; i > n; i--)
            {
                into[i] = (byte)('0' + (int)(fraction % 10));
                fraction /= 10;
            }

            n += scale + 1;
        }

        return n;
    }

    /// <summary>The general path of <see cref="FormatUtf8"/> (the reference the fast path is tested against).</summary>
    internal static int FormatUtf8General(decimal usd, Span<byte> into)
    {
        System.Buffers.Text.Utf8Formatter.TryFormat(decimal.Round(usd, 10), into, out var n);
        if (into[..n].IndexOf((byte)'.') >= 0)
        {
            while (into[n - 1] == (byte)'0')
            {
                n--;
            }

            if (into[n - 1] == (byte)'.')
            {
                n--;
            }
        }

        return n;
    }

    /// <summary>
    /// <paramref name="usd"/> in whole nano-USD, truncated, capped at <c>long.MaxValue / 4</c> — for a positive
    /// amount the same as <c>(long)Math.Min(usd * 1_000_000_000m, long.MaxValue / 4)</c> (<see cref="NanoUsdGeneral"/>),
    /// by integer arithmetic on the digits when they fit in 64 bits.
    /// </summary>
    public static long NanoUsd(decimal usd)
    {
        const ulong Cap = long.MaxValue / 4;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(usd, bits);
        var scale = usd.Scale;
        if (bits[2] != 0 || bits[3] < 0 || scale > 19)
        {
            return NanoUsdGeneral(usd);
        }

        var digits = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        if (scale >= 9)
        {
            // usd × 10^9 = digits / 10^(scale-9), truncated toward zero as the decimal-to-long conversion does.
            return (long)Math.Min(digits / Pow10[scale - 9], Cap);
        }

        var times = Pow10[9 - scale];
        return digits > Cap / times ? (long)Cap : (long)(digits * times);
    }

    /// <summary>The general path of <see cref="NanoUsd"/>.</summary>
    internal static long NanoUsdGeneral(decimal usd) => (long)Math.Min(usd * 1_000_000_000m, long.MaxValue / 4);
}
