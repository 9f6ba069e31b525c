using Switchyard.Core.Catalog;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Limits;
using Switchyard.Core.State.RateLimits;

namespace Switchyard.Core.Limits;

/// <summary>
/// A request's token estimate for one candidate (<see cref="TokenEstimator"/>: the real tokenizer for OpenAI-family
/// models, bytes per token otherwise), shared by rate-limit admission (tpm, Plano <c>ratelimits</c>) and the
/// context-window pre-flight check. Computed at most once per request and counting method, kept on the request's
/// features, so a request tried on several candidates is not counted again.
/// </summary>
public static class PromptEstimate
{
    public static TokenEstimate For(GatewayRequest request, ResolvedModel candidate)
    {
        var counting = TokenEstimator.CountingFor(candidate.ModelId);
        var features = request.HttpContext.Features;
        var cache = features.Get<EstimateCache>();
        if (cache is null)
        {
            cache = new EstimateCache();
            features.Set(cache);
        }

        return cache.ByCounting[(int)counting] ??= TokenEstimator.Estimate(request.RawBody.Span, counting);
    }

    private sealed class EstimateCache
    {
        public readonly TokenEstimate?[] ByCounting = new TokenEstimate?[Enum.GetValues<TokenCounting>().Length];
    }
}
