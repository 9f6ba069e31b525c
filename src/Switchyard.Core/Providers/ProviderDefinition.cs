using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Providers;

/// <summary>Wire protocol spoken to an upstream.</summary>
public enum UpstreamProtocol { OpenAIChat, OpenAIResponses, AnthropicMessages, Gemini, BedrockConverse }

/// <summary>
/// A vendor: default host and path prefix, auth scheme, and which upstream protocols it speaks. Vendor quirks live
/// in subclasses under <c>Providers/&lt;Vendor&gt;/</c>, never in generic code.
/// </summary>
public abstract class ProviderDefinition
{
    /// <summary>The <c>model</c> prefix, e.g. <c>openai</c>.</summary>
    public abstract string Prefix { get; }

    /// <summary>Scheme + host (+ port) used when the entry has no <c>base_url</c>; null when <c>base_url</c> is required.</summary>
    public abstract Uri? DefaultBaseUrl { get; }

    /// <summary>Path prefix the endpoint suffix is appended to, e.g. <c>/v1</c>. A base_url path replaces it.</summary>
    public abstract string DefaultPathPrefix { get; }

    /// <summary>True when a config entry must give <c>base_url</c> (self-hosted or per-tenant hosts).</summary>
    public bool RequiresBaseUrl => DefaultBaseUrl is null;

    /// <summary>True when a call without a credential cannot succeed (false for local servers such as Ollama).</summary>
    public virtual bool RequiresCredential => true;

    /// <summary>The protocols this vendor speaks that this build can send; the first is preferred.</summary>
    public abstract IReadOnlyList<UpstreamProtocol> Protocols { get; }

    /// <summary>Environment variable conventionally holding this vendor's key (used by the quickstart), or null.</summary>
    public virtual string? ApiKeyEnvironmentVariable => null;

    /// <summary>Builds the request path (and query) for an OpenAI chat completions call.</summary>
    public virtual string BuildChatCompletionsPath(string pathPrefix, string modelId, ModelProviderConfig entry)
        => pathPrefix + "/chat/completions";

    /// <summary>Puts the credential on the upstream request.</summary>
    public virtual void ApplyCredential(HttpRequestHeaders headers, string credential)
        => headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);

    /// <summary>
    /// An in-process upstream (the mock provider) instead of the network; null for real vendors.
    /// </summary>
    internal virtual HttpMessageHandler? InProcessHandler => null;

    /// <summary>Copies client request headers a vendor needs (none by default: client headers are not forwarded).</summary>
    public virtual void ForwardClientHeaders(IHeaderDictionary client, HttpRequestHeaders upstream)
    {
    }

    /// <summary>
    /// The base_url rule: a base_url path replaces <see cref="DefaultPathPrefix"/> (a trailing slash changes nothing);
    /// a base_url without a path keeps the default prefix.
    /// </summary>
    public (Uri Origin, string PathPrefix) ResolveBase(string? baseUrl)
    {
        if (string.IsNullOrEmpty(baseUrl))
        {
            return (DefaultBaseUrl ?? throw new InvalidOperationException($"provider '{Prefix}' requires base_url"), DefaultPathPrefix);
        }

        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        var origin = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        return (origin, path.Length == 0 ? DefaultPathPrefix : path);
    }
}
