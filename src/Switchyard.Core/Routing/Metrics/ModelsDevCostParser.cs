using System.Text.Json;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// Reads models.dev's <c>api.json</c> (<c>https://models.dev/api.json</c>). The minimal shape read:
/// <code>
/// {"openai": {"models": {"gpt-4o": {"cost": {"input": 2.5, "output": 10}}}}}
/// </code>
/// Costs are USD per MILLION tokens, kept as they are. Keys are <c>provider/model</c> (<c>openai/gpt-4o</c>),
/// matching Switchyard's configured model names. Models without <c>cost.input</c> and <c>cost.output</c>, or with
/// both at zero, are skipped so they rank as "no data"; other fields are ignored.
/// </summary>
public static class ModelsDevCostParser
{
    /// <summary>The catalog's public address, used when the source gives no <c>url</c>.</summary>
    public const string DefaultUrl = "https://models.dev/api.json";

    /// <summary>Parses <paramref name="json"/> and adds <paramref name="aliases"/> (catalog key → configured name).</summary>
    public static MetricsResult<CostCatalog> Parse(ReadOnlyMemory<byte> json, IReadOnlyDictionary<string, string>? aliases = null)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return MetricsResult<CostCatalog>.Fail("models.dev catalog: expected an object keyed by provider");
            }

            var prices = new Dictionary<string, ModelCost>(StringComparer.Ordinal);
            foreach (var provider in root.EnumerateObject())
            {
                if (provider.Value.ValueKind != JsonValueKind.Object
                    || !provider.Value.TryGetProperty("models", out var models)
                    || models.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var model in models.EnumerateObject())
                {
                    if (model.Value.ValueKind != JsonValueKind.Object
                        || !model.Value.TryGetProperty("cost", out var cost)
                        || !JsonNumbers.TryReadProperty(cost, "input", out var input)
                        || !JsonNumbers.TryReadProperty(cost, "output", out var output)
                        || input < 0 || output < 0
                        || (input == 0 && output == 0))
                    {
                        continue;
                    }

                    prices.TryAdd(provider.Name + "/" + model.Name, new ModelCost(input, output));
                }
            }

            return MetricsResult<CostCatalog>.Ok(new CostCatalog("models.dev", prices).WithAliases(aliases));
        }
        catch (JsonException ex)
        {
            return MetricsResult<CostCatalog>.Fail($"models.dev catalog: invalid JSON ({ex.Message})");
        }
    }
}
