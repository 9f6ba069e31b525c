using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>One entry of <c>messages</c> → the IR (system text, a turn, or a tool result).</summary>
internal static class OpenAIChatMessageDecoder
{
    /// <summary>The <see cref="IrUnknownPart.Protocol"/> of parts this decoder keeps raw.</summary>
    public const string Protocol = "openai-chat";

    public static void Decode(JsonElement message, int position, IrRequest request)
    {
        if (message.ValueKind != JsonValueKind.Object || OpenAIChatJson.String(message, "role") is not { } role)
        {
            throw new InvalidRequestException($"messages[{position}] must be an object with a string 'role'");
        }

        var name = OpenAIChatRequestDecoder.OptionalString(message, "name");
        switch (role)
        {
            case "system" or "developer":
                // Every instruction message joins IrRequest.System in order; one in mid-conversation therefore moves
                // to the front (the other protocols have a single system slot).
                foreach (var part in Content(message, position, textOnly: true))
                {
                    request.System.Add((IrTextPart)part);
                }

                break;
            case "assistant":
                request.Messages.Add(new IrMessage(IrRole.Assistant, Assistant(message, position)) { Name = name });
                break;
            case "tool":
                var toolCallId = OpenAIChatJson.String(message, "tool_call_id")
                    ?? throw new InvalidRequestException($"messages[{position}] (tool) needs a string 'tool_call_id'");
                request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart(toolCallId, Content(message, position, textOnly: false))]));
                break;
            default:
                // user, and roles this build does not know (the IR role is open): their content reads like a user's.
                request.Messages.Add(new IrMessage(role == "user" ? IrRole.User : new IrRole(role), Content(message, position, textOnly: false)) { Name = name });
                break;
        }
    }

    private static List<IrPart> Assistant(JsonElement message, int position)
    {
        var parts = new List<IrPart>();
        // Output order in the IR is thinking, text, tool calls. DeepSeek/vLLM name the field reasoning_content;
        // Ollama, Groq and OpenRouter name it reasoning.
        var reasoning = OpenAIChatJson.String(message, "reasoning_content") ?? OpenAIChatJson.String(message, "reasoning");
        var signatures = OpenAIChatJson.String(message, "reasoning_signature");
        if (!string.IsNullOrEmpty(reasoning) || !string.IsNullOrEmpty(signatures))
        {
            OpenAIChatReasoningSignature.AddThinking(parts, reasoning ?? "", signatures);
        }

        parts.AddRange(Content(message, position, textOnly: false));
        if (OpenAIChatJson.String(message, "refusal") is { Length: > 0 } refusal)
        {
            parts.Add(new IrTextPart(refusal));
        }

        if (OpenAIChatJson.TryGet(message, "tool_calls", out var calls))
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidRequestException($"messages[{position}].tool_calls must be an array");
            }

            foreach (var call in calls.EnumerateArray())
            {
                if (!OpenAIChatJson.TryGet(call, "function", out var function) || OpenAIChatJson.String(function, "name") is not { } fn)
                {
                    throw new InvalidRequestException($"messages[{position}].tool_calls[] needs 'function' with a string 'name'");
                }

                parts.Add(new IrToolCallPart(OpenAIChatJson.String(call, "id") ?? "", fn, Arguments(function)));
            }
        }

        return parts;
    }

    /// <summary>Arguments are a JSON string on the wire; a client that sent the object itself still means it.</summary>
    private static string Arguments(JsonElement function)
        => !OpenAIChatJson.TryGet(function, "arguments", out var args) ? "{}"
            : args.ValueKind == JsonValueKind.String ? args.GetString()!
            : args.GetRawText();

    private static List<IrPart> Content(JsonElement message, int position, bool textOnly)
    {
        var parts = new List<IrPart>();
        if (!OpenAIChatJson.TryGet(message, "content", out var content))
        {
            return parts;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            parts.Add(new IrTextPart(content.GetString()!));
            return parts;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException($"messages[{position}].content must be a string, an array of parts or null");
        }

        foreach (var part in content.EnumerateArray())
        {
            var type = OpenAIChatJson.String(part, "type")
                ?? throw new InvalidRequestException($"messages[{position}].content[] parts need a string 'type'");
            switch (type)
            {
                case "text":
                    parts.Add(new IrTextPart(OpenAIChatJson.String(part, "text")
                        ?? throw new InvalidRequestException($"messages[{position}].content[] text parts need a string 'text'")));
                    break;
                case "refusal" when OpenAIChatJson.String(part, "refusal") is { } refusal:
                    // A refusal in the history is what the assistant said; other protocols only know it as text.
                    parts.Add(new IrTextPart(refusal));
                    break;
                case "image_url" when !textOnly:
                    parts.Add(Image(part, position));
                    break;
                default:
                    if (textOnly)
                    {
                        throw new InvalidRequestException($"messages[{position}] (system/developer) may only contain text parts, not '{type}'");
                    }

                    // input_audio, file and future part types: kept raw; an upstream that cannot carry them refuses.
                    parts.Add(new IrUnknownPart(Protocol, type, part));
                    break;
            }
        }

        return parts;
    }

    private static IrImagePart Image(JsonElement part, int position)
    {
        if (!OpenAIChatJson.TryGet(part, "image_url", out var image) || OpenAIChatJson.String(image, "url") is not { } url)
        {
            throw new InvalidRequestException($"messages[{position}].content[] image_url parts need 'image_url.url'");
        }

        var detail = OpenAIChatJson.String(image, "detail");
        if (!OpenAIChatDataUrl.IsDataUrl(url))
        {
            return new IrImagePart { Url = url, Detail = detail };
        }

        return OpenAIChatDataUrl.TrySplit(url, out var mediaType, out var base64)
            ? new IrImagePart { Base64 = base64, MediaType = mediaType, Detail = detail }
            : throw new InvalidRequestException($"messages[{position}]: image data URLs must be base64-encoded (data:<type>;base64,...)");
    }
}
