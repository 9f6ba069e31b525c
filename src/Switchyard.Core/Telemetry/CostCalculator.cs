using Switchyard.Core.Catalog;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// Per-request cost = usage × price (docs/observability.md, "Cost"). The price of the model that served comes from,
/// in order: the entry's own <c>pricing:</c>; a <c>model_metrics_sources</c> cost catalog that lists it (input and
/// output; cached input and cache write then from the bundled file when it lists the model); the bundled
/// <c>pricing.json</c>. No price, or usage the price does not cover, is an unknown cost — never 0.
/// </summary>
public static class CostCalculator
{
    private const decimal PerMillion = 0.000001m;

    /// <summary>The price of <paramref name="model"/>, or null when nothing prices it.</summary>
    /// <param name="model">The model that served (its entry, provider and upstream model id).</param>
    /// <param name="live">The configured metrics sources (cost catalogs), or null.</param>
    public static ModelPrice? PriceFor(ResolvedModel model, MetricsSources? live = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Entry.Pricing is { } configured)
        {
            return configured;
        }

        var bundled = Bundled(model);
        if (live is { HasCost: true } && live.TryGetPrice(model, out var cost, out var source))
        {
            return new ModelPrice((decimal)cost.InputPerMillion, (decimal)cost.OutputPerMillion, bundled?.CachedInput, bundled?.CacheWrite, source);
        }

        return bundled;
    }

    // The bundled prices of recently priced models, by their provider prefix and model id (usually the very strings
    // of a snapshot's model, so a hit is two reference compares instead of building the key and hashing it; a
    // wildcard's per-request id compares by value). Direct-mapped on a cheap hash of the id; a slot is immutable and
    // replaced whole, so readers on any thread see a consistent one. Holds strings only: keeps no snapshot alive.
    private sealed class BundledSlot(string prefix, string modelId, ModelPrice? price)
    {
        public readonly string Prefix = prefix;
        public readonly string ModelId = modelId;
        public readonly ModelPrice? Price = price;
    }

    private static readonly BundledSlot?[] BundledSlots = new BundledSlot?[64];

    /// <summary><see cref="PricingTable.For"/> of the model's provider and model id, remembered per model.</summary>
    internal static ModelPrice? Bundled(ResolvedModel model)
    {
        var prefix = model.Provider.Prefix;
        var modelId = model.ModelId;
        var hash = modelId.Length == 0 ? 0 : (modelId.Length * 7) + (modelId[^1] * 13) + modelId[modelId.Length / 2];
        ref var slot = ref BundledSlots[hash & (BundledSlots.Length - 1)];
        var s = Volatile.Read(ref slot);
        if (s is not null && string.Equals(s.ModelId, modelId) && string.Equals(s.Prefix, prefix))
        {
            return s.Price;
        }

        var price = PricingTable.For(prefix, modelId);
        Volatile.Write(ref slot, new BundledSlot(prefix, modelId, price));
        return price;
    }

    /// <summary>
    /// The cost of <paramref name="usage"/> at <paramref name="price"/>: uncached input (input minus cached and
    /// cache-written) at the input price, cached input at the cached price, cache writes at the cache-write price,
    /// output (reasoning included) at the output price. Unknown when either is missing, when input or output
    /// tokens were not reported, or when cached/cache-write tokens were used and the price has no figure for them.
    /// </summary>
    public static RequestCost Compute(IrUsage? usage, ModelPrice? price)
    {
        if (usage is null || price is null || usage.InputTokens is not { } input || usage.OutputTokens is not { } output)
        {
            return RequestCost.Unknown;
        }

        var cached = usage.CachedInputTokens ?? 0;
        var written = usage.CacheWriteInputTokens ?? 0;
        if ((cached > 0 && price.CachedInput is null) || (written > 0 && price.CacheWrite is null))
        {
            return RequestCost.Unknown;
        }

        var uncached = Math.Max(0, input - cached - written);
        var perMillion = (uncached * price.Input) + (output * price.Output);
        if (cached > 0)
        {
            perMillion += cached * price.CachedInput!.Value;
        }

        if (written > 0)
        {
            perMillion += written * price.CacheWrite!.Value;
        }

        var usd = perMillion * PerMillion; // exact, like a division by a million, and cheaper
        return new RequestCost(usd, price.Source);
    }

    /// <summary>The cost of a request served by <paramref name="model"/> with <paramref name="usage"/>.</summary>
    public static RequestCost For(ResolvedModel? model, IrUsage? usage, MetricsSources? live = null)
        => model is null || usage is null ? RequestCost.Unknown : Compute(usage, PriceFor(model, live));
}
