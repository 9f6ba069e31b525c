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
        return System.Text.Encoding.ASCII.GetString(utf8[..FormatUtf8(usd, utf8)]);
    }

    /// <summary>
    /// <see cref="Format"/> as UTF-8 into <paramref name="into"/> (at least 64 bytes); returns the length. For the
    /// non-negative amounts a cost is, the same text as the custom format <c>0.##########</c> after rounding to 10
    /// places, without its slow general path: a decimal's "G" form never has an exponent, so only trailing zeros of
    /// the fraction are left to trim.
    /// </summary>
    public static int FormatUtf8(decimal usd, Span<byte> into)
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
}
