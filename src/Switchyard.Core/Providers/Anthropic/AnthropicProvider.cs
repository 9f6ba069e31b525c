using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Core.Providers.Anthropic;

/// <summary>
/// Anthropic: the native Messages API for every client protocol (never the OpenAI-compatible endpoint, which loses
/// thinking and cache control). Key in <c>x-api-key</c>; <c>anthropic-version</c> always sent.
/// </summary>
internal sealed class AnthropicProvider : ProviderDefinition
{
    public const string ApiVersion = "2023-06-01";

    public override string Prefix => "anthropic";
    public override Uri? DefaultBaseUrl { get; } = new("https://api.anthropic.com/");
    public override string DefaultPathPrefix => "/v1";
    public override string? ApiKeyEnvironmentVariable => "ANTHROPIC_API_KEY";
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } = [UpstreamProtocol.AnthropicMessages];

    public override void ApplyCredential(HttpRequestHeaders headers, string credential)
        => headers.TryAddWithoutValidation("x-api-key", credential);

    public override void Authenticate(HttpRequestMessage message, UpstreamProtocol protocol, string? credential, UpstreamBody? body, Configuration.ModelProviderConfig entry)
    {
        base.Authenticate(message, protocol, credential, body, entry);
        if (!message.Headers.Contains("anthropic-version"))
        {
            message.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        }
    }

    /// <summary>An Anthropic client's version and beta flags select API behaviour; they must reach Anthropic.</summary>
    public override void ForwardClientHeaders(IHeaderDictionary client, HttpRequestHeaders upstream)
    {
        if (client.TryGetValue("anthropic-version", out var version))
        {
            upstream.TryAddWithoutValidation("anthropic-version", version.ToString());
        }

        if (client.TryGetValue("anthropic-beta", out var beta))
        {
            upstream.TryAddWithoutValidation("anthropic-beta", beta.ToString());
        }
    }
}
