using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Catalog;

/// <summary>A concrete model a request can be sent to: a config entry (or wildcard) plus the provider's model id.</summary>
/// <param name="CanonicalName">The name clients see (entry name, or <c>provider/model</c> for wildcard matches).</param>
/// <param name="Entry">The config entry whose settings (key, base_url, headers, fallbacks) apply.</param>
/// <param name="Provider">The vendor definition.</param>
/// <param name="ModelId">The model id the upstream body carries.</param>
public sealed record ResolvedModel(string CanonicalName, ModelProviderConfig Entry, ProviderDefinition Provider, string ModelId)
{
    private Uri? _chatUri;

    /// <summary>The upstream URL for OpenAI chat completions (computed once per snapshot and model).</summary>
    public Uri ChatCompletionsUri => _chatUri ??= BuildChatUri();

    private Uri BuildChatUri()
    {
        var (origin, prefix) = Provider.ResolveBase(Entry.BaseUrl);
        return new Uri(origin, Provider.BuildChatCompletionsPath(prefix, ModelId, Entry));
    }
}

/// <summary>How a requested model name was resolved.</summary>
public enum ResolutionStatus { Resolved, NotFound, NoModelAndNoDefault }

/// <summary>Result of <see cref="ModelCatalog.Resolve"/>; <see cref="Model"/> is set when resolved.</summary>
public readonly record struct Resolution(ResolutionStatus Status, ResolvedModel? Model, string? ViaAlias);
