using Microsoft.AspNetCore.Http;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Resilience;

namespace Switchyard.Core.Providers;

/// <summary>
/// The one upstream request builder (DESIGN.md §1.1), for dispatch, the router client and count_tokens alike: the URL
/// by the provider's base_url and path rules, the credential in the provider's scheme, the entry's <c>http_host</c>
/// and <c>headers</c> (applied last, so they win), the per-attempt connect timeout, and the body as
/// <see cref="UpstreamBody"/> segments.
/// </summary>
public static class UpstreamRequestBuilder
{
    /// <summary>Request option read by <see cref="UpstreamHttp"/>'s connect step.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutOption = new("switchyard.connect_timeout");

    /// <summary>The credential an attempt at <paramref name="target"/> sends, and whose it is.</summary>
    /// <returns><see cref="UpstreamBuildError.None"/>, or why the target cannot be called.</returns>
    public static UpstreamBuildError Credential(ResolvedModel target, string? clientCredential, out string? credential, out CredentialOwner owner)
    {
        var entry = target.Entry;
        owner = entry.PassthroughAuth ? CredentialOwner.Client : CredentialOwner.Gateway;
        credential = null;
        if (entry.PassthroughAuth)
        {
            credential = clientCredential;
            return credential is null ? UpstreamBuildError.MissingClientCredential : UpstreamBuildError.None;
        }

        if (target.Provider.HasCredential(entry))
        {
            credential = entry.AccessKey;
        }
        else if (target.Provider.RequiresCredential)
        {
            return UpstreamBuildError.MissingCredential;
        }

        return UpstreamBuildError.None;
    }

    /// <summary>Builds the HTTP request for one call.</summary>
    /// <param name="target">The model called (entry, provider, model id).</param>
    /// <param name="protocol">The protocol on the wire.</param>
    /// <param name="stream">Whether the call streams (some vendors' paths differ).</param>
    /// <param name="body">The body segments.</param>
    /// <param name="credential">The key to send (see <see cref="Credential"/>), or null.</param>
    /// <param name="clientHeaders">The client's headers, for vendors that forward some (null: none).</param>
    /// <param name="connectTimeout">Bounds opening a connection for this call.</param>
    /// <param name="pathSuffix">Appended to the protocol's path (e.g. <c>/count_tokens</c>).</param>
    public static HttpRequestMessage Build(ResolvedModel target, UpstreamProtocol protocol, bool stream, UpstreamBody body, string? credential,
        IHeaderDictionary? clientHeaders, TimeSpan connectTimeout, string? pathSuffix = null)
    {
        var uri = target.UriFor(protocol, stream);
        if (pathSuffix is not null)
        {
            uri = new Uri(uri.AbsoluteUri + pathSuffix);
        }

        var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = body };
        if (connectTimeout != UpstreamHttp.DefaultConnectTimeout)
        {
            message.Options.Set(ConnectTimeoutOption, connectTimeout); // the options dictionary costs an allocation: only when needed
        }
        var provider = target.Provider;
        if (clientHeaders is not null)
        {
            provider.ForwardClientHeaders(clientHeaders, message.Headers);
        }

        provider.Authenticate(message, protocol, credential, body, target.Entry);
        ApplyEntryHeaders(message, target.Entry);
        return message;
    }

    /// <summary>
    /// The entry's <c>http_host</c> and <c>headers</c>, applied last so they win over defaults and auth
    /// (<c>content-*</c> names go on the content).
    /// </summary>
    internal static void ApplyEntryHeaders(HttpRequestMessage message, ModelProviderConfig entry)
    {
        var headers = message.Headers;
        if (entry.HttpHost is not null)
        {
            headers.Host = entry.HttpHost;
        }

        foreach (var (name, value) in entry.Headers)
        {
            if (message.Content is { } content && name.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.Remove(name);
                content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                headers.Remove(name);
                headers.TryAddWithoutValidation(name, value);
            }
        }
    }
}
