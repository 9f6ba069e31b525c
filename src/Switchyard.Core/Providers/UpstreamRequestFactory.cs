using Microsoft.AspNetCore.Http;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Resilience;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Providers;

/// <summary>Why no upstream request could be built for a candidate.</summary>
public enum UpstreamBuildError { None, MissingCredential, MissingClientCredential, ProtocolUnsupported, Untranslatable }

/// <summary>One upstream call: the message, the protocol on the wire, the codec when it is a translation, and whose key it carries.</summary>
public sealed record UpstreamCall(HttpRequestMessage Message, UpstreamProtocol Protocol, IUpstreamCodec? Codec, CredentialOwner Owner)
{
    public bool IsPassthrough => Codec is null;

    // The message's own text lists its headers, credentials included: print only where it goes.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Message = ").Append(Message.Method).Append(' ').Append(Message.RequestUri)
            .Append(", Protocol = ").Append(Protocol).Append(", Passthrough = ").Append(IsPassthrough).Append(", Owner = ").Append(Owner);
        return true;
    }
}

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

/// <summary>
/// Builds the upstream call of one dispatch attempt: the protocol needing the least translation, and the body — the
/// client's bytes spliced with the new <c>model</c> (and <c>stream_options</c> when usage must be asked for) when the
/// protocols match, an IR encoding otherwise — then hands it to <see cref="UpstreamRequestBuilder"/>.
/// </summary>
public static class UpstreamRequestFactory
{
    public static UpstreamBuildError TryCreate(GatewayRequest request, ResolvedModel candidate, TimeSpan connectTimeout, out UpstreamCall? call, out IrError? error)
    {
        call = null;
        error = null;
        var protocol = candidate.ProtocolFor(request.NativeUpstream);
        var built = UpstreamRequestBuilder.Credential(candidate, request.ClientCredential, out var credential, out var owner);
        if (built != UpstreamBuildError.None)
        {
            return built;
        }

        UpstreamBody body;
        IUpstreamCodec? codec = null;
        if (protocol == request.NativeUpstream)
        {
            // Usage is always captured: ask for it, and hide the usage chunk the client did not ask for.
            var injectUsage = protocol == UpstreamProtocol.OpenAIChat && request.IsStreaming && !request.Envelope.HasStreamOptions;
            request.UsageInjected = injectUsage;
            body = JsonBodyPatcher.Splice(request.RawBody, request.Envelope, candidate.ModelId, candidate.QuotedModelId, injectUsage);
        }
        else
        {
            codec = candidate.Provider.CodecFor(protocol);
            if (codec is null || request.Codec is null)
            {
                return UpstreamBuildError.ProtocolUnsupported;
            }

            if (!request.TryGetIr(out var ir, out error))
            {
                return UpstreamBuildError.Untranslatable;
            }

            try
            {
                body = UpstreamBody.Single(codec.EncodeRequest(ir!, candidate.ModelId));
            }
            catch (TranslationException ex)
            {
                error = new IrError(400, "invalid_request_error", $"the request cannot be sent to '{candidate.CanonicalName}' ({protocol}): {ex.Message}");
                return UpstreamBuildError.Untranslatable;
            }
        }

        var message = UpstreamRequestBuilder.Build(candidate, protocol, request.IsStreaming, body, credential, request.HttpContext.Request.Headers, connectTimeout);
        call = new UpstreamCall(message, protocol, codec, owner);
        return UpstreamBuildError.None;
    }
}
