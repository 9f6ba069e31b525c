using System.Collections.Frozen;
using System.Text.Json;

namespace Switchyard.Core.Catalog;

/// <summary>The registry of known chat models per provider, loaded from the embedded <c>known-models.json</c>.</summary>
public static class KnownModels
{
    private static readonly FrozenDictionary<string, string[]> Registry = Load();

    /// <summary>Known model ids for a provider prefix, in registry order; empty when none are listed.</summary>
    public static IReadOnlyList<string> For(string provider)
        => Registry.TryGetValue(provider, out var models) ? models : [];

    private static FrozenDictionary<string, string[]> Load()
    {
        using var stream = typeof(KnownModels).Assembly.GetManifestResourceStream("Switchyard.Core.Catalog.known-models.json")
            ?? throw new InvalidOperationException("known-models.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                continue; // "_comment" and similar
            }

            var models = new List<string>();
            foreach (var item in property.Value.EnumerateArray())
            {
                models.Add(item.GetString() ?? throw new InvalidDataException($"known-models.json: null model under '{property.Name}'"));
            }

            result[property.Name] = [.. models];
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
