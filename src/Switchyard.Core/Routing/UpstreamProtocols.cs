using System.Text.Json;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Routing;

/// <summary>
/// The <c>upstream</c> member of an explanation: the API each candidate is reached over for this client and whether
/// that is a translation (issue 11: e.g. a chat client's request for a Responses-only model goes to /v1/responses).
/// </summary>
internal static class UpstreamProtocols
{
    public static bool Translated(RoutingDecision decision, UpstreamProtocol? clientNative)
    {
        if (clientNative is not { } native)
        {
            return false;
        }

        foreach (var c in decision.Candidates)
        {
            if (c.ProtocolFor(native) != native)
            {
                return true;
            }
        }

        return false;
    }

    public static void Write(Utf8JsonWriter w, RoutingDecision decision, UpstreamProtocol? clientNative)
    {
        if (clientNative is not { } native || decision.Candidates.Count == 0)
        {
            return;
        }

        w.WriteStartArray("upstream");
        foreach (var c in decision.Candidates)
        {
            var protocol = c.ProtocolFor(native);
            w.WriteStartObject();
            w.WriteString("model", c.CanonicalName);
            w.WriteString("protocol", Name(protocol));
            w.WriteBoolean("translated", protocol != native);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static string Name(UpstreamProtocol protocol) => protocol switch
    {
        UpstreamProtocol.OpenAIChat => "openai-chat",
        UpstreamProtocol.OpenAIResponses => "openai-responses",
        UpstreamProtocol.AnthropicMessages => "anthropic-messages",
        UpstreamProtocol.Gemini => "gemini",
        _ => "bedrock-converse",
    };
}
