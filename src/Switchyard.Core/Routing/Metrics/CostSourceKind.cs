namespace Switchyard.Core.Routing.Metrics;

/// <summary>The catalog a <c>{type: cost}</c> metrics source reads (<c>provider:</c> in config).</summary>
public enum CostSourceKind
{
    /// <summary>DigitalOcean GenAI catalog (<c>digitalocean</c>): per-token values under <c>*_per_million</c> names.</summary>
    DigitalOcean,

    /// <summary>models.dev <c>api.json</c> (<c>models.dev</c>): USD per million under <c>provider/model</c>.</summary>
    ModelsDev,
}

/// <summary>Dispatches to the parser for a <see cref="CostSourceKind"/> and knows its config names and default URLs.</summary>
public static class CostCatalogReader
{
    /// <summary>Parses <c>digitalocean</c> or <c>models.dev</c>; false for anything else.</summary>
    public static bool TryParseKind(string? name, out CostSourceKind kind)
    {
        switch (name)
        {
            case "digitalocean":
                kind = CostSourceKind.DigitalOcean;
                return true;
            case "models.dev":
                kind = CostSourceKind.ModelsDev;
                return true;
            default:
                kind = CostSourceKind.ModelsDev;
                return false;
        }
    }

    /// <summary>The public catalog address used when the source gives no <c>url</c>.</summary>
    public static Uri DefaultUrl(CostSourceKind kind) => new(kind == CostSourceKind.DigitalOcean
        ? DigitalOceanCostParser.DefaultUrl
        : ModelsDevCostParser.DefaultUrl);

    /// <summary>Parses a catalog body of <paramref name="kind"/> and applies <paramref name="aliases"/>.</summary>
    public static MetricsResult<CostCatalog> Parse(CostSourceKind kind, ReadOnlyMemory<byte> json, IReadOnlyDictionary<string, string>? aliases = null) =>
        kind == CostSourceKind.DigitalOcean
            ? DigitalOceanCostParser.Parse(json, aliases)
            : ModelsDevCostParser.Parse(json, aliases);
}
