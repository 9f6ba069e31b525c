using System.Collections.Frozen;
using Switchyard.Core.Providers.AmazonBedrock;
using Switchyard.Core.Providers.Anthropic;
using Switchyard.Core.Providers.AzureOpenAI;
using Switchyard.Core.Providers.Gemini;
using Switchyard.Core.Providers.Mock;
using Switchyard.Core.Providers.OpenAICompatible;
using Switchyard.Core.Providers.Vertex;

namespace Switchyard.Core.Providers;

/// <summary>Every vendor this build knows, by <c>model</c> prefix.</summary>
public static class ProviderCatalog
{
    private static readonly ProviderDefinition[] All =
    [
        new OpenAICompatibleProvider("openai", "https://api.openai.com", "/v1", "OPENAI_API_KEY", speaksResponses: true),
        new OpenAICompatibleProvider("deepseek", "https://api.deepseek.com", "/v1", "DEEPSEEK_API_KEY"),
        new OpenAICompatibleProvider("mistral", "https://api.mistral.ai", "/v1", "MISTRAL_API_KEY"),
        new OpenAICompatibleProvider("groq", "https://api.groq.com", "/openai/v1", "GROQ_API_KEY"),
        new GeminiProvider(),
        new OpenAICompatibleProvider("together_ai", "https://api.together.xyz", "/v1", "TOGETHER_API_KEY"),
        new OpenAICompatibleProvider("xai", "https://api.x.ai", "/v1", "XAI_API_KEY"),
        new OpenAICompatibleProvider("moonshotai", "https://api.moonshot.ai", "/v1", "MOONSHOT_API_KEY"),
        new OpenAICompatibleProvider("zhipu", "https://open.bigmodel.cn", "/api/paas/v4", "ZHIPU_API_KEY"),
        new OpenAICompatibleProvider("openrouter", "https://openrouter.ai", "/api/v1", "OPENROUTER_API_KEY"),
        // Self-hosted or per-tenant hosts: base_url is required.
        new OpenAICompatibleProvider("qwen", null, "/compatible-mode/v1", null),
        new OpenAICompatibleProvider("ollama", null, "/v1", null, requiresCredential: false),
        new AzureOpenAIProvider(),
        new AnthropicProvider(),
        new AmazonBedrockProvider(),
        new VertexProvider(),
        new MockProvider(),
    ];

    private static readonly FrozenDictionary<string, ProviderDefinition> ByPrefix =
        All.ToFrozenDictionary(p => p.Prefix, StringComparer.Ordinal);

    /// <summary>All known vendors in a stable order.</summary>
    public static IReadOnlyList<ProviderDefinition> Known => All;

    /// <summary>Finds a known vendor by prefix (case-sensitive, as in the config).</summary>
    public static bool TryGet(string prefix, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProviderDefinition? provider)
        => ByPrefix.TryGetValue(prefix, out provider);

    /// <summary>
    /// The definition for a config entry: a known vendor, or a generic OpenAI-compatible one for an unknown prefix
    /// declared with <c>provider_interface: openai</c>.
    /// </summary>
    public static ProviderDefinition? For(string prefix, string? providerInterface)
    {
        if (ByPrefix.TryGetValue(prefix, out var known))
        {
            return known;
        }

        // Self-hosted OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) often run without keys.
        return providerInterface == "openai" ? new OpenAICompatibleProvider(prefix, null, "/v1", null, requiresCredential: false) : null;
    }

    /// <summary>Wire interfaces accepted in <c>provider_interface</c> for unknown prefixes.</summary>
    public static IReadOnlyList<string> SupportedInterfaces { get; } = ["openai"];
}
