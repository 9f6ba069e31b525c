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
