using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Tests.Routing.Metrics;

public class CostCatalogTests
{
    [Fact]
    public void DigitalOcean_PerTokenFields_ConvertedToPerMillion()
    {
        var result = DigitalOceanCostParser.Parse(MetricsTestData.Read("digitalocean-catalog.json"));

        Assert.True(result.Succeeded, result.Error);
        var catalog = result.Value!;
        Assert.Equal("digitalocean", catalog.Source);
        Assert.True(catalog.TryGet("openai-gpt-4o", out var gpt));
        Assert.Equal(2.5, gpt.InputPerMillion, 9);
        Assert.Equal(10, gpt.OutputPerMillion, 9);
        Assert.Equal(12.5, gpt.TotalPerMillion, 9);
        Assert.True(catalog.TryGet("anthropic-claude-haiku-4.5", out var haiku));
        Assert.Equal(6, haiku.TotalPerMillion, 9);
        Assert.True(catalog.TryGet("mistral-nemo", out var nemo));
        Assert.Equal(0.6, nemo.TotalPerMillion, 9);
    }

    [Fact]
    public void DigitalOcean_UnpricedEntries_Skipped()
    {
        var catalog = DigitalOceanCostParser.Parse(MetricsTestData.Read("digitalocean-catalog.json")).Value!;

        Assert.False(catalog.TryGet("llama3.3-70b-instruct", out _));
        Assert.False(catalog.TryGet("no-pricing-model", out _));
        Assert.Equal(3, catalog.Count);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"models\":[]}")]
    public void DigitalOcean_BadShape_FailsAsValue(string json)
    {
        var result = DigitalOceanCostParser.Parse(MetricsTestData.Utf8(json));

        Assert.False(result.Succeeded);
        Assert.StartsWith("digitalocean catalog:", result.Error);
    }

    [Fact]
    public void ModelsDev_KeysProviderSlashModel_PerMillionKept()
    {
        var result = ModelsDevCostParser.Parse(MetricsTestData.Read("models-dev-api.json"));

        Assert.True(result.Succeeded, result.Error);
        var catalog = result.Value!;
        Assert.True(catalog.TryGet("openai/gpt-4o", out var gpt));
        Assert.Equal(new ModelCost(2.5, 10), gpt);
        Assert.True(catalog.TryGet("anthropic/claude-haiku-4-5", out var haiku));
        Assert.Equal(6, haiku.TotalPerMillion);
        Assert.False(catalog.TryGet("gpt-4o", out _));
        Assert.False(catalog.TryGet("openai/gpt-oss-free", out _));
        Assert.False(catalog.TryGet("anthropic/claude-no-cost", out _));
        Assert.Equal(3, catalog.Count);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1,2]")]
    public void ModelsDev_BadShape_FailsAsValue(string json)
    {
        var result = ModelsDevCostParser.Parse(MetricsTestData.Utf8(json));

        Assert.False(result.Succeeded);
        Assert.StartsWith("models.dev catalog:", result.Error);
    }

    [Fact]
    public void Aliases_MapCatalogKeysToConfiguredNames()
    {
        var aliases = new Dictionary<string, string>
        {
            ["openai-gpt-4o"] = "openai/gpt-4o",
            ["anthropic-claude-haiku-4.5"] = "anthropic/claude-haiku-4-5",
            ["unknown-key"] = "openai/other",
        };

        var catalog = CostCatalogReader.Parse(CostSourceKind.DigitalOcean, MetricsTestData.Read("digitalocean-catalog.json"), aliases).Value!;

        Assert.True(catalog.TryGet("openai/gpt-4o", out var gpt));
        Assert.Equal(12.5, gpt.TotalPerMillion, 9);
        Assert.True(catalog.TryGet("openai-gpt-4o", out _));
        Assert.True(catalog.TryGet("anthropic/claude-haiku-4-5", out _));
        Assert.False(catalog.TryGet("openai/other", out _));
    }

    [Fact]
    public void Aliases_NeverOverridePublishedKey()
    {
        var catalog = new CostCatalog("t", [new("a", new ModelCost(1, 1)), new("b", new ModelCost(5, 5))])
            .WithAliases(new Dictionary<string, string> { ["a"] = "b" });

        Assert.True(catalog.TryGet("b", out var b));
        Assert.Equal(10, b.TotalPerMillion);
    }

    [Fact]
    public void Catalog_RanksCheapestDirectly()
    {
        var catalog = ModelsDevCostParser.Parse(MetricsTestData.Read("models-dev-api.json")).Value!;

        var ranking = CandidateRanker.RankCheapest(
            ["openai/gpt-4o", "local/unpriced", "anthropic/claude-haiku-4-5", "openai/gpt-4o-mini"],
            catalog.TryGetTotalPerMillion);

        Assert.Equal(["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "openai/gpt-4o", "local/unpriced"], ranking.Models);
        Assert.Equal(0.75, ranking.Candidates[0].Figure!.Value, 9);
    }

    [Theory]
    [InlineData("digitalocean", CostSourceKind.DigitalOcean, "https://api.digitalocean.com/v2/gen-ai/models/catalog")]
    [InlineData("models.dev", CostSourceKind.ModelsDev, "https://models.dev/api.json")]
    public void Kind_ParsesConfigNameAndDefaultUrl(string name, CostSourceKind expected, string url)
    {
        Assert.True(CostCatalogReader.TryParseKind(name, out var kind));
        Assert.Equal(expected, kind);
        Assert.Equal(new Uri(url), CostCatalogReader.DefaultUrl(kind));
        Assert.False(CostCatalogReader.TryParseKind("openrouter", out _));
    }
}
