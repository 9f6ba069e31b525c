using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Switchyard.Core.Configuration;
using Switchyard.Core.Translation;

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
    public virtual bool RequiresBaseUrl => DefaultBaseUrl is null;

    /// <summary>True when a call without a credential cannot succeed (false for local servers such as Ollama).</summary>
    public virtual bool RequiresCredential => true;

    /// <summary>The protocols this vendor speaks, preferred first.</summary>
    public abstract IReadOnlyList<UpstreamProtocol> Protocols { get; }

    /// <summary>Environment variable conventionally holding this vendor's key (used by the quickstart), or null.</summary>
    public virtual string? ApiKeyEnvironmentVariable => null;

    /// <summary>The protocols a given entry speaks (an entry may select one of the vendor's APIs).</summary>
    public virtual IReadOnlyList<UpstreamProtocol> ProtocolsFor(ModelProviderConfig entry) => Protocols;

    /// <summary>The protocols an entry speaks for one model id (OpenAI: Responses-only models speak only Responses).</summary>
    public virtual IReadOnlyList<UpstreamProtocol> ProtocolsFor(ModelProviderConfig entry, string? modelId) => ProtocolsFor(entry);

    /// <summary>
    /// The protocol needing the least translation: the client's own when the vendor speaks it (pass-through),
    /// otherwise the vendor's preferred one.
    /// </summary>
    public UpstreamProtocol ChooseProtocol(ModelProviderConfig entry, UpstreamProtocol clientNative, string? modelId = null)
    {
        var protocols = ProtocolsFor(entry, modelId);
        for (var i = 0; i < protocols.Count; i++)
        {
            if (protocols[i] == clientNative)
            {
                return clientNative;
            }
        }

        return protocols[0];
    }

    /// <summary>Builds the request path (and query) for an OpenAI chat completions call.</summary>
    public virtual string BuildChatCompletionsPath(string pathPrefix, string modelId, ModelProviderConfig entry)
        => pathPrefix + "/chat/completions";

    /// <summary>Builds the request path (and query) for a call in <paramref name="protocol"/>.</summary>
    public virtual string BuildPath(UpstreamProtocol protocol, string pathPrefix, string modelId, bool stream, ModelProviderConfig entry) => protocol switch
    {
        UpstreamProtocol.OpenAIChat => BuildChatCompletionsPath(pathPrefix, modelId, entry),
        UpstreamProtocol.OpenAIResponses => pathPrefix + "/responses",
        UpstreamProtocol.AnthropicMessages => pathPrefix + "/messages",
        _ => throw new NotSupportedException($"provider '{Prefix}' does not speak {protocol}"),
    };

    /// <summary>The full upstream URL for a call.</summary>
    public Uri BuildUri(UpstreamProtocol protocol, string modelId, bool stream, ModelProviderConfig entry)
    {
        var (origin, prefix) = ResolveBase(entry);
        return new Uri(origin, BuildPath(protocol, prefix, modelId, stream, entry));
    }

    /// <summary>Config keys only this vendor's entries accept (e.g. Vertex <c>project</c>); others reject them.</summary>
    public virtual IReadOnlyList<string> EntryKeys => [];

    /// <summary>
    /// Vendor rules for one entry beyond the generic ones (required vendor keys, allowed values). Each problem names
    /// the key it concerns; it is reported at that key's line when written, else at the entry's.
    /// </summary>
    public virtual IEnumerable<(string Key, string Message)> ValidateEntry(ModelProviderConfig entry) => [];

    /// <summary>The codec that translates to <paramref name="protocol"/> for this vendor (a vendor may need a variant).</summary>
    public virtual IUpstreamCodec? CodecFor(UpstreamProtocol protocol) => CodecRegistry.Upstream(protocol);

    /// <summary>True when the entry carries what this vendor needs to authenticate (ignoring passthrough).</summary>
    public virtual bool HasCredential(ModelProviderConfig entry) => !string.IsNullOrEmpty(entry.AccessKey);

    /// <summary>Puts a plain credential (API key or token) on the upstream request in the vendor's scheme.</summary>
    public virtual void ApplyCredential(HttpRequestHeaders headers, string credential)
        => headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);

    /// <summary>
    /// Authenticates the upstream request. <paramref name="credential"/> is the entry's key or the caller's own
    /// (passthrough); request-signing vendors (Bedrock SigV4) also need the final body, which only they make contiguous.
    /// </summary>
    public virtual void Authenticate(HttpRequestMessage message, UpstreamProtocol protocol, string? credential, UpstreamBody? body, ModelProviderConfig entry)
    {
        if (!string.IsNullOrEmpty(credential))
        {
            ApplyCredential(message.Headers, credential);
        }
    }

    /// <summary>An in-process upstream (the mock provider) instead of the network; null for real vendors.</summary>
    internal virtual HttpMessageHandler? InProcessHandler => null;

    /// <summary>Copies client request headers a vendor needs (none by default: client headers are not forwarded).</summary>
    public virtual void ForwardClientHeaders(IHeaderDictionary client, HttpRequestHeaders upstream)
    {
    }

    /// <summary>Scheme + host used when the entry has no base_url (may depend on the entry, e.g. a cloud region).</summary>
    protected virtual Uri? DefaultOriginFor(ModelProviderConfig entry) => DefaultBaseUrl;

    /// <summary>
    /// The base_url rule: a base_url path replaces <see cref="DefaultPathPrefix"/> (a trailing slash changes nothing);
    /// a base_url without a path keeps the default prefix.
    /// </summary>
    public (Uri Origin, string PathPrefix) ResolveBase(ModelProviderConfig entry)
    {
        var baseUrl = entry.BaseUrl;
        if (string.IsNullOrEmpty(baseUrl))
        {
            return (DefaultOriginFor(entry) ?? throw new InvalidOperationException($"provider '{Prefix}' requires base_url"), DefaultPathPrefix);
        }

        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        var origin = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        return (origin, path.Length == 0 ? DefaultPathPrefix : path);
    }
}
