using System.Net.Http.Headers;
using Switchyard.Core.Catalog;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Providers;

/// <summary>Why no upstream request could be built for a candidate.</summary>
public enum UpstreamBuildError { None, MissingCredential, MissingClientCredential, ProtocolUnsupported }

/// <summary>
/// Builds the upstream HTTP request for one candidate: URL by the provider's path rules, the body with only
/// <c>model</c> patched, the credential in the provider's scheme, then the entry's <c>headers</c> (applied last).
/// </summary>
public static class UpstreamRequestFactory
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static UpstreamBuildError TryCreate(GatewayRequest request, ResolvedModel candidate, out HttpRequestMessage? message)
    {
        message = null;
        var entry = candidate.Entry;
        var provider = candidate.Provider;
        if (!ContainsOpenAIChat(provider.Protocols))
        {
            return UpstreamBuildError.ProtocolUnsupported;
        }

        string? credential;
        if (entry.PassthroughAuth)
        {
            credential = request.ClientCredential;
            if (credential is null)
            {
                return UpstreamBuildError.MissingClientCredential;
            }
        }
        else
        {
            credential = entry.AccessKey;
            if (string.IsNullOrEmpty(credential) && provider.RequiresCredential)
            {
                return UpstreamBuildError.MissingCredential;
            }
        }

        var body = JsonBodyPatcher.WithModel(request.RawBody, request.Envelope, candidate.ModelId);
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        message = new HttpRequestMessage(HttpMethod.Post, candidate.ChatCompletionsUri) { Content = content };
        var headers = message.Headers;
        if (!string.IsNullOrEmpty(credential))
        {
            provider.ApplyCredential(headers, credential);
        }

        provider.ForwardClientHeaders(request.HttpContext.Request.Headers, headers);
        if (entry.HttpHost is not null)
        {
            headers.Host = entry.HttpHost;
        }

        foreach (var (name, value) in entry.Headers)
        {
            if (name.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
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

        return UpstreamBuildError.None;
    }

    private static bool ContainsOpenAIChat(IReadOnlyList<UpstreamProtocol> protocols)
    {
        for (var i = 0; i < protocols.Count; i++)
        {
            if (protocols[i] == UpstreamProtocol.OpenAIChat)
            {
                return true;
            }
        }

        return false;
    }
}
