using System.Collections.Frozen;
using System.Text.Json;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Catalog;

/// <summary>
/// Context windows (tokens) of known models, from the <c>context_window</c> object of the embedded
/// <c>known-models.json</c>; an entry's own <c>context_window</c> overrides.
/// </summary>
public static class ContextWindows
{
    private static readonly FrozenDictionary<string, int> Known = Load();

    /// <summary>The context window of <paramref name="providerPrefix"/>/<paramref name="modelId"/> under <paramref name="entry"/>; 0 when unknown.</summary>
    public static int Of(ModelProviderConfig entry, string providerPrefix, string modelId)
        => entry.ContextWindow ?? (Known.TryGetValue(providerPrefix + "/" + modelId, out var known) ? known : 0);

    /// <summary>The known-model value for <c>provider/model</c>; 0 when not listed.</summary>
    public static int ForModel(string model) => Known.TryGetValue(model, out var v) ? v : 0;

    private static FrozenDictionary<string, int> Load()
    {
        using var stream = typeof(ContextWindows).Assembly.GetManifestResourceStream("Switchyard.Core.Catalog.known-models.json")
            ?? throw new InvalidOperationException("known-models.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("context_window", out var windows))
        {
            foreach (var p in windows.EnumerateObject())
            {
                result[p.Name] = p.Value.GetInt32();
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
