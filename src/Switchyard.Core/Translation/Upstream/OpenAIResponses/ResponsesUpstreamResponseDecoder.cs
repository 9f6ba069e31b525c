using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>A Response object (<c>"object": "response"</c>) → <see cref="IrResponse"/>.</summary>
internal static class ResponsesUpstreamResponseDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
    {
        response = null;
        error = null;
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            error = Malformed("it is not JSON (" + ex.Message + ")");
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = Malformed("it is not a JSON object");
                return false;
            }

            if (OpenAIChatJson.TryGet(root, "error", out var err) && err.ValueKind == JsonValueKind.Object)
            {
                // A failed Response (status "failed") or a 200 carrying an error object: still an error.
                error = ResponsesUpstreamWire.Error(err);
                return false;
            }

            if (!OpenAIChatJson.TryGet(root, "output", out var output) || output.ValueKind != JsonValueKind.Array)
            {
                error = Malformed("it has no output array");
                return false;
            }

            response = new IrResponse
            {
                Id = OpenAIChatJson.String(root, "id"),
                Model = OpenAIChatJson.String(root, "model"),
                Usage = ResponsesUpstreamWire.Usage(root),
            };
            var calledTools = false;
            foreach (var item in output.EnumerateArray())
            {
                calledTools |= ReadItem(item, response.Content);
            }

            response.FinishReason = ResponsesUpstreamWire.Finish(root, calledTools);
            return true;
        }
    }

    /// <summary>Appends one output item's content; true when it is a tool call.</summary>
    private static bool ReadItem(JsonElement item, List<IrPart> content)
    {
        switch (OpenAIChatJson.String(item, "type"))
        {
            case "message":
                if (OpenAIChatJson.TryGet(item, "content", out var parts) && parts.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in parts.EnumerateArray())
                    {
                        // A refusal is what the model said; chat's decoder shows it as text too.
                        var text = OpenAIChatJson.String(part, "type") switch
                        {
                            "output_text" => OpenAIChatJson.String(part, "text"),
                            "refusal" => OpenAIChatJson.String(part, "refusal"),
                            _ => null,
                        };
                        if (text is { Length: > 0 })
                        {
                            content.Add(new IrTextPart(text));
                        }
                    }
                }

                return false;
            case "function_call":
                var args = OpenAIChatJson.String(item, "arguments");
                content.Add(new IrToolCallPart(
                    OpenAIChatJson.String(item, "call_id") ?? OpenAIChatJson.String(item, "id") ?? "",
                    OpenAIChatJson.String(item, "name") ?? "",
                    args is { Length: > 0 } ? args : "{}"));
                return true;
            case "reasoning":
                var summary = Summary(item);
                var signature = ResponsesReasoningSignature.Wrap(OpenAIChatJson.String(item, "id"), OpenAIChatJson.String(item, "encrypted_content"));
                if (summary.Length > 0 || signature is not null)
                {
                    content.Add(new IrThinkingPart(summary) { Signature = signature });
                }

                return false;
            default:
                // Built-in tool items (web_search_call…) are never requested by a translated request.
                return false;
        }
    }

    /// <summary>A reasoning item's summary texts, joined by blank lines.</summary>
    internal static string Summary(JsonElement item)
    {
        if (!OpenAIChatJson.TryGet(item, "summary", out var summary) || summary.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var part in summary.EnumerateArray())
        {
            if (OpenAIChatJson.String(part, "text") is { Length: > 0 } t)
            {
                if (text.Length > 0)
                {
                    text.Append("\n\n");
                }

                text.Append(t);
            }
        }

        return text.ToString();
    }

    private static IrError Malformed(string why) => new(502, "upstream_error", "the upstream's answer is not a Responses API response: " + why);
}
