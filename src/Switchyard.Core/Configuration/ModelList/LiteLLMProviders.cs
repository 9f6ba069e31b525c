using System.Collections.Frozen;
using Switchyard.Core.Catalog;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>A LiteLLM <c>model</c> string turned into Switchyard terms.</summary>
/// <param name="Provider">Switchyard provider prefix (a known vendor, or an OpenAI-compatible server's own prefix).</param>
/// <param name="ModelId">The model id sent upstream (<c>*</c> for a wildcard).</param>
/// <param name="ProviderInterface"><c>openai</c> for a prefix Switchyard does not know, else null.</param>
/// <param name="Note">Something the user should know about the mapping (reported as a warning), or null.</param>
internal sealed record MappedModel(string Provider, string ModelId, string? ProviderInterface, string? Note);

/// <summary>
/// Maps LiteLLM provider prefixes (<c>azure/</c>, <c>bedrock/</c>, <c>vertex_ai/</c>, ...) to Switchyard providers.
/// Switchyard's own prefixes are accepted as they are; any other prefix with an <c>api_base</c> is an
/// OpenAI-compatible server; without one it is an error.
/// </summary>
internal static class LiteLLMProviders
{
    /// <summary>LiteLLM prefix → Switchyard prefix, for the vendors both know.</summary>
    public static readonly FrozenDictionary<string, string> Prefixes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["openai"] = "openai",
        ["azure"] = "azure_openai",
        ["anthropic"] = "anthropic",
        ["bedrock"] = "amazon_bedrock",
        ["gemini"] = "gemini",
        ["vertex_ai"] = "vertex",
        ["vertex_ai_beta"] = "vertex",
        ["groq"] = "groq",
        ["together_ai"] = "together_ai",
        ["openrouter"] = "openrouter",
        ["deepseek"] = "deepseek",
        ["mistral"] = "mistral",
        ["xai"] = "xai",
        ["moonshot"] = "moonshotai",
        ["dashscope"] = "qwen",
        ["ollama"] = "ollama",
        ["ollama_chat"] = "ollama",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const string OpenRouter = "openrouter";

    // Model families whose vendor a bare name gives away (beyond the registry of known models).
    private static readonly (string Family, string Provider)[] Families =
    [
        ("gpt-", "openai"), ("chatgpt-", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
        ("claude-", "anthropic"), ("gemini-", "gemini"),
    ];

    /// <summary>Maps <paramref name="model"/>; on failure returns null and sets <paramref name="error"/>.</summary>
    public static MappedModel? Map(string model, string? apiBase, out string? error)
    {
        error = null;
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash == 0 || slash == model.Length - 1)
        {
            error = $"'{model}' must be 'provider/model_id'";
            return null;
        }

        // PLLM sends any model at an openrouter.ai api_base to OpenRouter, with the full name as OpenRouter's model id.
        if (IsOpenRouter(apiBase) && (slash < 0 || model[..slash] != OpenRouter))
        {
            return new MappedModel(OpenRouter, model, null, null);
        }

        if (slash < 0)
        {
            return MapBare(model, apiBase, out error);
        }

        var prefix = model[..slash];
        var id = model[(slash + 1)..];
        if (Prefixes.TryGetValue(prefix, out var known))
        {
            return MapKnown(known, id, out error);
        }

        if (ProviderCatalog.TryGet(prefix, out _))
        {
            return new MappedModel(prefix, id, null, null);
        }

        if (apiBase is not null)
        {
            return new MappedModel(prefix, id, "openai", null);
        }

        var hint = KeySuggester.Hint(prefix, Prefixes.Keys);
        error = $"unknown provider '{prefix}'{hint}: without api_base Switchyard cannot reach it (with api_base it is used as an "
                + $"OpenAI-compatible server); known prefixes: {string.Join(", ", Prefixes.Keys.Order(StringComparer.Ordinal))}";
        return null;
    }

    private static MappedModel? MapKnown(string provider, string id, out string? error)
    {
        error = null;
        switch (provider)
        {
            case "amazon_bedrock" when id.StartsWith("converse/", StringComparison.Ordinal):
                return new MappedModel(provider, id["converse/".Length..], null, null);
            case "amazon_bedrock" when id.StartsWith("invoke/", StringComparison.Ordinal):
                return new MappedModel(provider, id["invoke/".Length..], null,
                    "bedrock/invoke/ models are called through the Bedrock Converse API (Switchyard does not speak InvokeModel)");
            case "vertex" when id.Contains("claude", StringComparison.OrdinalIgnoreCase) || id.Contains('/', StringComparison.Ordinal):
                error = $"'{id}' is a partner model on Vertex AI; Switchyard's vertex provider serves Gemini models only";
                return null;
            default:
                return new MappedModel(provider, id, null, null);
        }
    }

    // LiteLLM infers the vendor of a bare name (gpt-4o → openai); PLLM treats bare names as OpenAI. Here: the registry,
    // then the name's family, then OpenAI-compatible when an api_base is given; otherwise an error.
    private static MappedModel? MapBare(string model, string? apiBase, out string? error)
    {
        error = null;
        foreach (var provider in ProviderCatalog.Known)
        {
            if (KnownModels.For(provider.Prefix).Contains(model, StringComparer.Ordinal))
            {
                return new MappedModel(provider.Prefix, model, null, null);
            }
        }

        foreach (var (family, provider) in Families)
        {
            if (model.StartsWith(family, StringComparison.Ordinal))
            {
                return new MappedModel(provider, model, null, null);
            }
        }

        if (apiBase is not null)
        {
            return new MappedModel("openai", model, null, null);
        }

        error = $"'{model}' has no provider prefix and is not a model Switchyard knows; write it as provider/model (e.g. openai/{model})";
        return null;
    }

    internal static bool IsOpenRouter(string? apiBase)
        => apiBase is not null && Uri.TryCreate(apiBase, UriKind.Absolute, out var uri)
           && (uri.Host == "openrouter.ai" || uri.Host.EndsWith(".openrouter.ai", StringComparison.Ordinal));
}
