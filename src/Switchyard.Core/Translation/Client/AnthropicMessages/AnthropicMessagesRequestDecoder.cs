using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>
/// Anthropic Messages request body → IR. Runs only when the upstream speaks another protocol (Anthropic to Anthropic
/// is pass-through), so what cannot cross is refused here with a 400 naming it: server tools (web_search, code
/// execution, tool search, …) have no equivalent elsewhere. Fields with no IR home that only tune Anthropic's own
/// service (service_tier, container, context_management, mcp_servers, inference_geo) are ignored.
/// </summary>
internal static class AnthropicMessagesRequestDecoder
{
    public static bool TryDecode(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error)
    {
        request = null;
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(body.Span);
            // One non-pooled copy: schemas, cache hints and unknown blocks point into it for the request's lifetime.
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            error = Invalid($"the request body is not valid JSON: {ex.Message}");
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = Invalid("the request body must be a JSON object");
            return false;
        }

        var r = new IrRequest();
        error = ReadScalars(root, r) ?? ReadSystem(root, r) ?? ReadMessages(root, r) ?? ReadTools(root, r) ?? ReadReasoningAndFormat(root, r);
        if (error is not null)
        {
            return false;
        }

        request = r;
        return true;
    }

    private static IrError Invalid(string message) => new(400, AnthropicErrorTypes.InvalidRequest, message);

    private static IrError? ReadScalars(JsonElement root, IrRequest r)
    {
        if (root.TryGetProperty("model"u8, out var model) && model.ValueKind == JsonValueKind.String)
        {
            r.Model = model.GetString();
        }

        if (!root.TryGetProperty("max_tokens"u8, out var max) || max.ValueKind != JsonValueKind.Number)
        {
            return Invalid("max_tokens: Field required (an integer number of output tokens)");
        }

        if (!max.TryGetInt32(out var maxTokens) || maxTokens < 1)
        {
            return Invalid("max_tokens: must be a positive integer");
        }

        r.MaxTokens = maxTokens;
        r.Temperature = Double(root, "temperature"u8);
        r.TopP = Double(root, "top_p"u8);
        r.TopK = AnthropicWire.Int(root, "top_k"u8);
        r.Stream = root.TryGetProperty("stream"u8, out var stream) && stream.ValueKind == JsonValueKind.True;
        if (AnthropicWire.Elem(root, "stop_sequences"u8) is { } stops)
        {
            if (stops.ValueKind != JsonValueKind.Array)
            {
                return Invalid("stop_sequences: must be an array of strings");
            }

            foreach (var s in stops.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.String)
                {
                    return Invalid("stop_sequences: must be an array of strings");
                }

                r.StopSequences.Add(s.GetString()!);
            }
        }

        if (AnthropicWire.Elem(root, "metadata"u8) is { ValueKind: JsonValueKind.Object } metadata)
        {
            r.User = AnthropicWire.Str(metadata, "user_id"u8);
        }

        return null;
    }

    private static double? Double(JsonElement obj, ReadOnlySpan<byte> name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static IrError? ReadSystem(JsonElement root, IrRequest r)
    {
        switch (AnthropicWire.Elem(root, "system"u8))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.String } s:
                r.System.Add(new IrTextPart(s.GetString()!));
                return null;
            case { ValueKind: JsonValueKind.Array } blocks:
                foreach (var block in blocks.EnumerateArray())
                {
                    if (!AnthropicBlockReader.TryRead(block, out var part, out var error))
                    {
                        return Invalid($"system: {error}");
                    }

                    if (part is not IrTextPart text)
                    {
                        return Invalid("system: only text blocks are allowed");
                    }

                    r.System.Add(text);
                }

                return null;
            default:
                return Invalid("system: must be a string or an array of text blocks");
        }
    }

    private static IrError? ReadMessages(JsonElement root, IrRequest r)
    {
        if (AnthropicWire.Elem(root, "messages"u8) is not { ValueKind: JsonValueKind.Array } messages)
        {
            return Invalid("messages: Field required (an array of messages)");
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.ValueKind == JsonValueKind.Object ? AnthropicWire.Str(message, "role"u8) : null;
            if (role is not ("user" or "assistant"))
            {
                return Invalid($"messages.{i}.role: must be 'user' or 'assistant'");
            }

            var parts = new List<IrPart>();
            switch (AnthropicWire.Elem(message, "content"u8))
            {
                case { ValueKind: JsonValueKind.String } s:
                    parts.Add(new IrTextPart(s.GetString()!));
                    break;
                case { ValueKind: JsonValueKind.Array } blocks:
                    var j = 0;
                    foreach (var block in blocks.EnumerateArray())
                    {
                        if (!AnthropicBlockReader.TryRead(block, out var part, out var error))
                        {
                            return Invalid($"messages.{i}.content.{j}: {error}");
                        }

                        parts.Add(part!);
                        j++;
                    }

                    break;
                default:
                    return Invalid($"messages.{i}.content: must be a string or an array of content blocks");
            }

            AddTurn(r.Messages, role == "user" ? IrRole.User : IrRole.Assistant, parts);
            i++;
        }

        return null;
    }

    /// <summary>
    /// Adds one Anthropic turn. A user turn's tool_result blocks become one <see cref="IrRole.Tool"/> message each
    /// (the IR's OpenAI-like convention, which every encoder understands); the rest of the turn stays a user message,
    /// in the original order. Upstream encoders that need them together (Anthropic, Bedrock, Gemini) merge them back.
    /// </summary>
    private static void AddTurn(List<IrMessage> messages, IrRole role, List<IrPart> parts)
    {
        if (role != IrRole.User)
        {
            messages.Add(new IrMessage(role, parts));
            return;
        }

        List<IrPart>? run = null;
        foreach (var part in parts)
        {
            if (part is IrToolResultPart result)
            {
                if (run is not null)
                {
                    messages.Add(new IrMessage(IrRole.User, run));
                    run = null;
                }

                messages.Add(new IrMessage(IrRole.Tool, [result]));
            }
            else
            {
                (run ??= []).Add(part);
            }
        }

        if (run is not null || parts.Count == 0)
        {
            messages.Add(new IrMessage(IrRole.User, run ?? []));
        }
    }

    private static IrError? ReadTools(JsonElement root, IrRequest r)
    {
        if (AnthropicWire.Elem(root, "tools"u8) is { } tools)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                return Invalid("tools: must be an array");
            }

            var i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var type = tool.ValueKind == JsonValueKind.Object ? AnthropicWire.Str(tool, "type"u8) : null;
                if (type is not (null or "custom"))
                {
                    var label = AnthropicWire.Str(tool, "name"u8) is { } n ? $"'{n}' ({type})" : $"'{type}'";
                    return Invalid($"tools.{i}: server tool {label} runs inside Anthropic's API and cannot be translated to this model's provider; use a custom tool (name, description, input_schema) instead");
                }

                if (AnthropicWire.Str(tool, "name"u8) is not { } name)
                {
                    return Invalid($"tools.{i}.name: Field required");
                }

                r.Tools.Add(new IrTool(name, AnthropicWire.Str(tool, "description"u8), AnthropicWire.Elem(tool, "input_schema"u8))
                {
                    CacheControl = AnthropicWire.Elem(tool, "cache_control"u8),
                    Strict = tool.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False ? strict.GetBoolean() : null,
                });
                i++;
            }
        }

        if (AnthropicWire.Elem(root, "tool_choice"u8) is { ValueKind: JsonValueKind.Object } choice)
        {
            r.ToolChoice = AnthropicWire.Str(choice, "type"u8) switch
            {
                "auto" => IrToolChoice.Auto,
                "any" => IrToolChoice.Required,
                "none" => IrToolChoice.None,
                "tool" when AnthropicWire.Str(choice, "name"u8) is { } name => new IrToolChoice(IrToolChoiceKind.Named, name),
                _ => null,
            };
            if (r.ToolChoice is null)
            {
                return Invalid("tool_choice: type must be auto, any, none, or tool with a name");
            }

            if (choice.TryGetProperty("disable_parallel_tool_use"u8, out var dp) && dp.ValueKind == JsonValueKind.True)
            {
                r.ParallelToolCalls = false;
            }
        }

        return null;
    }

    private static IrError? ReadReasoningAndFormat(JsonElement root, IrRequest r)
    {
        if (AnthropicWire.Elem(root, "thinking"u8) is { ValueKind: JsonValueKind.Object } thinking)
        {
            switch (AnthropicWire.Str(thinking, "type"u8))
            {
                case "enabled":
                    if (AnthropicWire.Int(thinking, "budget_tokens"u8) is not { } budget)
                    {
                        return Invalid("thinking.budget_tokens: Field required");
                    }

                    r.Reasoning = new IrReasoning { BudgetTokens = budget };
                    break;
                case "disabled":
                    r.Reasoning = new IrReasoning { Enabled = false };
                    break;
                case "adaptive":
                    // The model decides how much to think: enabled, with no budget or effort of our own.
                    r.Reasoning = new IrReasoning();
                    break;
                default:
                    return Invalid("thinking.type: must be enabled, disabled or adaptive");
            }
        }

        var config = AnthropicWire.Elem(root, "output_config"u8);
        if (config is { ValueKind: JsonValueKind.Object } c && AnthropicWire.Str(c, "effort"u8) is { } effort)
        {
            r.Reasoning = (r.Reasoning ?? new IrReasoning()) with { Effort = effort };
        }

        // output_config.format is the GA field; output_format the deprecated beta one with the same shape.
        var format = config is { ValueKind: JsonValueKind.Object } cf ? AnthropicWire.Elem(cf, "format"u8) : null;
        format ??= AnthropicWire.Elem(root, "output_format"u8);
        if (format is { ValueKind: JsonValueKind.Object } f)
        {
            if (AnthropicWire.Str(f, "type"u8) != "json_schema" || AnthropicWire.Elem(f, "schema"u8) is not { } schema)
            {
                return Invalid("output_config.format: must be {\"type\":\"json_schema\",\"schema\":{...}}");
            }

            r.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonSchema) { Schema = schema };
        }

        return null;
    }
}
