using Switchyard.Core.Catalog;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation.Passthrough;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>Per-request cost = usage × price (docs/observability.md, "Cost"), against hand-computed values.</summary>
public sealed class CostTests
{
    private static ModelCatalog Catalog(string yaml) => ModelCatalog.Build(LoadValid(yaml));

    private static ResolvedModel Resolve(string yaml, string name) => Catalog(yaml).Resolve(name).Model!;

    private const string Models = """
        model_providers:
          - model: openai/gpt-5-nano
            access_key: k
          - model: openai/gpt-5
            access_key: k
          - model: anthropic/claude-sonnet-4-5
            access_key: k
          - model: openai/gpt-4o-mini
            name: priced
            access_key: k
            pricing:
              input: 1
              output: 2
              cached_input: 0.5
          - model: mistral/*
            access_key: k
        """;

    [Fact]
    public void RecordedOpenAIUsage_CostsWhatTheBundledPriceSays()
    {
        // openai/envoy__chat-basic.0.json: prompt_tokens 8 (cached 0), completion_tokens 377 (reasoning 320 inside).
        var body = File.ReadAllBytes(Path.Combine(SharedDirectory(), "fixtures", "raw", "openai", "envoy__chat-basic.0.json"));
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat, captureModel: false);
        tap.OnCompleteBody(body);
        var usage = tap.Usage!;
        Assert.Equal((8, 377, 0, 320), (usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens ?? 0, usage.ReasoningTokens));

        // gpt-5-nano in pricing.json: input 0.05, output 0.40 USD per million.
        // 8 × 0.05 + 377 × 0.40 = 0.4 + 150.8 = 151.2 USD per million tokens → 0.0001512 USD.
        var cost = CostCalculator.For(Resolve(Models, "openai/gpt-5-nano"), usage);

        Assert.Equal(0.0001512m, cost.Usd);
        Assert.Equal("bundled", cost.Source);
        Assert.Equal("0.0001512", cost.ToString());
    }

    [Fact]
    public void CachedAndCacheWriteTokens_EachAtTheirOwnPrice()
    {
        // claude-sonnet-4-5: input 3, cached 0.30, cache write 3.75, output 15 USD/M. Input 1000 = 500 uncached +
        // 200 read from cache + 300 written: 500×3 + 200×0.30 + 300×3.75 + 50×15 = 1500 + 60 + 1125 + 750 = 3435 → 0.003435.
        var usage = new IrUsage { InputTokens = 1000, CachedInputTokens = 200, CacheWriteInputTokens = 300, OutputTokens = 50 };

        Assert.Equal(0.003435m, CostCalculator.For(Resolve(Models, "anthropic/claude-sonnet-4-5"), usage).Usd);
    }

    [Fact]
    public void EntryPricing_OverridesTheBundledFile()
    {
        // priced: input 1, cached 0.5, output 2 USD/M. 100 input (40 cached) + 10 output: 60×1 + 40×0.5 + 10×2 = 100 → 0.0001.
        var cost = CostCalculator.For(Resolve(Models, "priced"), new IrUsage { InputTokens = 100, CachedInputTokens = 40, OutputTokens = 10 });

        Assert.Equal((0.0001m, "config"), (cost.Usd, cost.Source));
    }

    [Fact]
    public void UnknownModel_IsUnknownNeverZero()
    {
        var cost = CostCalculator.For(Resolve(Models, "mistral/some-model"), new IrUsage { InputTokens = 10, OutputTokens = 10 });

        Assert.Null(cost.Usd);
        Assert.Equal("unknown", cost.ToString());
    }

    [Fact]
    public void CachedTokens_WithoutACachedPrice_AreUnknown()
    {
        // gpt-5 has no verified cached-input price in the bundled file: charging them at either rate would be a guess.
        var model = Resolve(Models, "openai/gpt-5");
        Assert.Equal(0.0000225m, CostCalculator.For(model, new IrUsage { InputTokens = 10, OutputTokens = 1, CachedInputTokens = 0 }).Usd);
        Assert.Null(CostCalculator.For(model, new IrUsage { InputTokens = 10, OutputTokens = 1, CachedInputTokens = 5 }).Usd);
    }

    [Fact]
    public void MissingUsage_IsUnknown()
    {
        var model = Resolve(Models, "openai/gpt-5-nano");
        Assert.Null(CostCalculator.For(model, null).Usd);
        Assert.Null(CostCalculator.For(model, new IrUsage { InputTokens = 10 }).Usd);
        Assert.Null(CostCalculator.For(null, new IrUsage { InputTokens = 10, OutputTokens = 1 }).Usd);
    }

    [Fact]
    public void ZeroUsage_WithAPrice_IsAKnownZero()
        => Assert.Equal(0m, CostCalculator.For(Resolve(Models, "openai/gpt-5-nano"), new IrUsage { InputTokens = 0, OutputTokens = 0 }).Usd);

    [Fact]
    public void BundledFile_IsDated_EveryProviderHasASource_EveryKnownModelKeyIsListed()
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", PricingTable.AsOf);
        Assert.NotEmpty(PricingTable.All);
        foreach (var (key, price) in PricingTable.All)
        {
            var provider = key[..key.IndexOf('/', StringComparison.Ordinal)];
            Assert.StartsWith("https://", PricingTable.Sources[provider], StringComparison.Ordinal);
            Assert.Contains(key[(provider.Length + 1)..], KnownModels.For(provider));
            Assert.True(price.Input > 0 && price.Output > 0, key);
        }
    }

    [Fact]
    public void Format_IsPlainDecimal()
    {
        Assert.Equal("0.0000000001", RequestCost.Format(0.0000000001m));
        Assert.Equal("12.5", RequestCost.Format(12.50m));
        Assert.Equal("0", RequestCost.Format(0m));
    }
}
