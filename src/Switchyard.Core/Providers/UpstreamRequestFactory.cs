using System.Net.Http.Headers;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Providers;

/// <summary>Why no upstream request could be built for a candidate.</summary>
public enum UpstreamBuildError { None, MissingCredential, MissingClientCredential, ProtocolUnsupported, Untranslatable }

/// <summary>One upstream call: the message, the protocol on the wire, and the codec when it is a translation.</summary>
public sealed record UpstreamCall(HttpRequestMessage Message, UpstreamProtocol Protocol, IUpstreamCodec? Codec)
{
    public bool IsPassthrough => Codec is null;
}

/// <summary>
/// Builds the upstream HTTP request for one candidate: the protocol needing the least translation, the URL by the
/// provider's path rules, the body (the client's bytes with only <c>model</c> patched when the protocols match, an
/// IR encoding otherwise), the credential in the provider's scheme, then the entry's <c>headers</c> (applied last).
/// </summary>
public static class UpstreamRequestFactory
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static UpstreamBuildError TryCreate(GatewayRequest request, ResolvedModel candidate, out UpstreamCall? call, out IrError? error)
    {
        call = null;
        error = null;
        var entry = candidate.Entry;
        var provider = candidate.Provider;
        var protocol = candidate.ProtocolFor(request.NativeUpstream);

        string? credential = null;
        if (entry.PassthroughAuth)
        {
            credential = request.ClientCredential;
            if (credential is null)
            {
                return UpstreamBuildError.MissingClientCredential;
            }
        }
        else if (provider.HasCredential(entry))
        {
            credential = entry.AccessKey;
        }
        else if (provider.RequiresCredential)
        {
            return UpstreamBuildError.MissingCredential;
        }

        ReadOnlyMemory<byte> body;
        IUpstreamCodec? codec = null;
        if (protocol == request.NativeUpstream)
        {
            body = JsonBodyPatcher.WithModel(request.RawBody, request.Envelope, candidate.ModelId);
            if (protocol == UpstreamProtocol.OpenAIChat && request.IsStreaming && !request.Envelope.HasStreamOptions)
            {
                // Usage is always captured: ask for it, and hide the usage chunk the client did not ask for.
                body = JsonBodyPatcher.WithIncludeUsage(body);
                request.UsageInjected = true;
            }
        }
        else
        {
            codec = provider.CodecFor(protocol);
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
                body = codec.EncodeRequest(ir!, candidate.ModelId);
            }
            catch (TranslationException ex)
            {
                error = new IrError(400, "invalid_request_error", $"the request cannot be sent to '{candidate.CanonicalName}' ({protocol}): {ex.Message}");
                return UpstreamBuildError.Untranslatable;
            }
        }

        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        var message = new HttpRequestMessage(HttpMethod.Post, candidate.UriFor(protocol, request.IsStreaming)) { Content = content };
        var headers = message.Headers;
        provider.ForwardClientHeaders(request.HttpContext.Request.Headers, headers);
        provider.Authenticate(message, protocol, credential, body, entry);
        ApplyEntryHeaders(message, entry);
        call = new UpstreamCall(message, protocol, codec);
        return UpstreamBuildError.None;
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
