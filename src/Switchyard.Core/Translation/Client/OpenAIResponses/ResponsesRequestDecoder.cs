using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.State;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// A Responses API request body → <see cref="IrRequest"/> plus the <see cref="ResponsesRequestInfo"/> its Response
/// echoes. <c>previous_response_id</c> is resolved here, against the gateway's own conversation store.
/// </summary>
internal static class ResponsesRequestDecoder
{
    public static bool TryDecode(
        ReadOnlyMemory<byte> body,
        IResponseStateStore store,
        out IrRequest? request,
        out ResponsesRequestInfo? info,
        out IrError? error)
    {
        request = null;
        info = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            error = Invalid($"The request body is not valid JSON: {ex.Message}");
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = Invalid("The request body must be a JSON object.");
                return false;
            }

            return TryDecode(root, store, out request, out info, out error);
        }
    }

    private static bool TryDecode(JsonElement root, IResponseStateStore store, out IrRequest? request, out ResponsesRequestInfo? info, out IrError? error)
    {
        request = null;
        info = null;
        var ir = new IrRequest();
        var conversationSystem = new List<IrTextPart>();

        if (Has(root, "background"u8, out var background) && background.ValueKind == JsonValueKind.True)
        {
            error = Invalid("'background' responses cannot be served for this model's provider.");
            return false;
        }

        foreach (var unsupported in (ReadOnlySpan<string>)["conversation", "prompt"])
        {
            if (root.TryGetProperty(unsupported, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                error = Invalid($"'{unsupported}' cannot be translated for this model's provider; use 'previous_response_id' and inline instructions.");
                return false;
            }
        }

        var previousId = OptionalString(root, "previous_response_id"u8);
        if (previousId is not null)
        {
            if (!store.TryGet(previousId, out var stored) || stored is null)
            {
                // 409 as in Plano (the conversation state is missing, not the endpoint); OpenAI's own code is kept.
                error = new IrError(409, "invalid_request_error", $"Conversation state not found for previous_response_id '{previousId}' (unknown, expired or not stored).") { Code = "previous_response_not_found" };
                return false;
            }

            conversationSystem.AddRange(stored.System);
            ir.Messages.AddRange(stored.Messages);
        }

        if (Has(root, "input"u8, out var input)
            && !ResponsesInputDecoder.TryDecode(input, ir.Messages, conversationSystem, out error))
        {
            return false;
        }

        if (Has(root, "instructions"u8, out var instructionsElement) && instructionsElement.ValueKind != JsonValueKind.String)
        {
            error = Invalid("'instructions' must be a string.");
            return false;
        }

        var instructions = OptionalString(root, "instructions"u8);
        if (!string.IsNullOrEmpty(instructions))
        {
            ir.System.Add(new IrTextPart(instructions));
        }

        ir.System.AddRange(conversationSystem);
        ir.Model = OptionalString(root, "model"u8);
        ir.Stream = Has(root, "stream"u8, out var stream) && stream.ValueKind == JsonValueKind.True;
        ir.User = OptionalString(root, "user"u8) ?? OptionalString(root, "safety_identifier"u8);

        if (!TryTools(root, ir, out error)
            || !TryToolChoice(root, ir, out error)
            || !TryText(root, ir, out error)
            || !TryNumbers(root, ir, out error))
        {
            return false;
        }

        if (Has(root, "parallel_tool_calls"u8, out var parallel) && parallel.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            ir.ParallelToolCalls = parallel.GetBoolean();
        }

        if (Has(root, "reasoning"u8, out var reasoning) && OptionalString(reasoning, "effort"u8) is { } effort)
        {
            // gpt-5.1's "none" means no reasoning at all; other targets read that as thinking turned off.
            ir.Reasoning = new IrReasoning { Effort = effort, Enabled = effort != "none" };
        }

        info = new ResponsesRequestInfo
        {
            Instructions = instructions,
            PreviousResponseId = previousId,
            Store = !(Has(root, "store"u8, out var storeFlag) && storeFlag.ValueKind == JsonValueKind.False),
            Tools = CloneIfPresent(root, "tools"u8),
            ToolChoice = CloneIfPresent(root, "tool_choice"u8),
            Text = CloneIfPresent(root, "text"u8),
            Reasoning = CloneIfPresent(root, "reasoning"u8),
            Metadata = CloneIfPresent(root, "metadata"u8),
            ParallelToolCalls = ir.ParallelToolCalls,
            Temperature = ir.Temperature,
            TopP = ir.TopP,
            MaxOutputTokens = ir.MaxTokens,
            User = ir.User,
            ConversationSystem = conversationSystem,
        };
        request = ir;
        error = null;
        return true;
    }

    private static bool TryTools(JsonElement root, IrRequest ir, out IrError? error)
    {
        error = null;
        if (!Has(root, "tools"u8, out var tools))
        {
            return true;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            error = Invalid("'tools' must be an array.");
            return false;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            var type = OptionalString(tool, "type"u8);
            if (type != "function")
            {
                error = Invalid($"Tools of type '{type}' (built into OpenAI) cannot be translated for this model's provider; only 'function' tools can.");
                return false;
            }

            var name = OptionalString(tool, "name"u8);
            if (string.IsNullOrEmpty(name))
            {
                error = Invalid("Function tools need a 'name'.");
                return false;
            }

            ir.Tools.Add(new IrTool(name, OptionalString(tool, "description"u8), CloneIfPresent(tool, "parameters"u8))
            {
                Strict = Has(tool, "strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False ? strict.GetBoolean() : null,
            });
        }

        return true;
    }

    private static bool TryToolChoice(JsonElement root, IrRequest ir, out IrError? error)
    {
        error = null;
        if (!Has(root, "tool_choice"u8, out var choice))
        {
            return true;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            ir.ToolChoice = choice.GetString() switch
            {
                "auto" => IrToolChoice.Auto,
                "none" => IrToolChoice.None,
                "required" => IrToolChoice.Required,
                _ => null,
            };
            if (ir.ToolChoice is null)
            {
                error = Invalid($"'tool_choice' '{choice.GetString()}' is not one of auto, none, required.");
                return false;
            }

            return true;
        }

        if (OptionalString(choice, "type"u8) == "function" && OptionalString(choice, "name"u8) is { Length: > 0 } name)
        {
            ir.ToolChoice = new IrToolChoice(IrToolChoiceKind.Named, name);
            return true;
        }

        error = Invalid($"'tool_choice' of type '{OptionalString(choice, "type"u8)}' cannot be translated for this model's provider; use auto, none, required or a named function.");
        return false;
    }

    private static bool TryText(JsonElement root, IrRequest ir, out IrError? error)
    {
        error = null;
        if (!Has(root, "text"u8, out var text) || !Has(text, "format"u8, out var format))
        {
            return true;
        }

        switch (OptionalString(format, "type"u8))
        {
            case "text":
                ir.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.Text);
                return true;
            case "json_object":
                ir.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonObject);
                return true;
            case "json_schema":
                ir.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonSchema)
                {
                    SchemaName = OptionalString(format, "name"u8),
                    Schema = CloneIfPresent(format, "schema"u8),
                    Strict = Has(format, "strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False ? strict.GetBoolean() : null,
                };
                return true;
            default:
                error = Invalid($"'text.format.type' '{OptionalString(format, "type"u8)}' is not one of text, json_object, json_schema.");
                return false;
        }
    }

    private static bool TryNumbers(JsonElement root, IrRequest ir, out IrError? error)
    {
        error = null;
        if (Has(root, "max_output_tokens"u8, out var max))
        {
            if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var value) || value < 1)
            {
                error = Invalid("'max_output_tokens' must be a positive integer.");
                return false;
            }

            ir.MaxTokens = value;
        }

        if (!TryDouble(root, "temperature"u8, "temperature", out var temperature, out error)
            || !TryDouble(root, "top_p"u8, "top_p", out var topP, out error))
        {
            return false;
        }

        ir.Temperature = temperature;
        ir.TopP = topP;
        return true;
    }

    private static bool TryDouble(JsonElement root, ReadOnlySpan<byte> name, string param, out double? value, out IrError? error)
    {
        value = null;
        error = null;
        if (!Has(root, name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            error = Invalid($"'{param}' must be a number.");
            return false;
        }

        value = element.GetDouble();
        return true;
    }

    /// <summary>The 400 every malformed or untranslatable request gets.</summary>
    internal static IrError Invalid(string message) => new(400, "invalid_request_error", message);

    /// <summary>True when <paramref name="name"/> is present and not null.</summary>
    private static bool Has(JsonElement obj, ReadOnlySpan<byte> name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static string? OptionalString(JsonElement obj, ReadOnlySpan<byte> name) =>
        Has(obj, name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? CloneIfPresent(JsonElement obj, ReadOnlySpan<byte> name) =>
        Has(obj, name, out var v) ? v.Clone() : null;
}
