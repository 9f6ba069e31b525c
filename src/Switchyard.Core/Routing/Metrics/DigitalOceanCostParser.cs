using System.Text.Json;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// Reads the DigitalOcean GenAI model catalog (<c>GET https://api.digitalocean.com/v2/gen-ai/models/catalog</c>).
/// The minimal shape read:
/// <code>
/// {"data": [{"model_id": "openai-gpt-4o",
///            "pricing": {"input_price_per_million": 0.0000025, "output_price_per_million": 0.00001}}]}
/// </code>
/// QUIRK: despite their names, the <c>*_per_million</c> fields hold USD per TOKEN; the parser multiplies by one
/// million so <see cref="ModelCost"/> is per million like every other source. <c>id</c> is accepted when
/// <c>model_id</c> is absent; numbers may be JSON numbers or numeric strings. Entries without both prices, or
/// with both at zero (DigitalOcean lists unpriced promo/open-weight models that way), are skipped so they rank as
/// "no data" instead of "free". Other fields are ignored.
/// </summary>
public static class DigitalOceanCostParser
{
    /// <summary>The catalog's public address, used when the source gives no <c>url</c>.</summary>
    public const string DefaultUrl = "https://api.digitalocean.com/v2/gen-ai/models/catalog";

    private const double TokensPerMillion = 1_000_000;

    /// <summary>Parses <paramref name="json"/> and adds <paramref name="aliases"/> (catalog key → configured name).</summary>
    public static MetricsResult<CostCatalog> Parse(ReadOnlyMemory<byte> json, IReadOnlyDictionary<string, string>? aliases = null)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
            {
                return MetricsResult<CostCatalog>.Fail("digitalocean catalog: expected an object with a 'data' array");
            }

            var prices = new Dictionary<string, ModelCost>(StringComparer.Ordinal);
            foreach (var item in data.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || ReadId(item) is not { Length: > 0 } id)
                {
                    continue;
                }

                var pricing = item.TryGetProperty("pricing", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : item;
                if (!JsonNumbers.TryReadProperty(pricing, "input_price_per_million", out var inputPerToken)
                    || !JsonNumbers.TryReadProperty(pricing, "output_price_per_million", out var outputPerToken)
                    || inputPerToken < 0 || outputPerToken < 0
                    || (inputPerToken == 0 && outputPerToken == 0))
                {
                    continue;
                }

                prices.TryAdd(id, new ModelCost(inputPerToken * TokensPerMillion, outputPerToken * TokensPerMillion));
            }

            return MetricsResult<CostCatalog>.Ok(new CostCatalog("digitalocean", prices).WithAliases(aliases));
        }
        catch (JsonException ex)
        {
            return MetricsResult<CostCatalog>.Fail($"digitalocean catalog: invalid JSON ({ex.Message})");
        }
    }

    private static string? ReadId(JsonElement item)
    {
        if (item.TryGetProperty("model_id", out var modelId) && modelId.ValueKind == JsonValueKind.String)
        {
            return modelId.GetString();
        }

        return item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }
}
