using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// Responses <c>input</c> (a string or a list of items) → IR messages. Assistant-side items that follow each other
/// (reasoning, assistant messages, function calls) form one assistant turn, as they do in a Response's output; each
/// <c>function_call_output</c> becomes a tool message. System/developer messages join the system parts.
/// </summary>
internal static class ResponsesInputDecoder
{
    public static bool TryDecode(JsonElement input, List<IrMessage> messages, List<IrTextPart> system, out IrError? error)
    {
        error = null;
        if (input.ValueKind == JsonValueKind.String)
        {
            messages.Add(new IrMessage(IrRole.User, [new IrTextPart(input.GetString()!)]));
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            error = ResponsesRequestDecoder.Invalid("'input' must be a string or an array of input items.");
            return false;
        }

        var assistant = new List<IrPart>();
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = ResponsesRequestDecoder.Invalid("Each input item must be an object.");
                return false;
            }

            var type = item.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var ok = type switch
            {
                null or "message" => TryMessage(item, messages, system, assistant, out error),
                "function_call" => TryFunctionCall(item, assistant, out error),
                "function_call_output" => TryFunctionCallOutput(item, messages, assistant, out error),
                "reasoning" => TryReasoning(item, assistant),
                "item_reference" => Fail("Input items of type 'item_reference' cannot be resolved by this gateway; send the item itself or use 'previous_response_id'.", out error),
                _ => Fail($"Input items of type '{type}' cannot be translated for this model's provider.", out error),
            };
            if (!ok)
            {
                return false;
            }
        }

        Flush(messages, assistant);
        return true;
    }

    private static bool TryMessage(JsonElement item, List<IrMessage> messages, List<IrTextPart> system, List<IrPart> assistant, out IrError? error)
    {
        error = null;
        var role = item.TryGetProperty("role"u8, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (!item.TryGetProperty("content"u8, out var content))
        {
            return Fail("Input messages need 'content'.", out error);
        }

        switch (role)
        {
            case "user":
                Flush(messages, assistant);
                var parts = new List<IrPart>();
                if (!TryContent(content, parts, allowImages: true, out error))
                {
                    return false;
                }

                messages.Add(new IrMessage(IrRole.User, parts));
                return true;
            case "assistant":
                return TryContent(content, assistant, allowImages: false, out error);
            case "system" or "developer":
                var systemParts = new List<IrPart>();
                if (!TryContent(content, systemParts, allowImages: false, out error))
                {
                    return false;
                }

                foreach (var part in systemParts)
                {
                    system.Add((IrTextPart)part);
                }

                return true;
            default:
                return Fail($"Input message role '{role}' is not one of user, assistant, system, developer.", out error);
        }
    }

    private static bool TryContent(JsonElement content, List<IrPart> parts, bool allowImages, out IrError? error)
    {
        error = null;
        if (content.ValueKind == JsonValueKind.String)
        {
            parts.Add(new IrTextPart(content.GetString()!));
            return true;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return Fail("Message 'content' must be a string or an array of content parts.", out error);
        }

        foreach (var part in content.EnumerateArray())
        {
            var type = part.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            switch (type)
            {
                case "input_text" or "output_text":
                    parts.Add(new IrTextPart(StringOf(part, "text"u8) ?? ""));
                    break;
                case "refusal":
                    // A refusal the assistant gave earlier is, to any other model, just what it said.
                    parts.Add(new IrTextPart(StringOf(part, "refusal"u8) ?? ""));
                    break;
                case "input_image" when allowImages:
                    if (!TryImage(part, parts, out error))
                    {
                        return false;
                    }

                    break;
                case "input_image":
                    return Fail("Images are accepted only in user messages and tool outputs.", out error);
                case "input_file":
                    return Fail("Content parts of type 'input_file' cannot be translated for this model's provider.", out error);
                default:
                    return Fail($"Content parts of type '{type}' cannot be translated for this model's provider.", out error);
            }
        }

        return true;
    }

    private static bool TryImage(JsonElement part, List<IrPart> parts, out IrError? error)
    {
        error = null;
        var detail = StringOf(part, "detail"u8);
        var url = StringOf(part, "image_url"u8);
        if (url is null)
        {
            return Fail(StringOf(part, "file_id"u8) is not null
                ? "Images given by 'file_id' cannot be translated for this model's provider (OpenAI Files are not reachable from it); send 'image_url' with an https or data: URL."
                : "'input_image' needs 'image_url'.", out error);
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma < 0 ? "" : url[5..comma];
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                return Fail("'image_url' data: URLs must be base64 ('data:<media type>;base64,<data>').", out error);
            }

            parts.Add(new IrImagePart { Base64 = url[(comma + 1)..], MediaType = header[..^7], Detail = detail });
            return true;
        }

        parts.Add(new IrImagePart { Url = url, Detail = detail });
        return true;
    }

    private static bool TryFunctionCall(JsonElement item, List<IrPart> assistant, out IrError? error)
    {
        error = null;
        var callId = StringOf(item, "call_id"u8);
        var name = StringOf(item, "name"u8);
        if (callId is null || name is null)
        {
            return Fail("'function_call' input items need 'call_id' and 'name'.", out error);
        }

        assistant.Add(new IrToolCallPart(callId, name, StringOf(item, "arguments"u8) ?? "{}"));
        return true;
    }

    private static bool TryFunctionCallOutput(JsonElement item, List<IrMessage> messages, List<IrPart> assistant, out IrError? error)
    {
        error = null;
        var callId = StringOf(item, "call_id"u8);
        if (callId is null || !item.TryGetProperty("output"u8, out var output))
        {
            return Fail("'function_call_output' input items need 'call_id' and 'output'.", out error);
        }

        Flush(messages, assistant);
        var content = new List<IrPart>();
        if (!TryContent(output, content, allowImages: true, out error))
        {
            return false;
        }

        messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart(callId, content)]));
        return true;
    }

    // Our own reasoning items always carry a summary entry for a thinking block (even an empty one) and none for
    // redacted thinking, so the two stay apart on the way back; see ResponsesOutputItems.
    private static bool TryReasoning(JsonElement item, List<IrPart> assistant)
    {
        var encrypted = StringOf(item, "encrypted_content"u8);
        var hasSummary = false;
        var text = new System.Text.StringBuilder();
        if (item.TryGetProperty("summary"u8, out var summary) && summary.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in summary.EnumerateArray())
            {
                if (hasSummary)
                {
                    text.Append("\n\n");
                }

                hasSummary = true;
                text.Append(StringOf(s, "text"u8));
            }
        }

        if (!hasSummary && item.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in content.EnumerateArray())
            {
                hasSummary = true;
                text.Append(StringOf(c, "text"u8));
            }
        }

        if (hasSummary)
        {
            assistant.Add(new IrThinkingPart(text.ToString()) { Signature = encrypted });
        }
        else if (encrypted is not null)
        {
            assistant.Add(new IrRedactedThinkingPart(encrypted));
        }

        return true;
    }

    private static void Flush(List<IrMessage> messages, List<IrPart> assistant)
    {
        if (assistant.Count > 0)
        {
            messages.Add(new IrMessage(IrRole.Assistant, [.. assistant]));
            assistant.Clear();
        }
    }

    private static string? StringOf(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Fail(string message, out IrError? error)
    {
        error = ResponsesRequestDecoder.Invalid(message);
        return false;
    }
}
