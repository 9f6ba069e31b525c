using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>
/// A chat completions request body → <see cref="IrRequest"/>. Runs only when the upstream speaks another protocol
/// (same-protocol traffic is passed through), so fields that cannot cross are either dropped (sampling extras) or
/// refused with a 400 (anything that would change the answer's shape, like <c>n</c> &gt; 1).
/// </summary>
internal static class OpenAIChatRequestDecoder
{
    public static bool TryDecode(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error)
    {
        request = null;
        error = null;
        JsonElement root;
        try
        {
            // ParseValue gives an element that owns its copy of the bytes, so the raw schemas and unknown parts kept
            // in the IR stay valid without a pooled document to dispose.
            var reader = new Utf8JsonReader(body.Span);
            root = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonException("unexpected data after the JSON object");
            }
        }
        catch (JsonException ex)
        {
            error = Invalid("the request body is not valid JSON: " + ex.Message);
            return false;
        }

        try
        {
            request = Decode(root);
            return true;
        }
        catch (InvalidRequestException ex)
        {
            error = Invalid(ex.Message);
            return false;
        }
    }

    private static IrError Invalid(string message) => new(400, "invalid_request_error", message);

    private static IrRequest Decode(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException("the request body must be a JSON object");
        }

        var request = new IrRequest { Model = OptionalString(root, "model") };
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("'messages' is required and must be an array");
        }

        if (messages.GetArrayLength() == 0)
        {
            throw new InvalidRequestException("'messages' must contain at least one message");
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            OpenAIChatMessageDecoder.Decode(message, i++, request);
        }

        DecodeTools(root, request);
        if (OpenAIChatJson.TryGet(root, "n", out var n) && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var count) && count == 1))
        {
            throw new InvalidRequestException("'n' other than 1 cannot be translated for this model's provider");
        }

        // max_completion_tokens superseded max_tokens; when a client sends both, the newer one is the one it means.
        request.MaxTokens = OptionalInt(root, "max_completion_tokens") ?? OptionalInt(root, "max_tokens");
        request.Temperature = OptionalDouble(root, "temperature");
        request.TopP = OptionalDouble(root, "top_p");
        request.TopK = OptionalInt(root, "top_k"); // not OpenAI's, but sent to vLLM-style servers via extra_body
        DecodeStop(root, request);
        request.ResponseFormat = DecodeResponseFormat(root);
        if (OptionalString(root, "reasoning_effort") is { } effort)
        {
            request.Reasoning = new IrReasoning { Effort = effort, Enabled = effort != "none" };
        }

        request.Stream = OptionalBool(root, "stream") ?? false;
        request.User = OptionalString(root, "user");
        request.Store = OptionalBool(root, "store");
        return request;
    }

    private static void DecodeTools(JsonElement root, IrRequest request)
    {
        if (OpenAIChatJson.TryGet(root, "tools", out var tools))
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidRequestException("'tools' must be an array");
            }

            foreach (var tool in tools.EnumerateArray())
            {
                var type = OpenAIChatJson.String(tool, "type");
                if (type != "function")
                {
                    throw new InvalidRequestException($"tool type '{type}' cannot be translated; only 'function' tools can");
                }

                if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                    || OpenAIChatJson.String(function, "name") is not { } name)
                {
                    throw new InvalidRequestException("each tool needs 'function' with a string 'name'");
                }

                JsonElement? parameters = OpenAIChatJson.TryGet(function, "parameters", out var p) ? p : null;
                request.Tools.Add(new IrTool(name, OptionalString(function, "description"), parameters)
                {
                    Strict = OptionalBool(function, "strict"),
                });
            }
        }

        if (OpenAIChatJson.TryGet(root, "tool_choice", out var choice))
        {
            request.ToolChoice = choice.ValueKind == JsonValueKind.String
                ? choice.GetString() switch
                {
                    "auto" => IrToolChoice.Auto,
                    "none" => IrToolChoice.None,
                    "required" => IrToolChoice.Required,
                    var other => throw new InvalidRequestException($"unknown 'tool_choice' value '{other}'"),
                }
                : OpenAIChatJson.String(choice, "type") == "function"
                    && OpenAIChatJson.TryGet(choice, "function", out var f) && OpenAIChatJson.String(f, "name") is { } named
                    ? new IrToolChoice(IrToolChoiceKind.Named, named)
                    : throw new InvalidRequestException("'tool_choice' must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}");
        }

        request.ParallelToolCalls = OptionalBool(root, "parallel_tool_calls");
    }

    private static void DecodeStop(JsonElement root, IrRequest request)
    {
        if (!OpenAIChatJson.TryGet(root, "stop", out var stop))
        {
            return;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            request.StopSequences.Add(stop.GetString()!);
            return;
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("'stop' must be a string or an array of strings");
        }

        foreach (var s in stop.EnumerateArray())
        {
            request.StopSequences.Add(s.ValueKind == JsonValueKind.String
                ? s.GetString()!
                : throw new InvalidRequestException("'stop' must be a string or an array of strings"));
        }
    }

    private static IrResponseFormat? DecodeResponseFormat(JsonElement root)
    {
        if (!OpenAIChatJson.TryGet(root, "response_format", out var format))
        {
            return null;
        }

        switch (OpenAIChatJson.String(format, "type"))
        {
            case "text":
                return new IrResponseFormat(IrResponseFormatKind.Text);
            case "json_object":
                return new IrResponseFormat(IrResponseFormatKind.JsonObject);
            case "json_schema":
                if (!OpenAIChatJson.TryGet(format, "json_schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidRequestException("'response_format.json_schema' must be an object");
                }

                return new IrResponseFormat(IrResponseFormatKind.JsonSchema)
                {
                    SchemaName = OptionalString(schema, "name"),
                    Schema = OpenAIChatJson.TryGet(schema, "schema", out var s) ? s : null,
                    Strict = OptionalBool(schema, "strict"),
                };
            case var other:
                throw new InvalidRequestException($"unknown 'response_format' type '{other}'");
        }
    }

    internal static string? OptionalString(JsonElement obj, string name)
        => !OpenAIChatJson.TryGet(obj, name, out var v) ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString()
            : throw new InvalidRequestException($"'{name}' must be a string");

    private static bool? OptionalBool(JsonElement obj, string name)
        => !OpenAIChatJson.TryGet(obj, name, out var v) ? null
            : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
            : throw new InvalidRequestException($"'{name}' must be a boolean");

    private static int? OptionalInt(JsonElement obj, string name)
        => !OpenAIChatJson.TryGet(obj, name, out var v) ? null
            : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i
            : throw new InvalidRequestException($"'{name}' must be an integer");

    private static double? OptionalDouble(JsonElement obj, string name)
        => !OpenAIChatJson.TryGet(obj, name, out var v) ? null
            : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw new InvalidRequestException($"'{name}' must be a number");
}

/// <summary>
/// Unwinds a request decode to its single catch in <see cref="OpenAIChatRequestDecoder.TryDecode"/>, which turns it
/// into a 400 value; it never leaves the decoder (an invalid body is an expected failure, not a bug).
/// </summary>
internal sealed class InvalidRequestException(string message) : Exception(message);
