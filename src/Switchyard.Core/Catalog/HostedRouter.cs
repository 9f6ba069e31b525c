using Switchyard.Core.Configuration;

namespace Switchyard.Core.Catalog;

/// <summary>
/// Plano's default router: its hosted Plano-Orchestrator, used (as in Plano) when <c>routing_preferences</c> exist
/// and <c>overrides.llm_routing_model</c> is not set. It is an internal provider entry: resolvable as the router
/// model, never listed (<c>/v1/models</c>, <c>switchyard models</c>) and never requestable by clients. Plano calls it
/// as an OpenAI chat completion with <c>model: "Plano-Orchestrator"</c> in the body and the headers
/// <c>model: plano-orchestrator</c> and <c>x-arch-llm-provider-hint: plano-orchestrator</c>; so does this entry,
/// through its <see cref="ModelProviderConfig.Headers"/>.
/// </summary>
public static class HostedRouter
{
    /// <summary>The entry's name (what <c>llm_routing_model</c> resolves to, and what explanations show).</summary>
    public const string Name = "plano-orchestrator";

    /// <summary>The model id sent in the request body.</summary>
    public const string ModelId = "Plano-Orchestrator";

    /// <summary>Katanemo's hosted endpoint (the one Plano uses).</summary>
    public const string DefaultBaseUrl = "https://archfc.katanemo.dev";

    /// <summary>Replaces <see cref="DefaultBaseUrl"/> (air-gapped mirrors; tests point it at a fake router).</summary>
    public const string BaseUrlVariable = "SWITCHYARD_HOSTED_ROUTER_URL";

    /// <summary>The provider entry for the hosted router at <paramref name="baseUrl"/>.</summary>
    public static ModelProviderConfig Entry(string baseUrl) => new()
    {
        Name = Name,
        Model = Name + "/" + ModelId,
        Provider = Name,
        ModelId = ModelId,
        BaseUrl = baseUrl,
        ProviderInterface = "openai",
        Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["model"] = Name,
            ["x-arch-llm-provider-hint"] = Name,
        },
    };
}
