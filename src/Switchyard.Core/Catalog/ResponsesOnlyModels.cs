using System.Collections.Frozen;
using System.Text.Json;

namespace Switchyard.Core.Catalog;

/// <summary>
/// OpenAI models served only by the Responses API, from the <c>responses_only</c> object of the embedded
/// <c>known-models.json</c>. A chat or Anthropic client asking for one is translated to <c>/v1/responses</c>.
/// </summary>
public static class ResponsesOnlyModels
{
    private static readonly FrozenSet<string> Known = Load();

    /// <summary>
    /// True when <paramref name="modelId"/> is listed, bare or as a dated snapshot (<c>o3-pro-2025-06-10</c>).
    /// </summary>
    public static bool Contains(string modelId)
    {
        if (Known.Contains(modelId))
        {
            return true;
        }

        // Snapshot ids: the listed id followed by -YYYY-MM-DD.
        return modelId.Length > 11 && modelId[^11] == '-' && modelId[^6] == '-' && modelId[^3] == '-'
            && char.IsAsciiDigit(modelId[^10]) && Known.Contains(modelId[..^11]);
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(ResponsesOnlyModels).Assembly.GetManifestResourceStream("Switchyard.Core.Catalog.known-models.json")
            ?? throw new InvalidOperationException("known-models.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("responses_only", out var byProvider))
        {
            foreach (var provider in byProvider.EnumerateObject())
            {
                foreach (var id in provider.Value.EnumerateArray())
                {
                    result.Add(id.GetString() ?? throw new InvalidDataException("known-models.json: null model under responses_only"));
                }
            }
        }

        return result.ToFrozenSet(StringComparer.Ordinal);
    }
}
