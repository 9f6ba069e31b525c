using System.Collections.Frozen;
using System.Text.Json;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The bundled list prices, from the embedded <c>Catalog/pricing.json</c> (USD per million tokens, keyed
/// <c>provider/model</c>; dated, with a source per provider). Read once, without reflection (AOT).
/// </summary>
public static class PricingTable
{
    private static readonly (FrozenDictionary<string, ModelPrice> Prices, string AsOf, FrozenDictionary<string, string> Sources) Data = Load();

    // Made once: getting a frozen dictionary's alternate lookup looks up a delegate each time.
    private static readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> Lookup = Data.Prices.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The date the bundled figures were taken (ISO 8601).</summary>
    public static string AsOf => Data.AsOf;

    /// <summary>Source page per provider prefix.</summary>
    public static IReadOnlyDictionary<string, string> Sources => Data.Sources;

    /// <summary>Every bundled price by <c>provider/model</c>.</summary>
    public static IReadOnlyDictionary<string, ModelPrice> All => Data.Prices;

    /// <summary>The bundled price of <paramref name="provider"/>/<paramref name="modelId"/>, or null.</summary>
    public static ModelPrice? For(string provider, string modelId)
    {
        var prices = Data.Prices;
        if (prices.Count == 0)
        {
            return null;
        }

        Span<char> key = stackalloc char[Math.Min(provider.Length + 1 + modelId.Length, 512)];
        if (provider.Length + 1 + modelId.Length > key.Length)
        {
            return null;
        }

        provider.AsSpan().CopyTo(key);
        key[provider.Length] = '/';
        modelId.AsSpan().CopyTo(key[(provider.Length + 1)..]);
        return Lookup.TryGetValue(key, out var price) ? price : null;
    }

    private static (FrozenDictionary<string, ModelPrice>, string, FrozenDictionary<string, string>) Load()
    {
        using var stream = typeof(PricingTable).Assembly.GetManifestResourceStream("Switchyard.Core.Catalog.pricing.json")
            ?? throw new InvalidOperationException("pricing.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        var asOf = root.GetProperty("as_of").GetString() ?? throw new InvalidDataException("pricing.json: as_of is null");
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.GetProperty("sources").EnumerateObject())
        {
            sources[p.Name] = p.Value.GetProperty("url").GetString() ?? throw new InvalidDataException($"pricing.json: no url for '{p.Name}'");
        }

        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var p in root.GetProperty("prices").EnumerateObject())
        {
            var v = p.Value;
            var provider = p.Name[..p.Name.IndexOf('/', StringComparison.Ordinal)];
            if (!sources.ContainsKey(provider))
            {
                throw new InvalidDataException($"pricing.json: '{p.Name}' has no source for provider '{provider}'");
            }

            prices[p.Name] = new ModelPrice(
                v.GetProperty("input").GetDecimal(),
                v.GetProperty("output").GetDecimal(),
                v.TryGetProperty("cached_input", out var cached) ? cached.GetDecimal() : null,
                v.TryGetProperty("cache_write", out var write) ? write.GetDecimal() : null,
                ModelPrice.FromBundle);
        }

        return (prices.ToFrozenDictionary(StringComparer.Ordinal), asOf, sources.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
