using System.Net.Http.Headers;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Providers.Gemini;

/// <summary>
/// Google Gemini (AI Studio): the native <c>generateContent</c> API by default (<c>x-goog-api-key</c>); an entry with
/// <c>protocol: openai</c> uses Gemini's OpenAI-compatible endpoint (<c>/v1beta/openai/chat/completions</c>, bearer).
/// </summary>
internal sealed class GeminiProvider : ProviderDefinition
{
    private static readonly UpstreamProtocol[] Native = [UpstreamProtocol.Gemini];
    private static readonly UpstreamProtocol[] OpenAICompatible = [UpstreamProtocol.OpenAIChat];

    public override string Prefix => "gemini";
    public override Uri? DefaultBaseUrl { get; } = new("https://generativelanguage.googleapis.com/");
    public override string DefaultPathPrefix => "/v1beta";
    public override string? ApiKeyEnvironmentVariable => "GEMINI_API_KEY";
    public override IReadOnlyList<UpstreamProtocol> Protocols => Native;

    public override IReadOnlyList<string> EntryKeys { get; } = ["protocol"];

    public override IEnumerable<(string Key, string Message)> ValidateEntry(ModelProviderConfig entry)
    {
        if (entry.Protocol is not null and not "native" and not "openai")
        {
            yield return ("protocol", $"'{entry.Protocol}' is not a Gemini protocol; use native (generateContent, the default) or openai (the OpenAI-compatible endpoint)");
        }
    }

    public override IReadOnlyList<UpstreamProtocol> ProtocolsFor(ModelProviderConfig entry)
        => entry.Protocol == "openai" ? OpenAICompatible : Native;

    public override string BuildChatCompletionsPath(string pathPrefix, string modelId, ModelProviderConfig entry)
        => pathPrefix + "/openai/chat/completions";

    public override string BuildPath(UpstreamProtocol protocol, string pathPrefix, string modelId, bool stream, ModelProviderConfig entry)
        => protocol == UpstreamProtocol.Gemini ? GeminiPaths.Model(pathPrefix, modelId, stream) : base.BuildPath(protocol, pathPrefix, modelId, stream, entry);

    public override void Authenticate(HttpRequestMessage message, UpstreamProtocol protocol, string? credential, UpstreamBody? body, ModelProviderConfig entry)
    {
        if (string.IsNullOrEmpty(credential))
        {
            return;
        }

        if (protocol == UpstreamProtocol.Gemini)
        {
            message.Headers.TryAddWithoutValidation("x-goog-api-key", credential);
        }
        else
        {
            ApplyCredential(message.Headers, credential);
        }
    }
}

/// <summary>Gemini's model-method paths, shared by AI Studio and Vertex AI.</summary>
internal static class GeminiPaths
{
    public static string Model(string prefix, string modelId, bool stream)
        => prefix + "/models/" + Uri.EscapeDataString(modelId) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
}
