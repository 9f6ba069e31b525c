using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Providers.OpenAI;

/// <summary>
/// Which OpenAI API an OpenAI or Azure OpenAI entry speaks (issue 11): <c>protocol: responses</c> → the Responses API
/// for every client (chat and Anthropic clients translated); <c>protocol: chat</c> → Chat Completions for every client
/// (Responses clients translated); unset → the vendor's default, except that a Responses-only model
/// (<see cref="ResponsesOnlyModels"/>) is always reached over Responses. The same key Gemini entries use for
/// <c>openai</c>.
/// </summary>
internal static class ResponsesUpstreamSelection
{
    public const string Key = "protocol";
    public const string Responses = "responses";
    public const string Chat = "chat";

    private static readonly UpstreamProtocol[] ResponsesOnly = [UpstreamProtocol.OpenAIResponses];
    private static readonly UpstreamProtocol[] ChatOnly = [UpstreamProtocol.OpenAIChat];

    public static IReadOnlyList<UpstreamProtocol> ProtocolsFor(ModelProviderConfig entry, string? modelId, IReadOnlyList<UpstreamProtocol> defaults) => entry.Protocol switch
    {
        Responses => ResponsesOnly,
        Chat => ChatOnly,
        _ => modelId is not null && ResponsesOnlyModels.Contains(modelId) ? ResponsesOnly : defaults,
    };

    public static IEnumerable<(string Key, string Message)> Validate(ModelProviderConfig entry, string vendor)
    {
        if (entry.Protocol is not null and not Responses and not Chat)
        {
            yield return (Key, $"'{entry.Protocol}' is not an {vendor} protocol; use chat (Chat Completions) or responses (the Responses API); unset, Responses-only models use responses and others chat");
        }
    }
}
