using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// IR → Converse / ConverseStream request body. The model id and streaming are in the URL, not the body. Converse has
/// no tool_choice "none", no parallel-tool-calls switch and no user field; reasoning and top-k go in
/// <c>additionalModelRequestFields</c> in the shape of the model family (<see cref="BedrockModelFamilies"/>).
/// </summary>
internal static class BedrockConverseRequestEncoder
{
    /// <summary>maxTokens when Claude thinks and the client gave none (Bedrock requires maxTokens &gt; budget_tokens).</summary>
    public const int DefaultMaxTokensWithThinking = 4096;

    /// <summary>Output room kept above the thinking budget when the budget would not fit under maxTokens.</summary>
    public const int AnswerRoomAboveBudget = 4096;

    public static byte[] Encode(IrRequest request, string upstreamModelId)
    {
        var family = BedrockModelFamilies.Of(upstreamModelId);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, BedrockWire.WriterOptions))
        {
            w.WriteStartObject();
            var system = new List<IrTextPart>(request.System);
            BedrockConverseTurnEncoder.WriteMessages(w, request.Messages, family, system);
            WriteSystem(w, system);
            var budget = WriteAdditionalFields(w, request, family);
            WriteInferenceConfig(w, request, budget);
            WriteToolConfig(w, request);
            WriteOutputConfig(w, request.ResponseFormat);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSystem(Utf8JsonWriter w, List<IrTextPart> system)
    {
        var any = false;
        foreach (var part in system)
        {
            if (part.Text.Length == 0)
            {
                continue;
            }

            if (!any)
            {
                w.WriteStartArray("system"u8);
                any = true;
            }

            w.WriteStartObject();
            w.WriteString("text"u8, part.Text);
            w.WriteEndObject();
            BedrockConverseTurnEncoder.CachePoint(w, part.CacheControl);
        }

        if (any)
        {
            w.WriteEndArray();
        }
    }

    /// <summary>Writes <c>additionalModelRequestFields</c> when there is something to put there; returns the Claude thinking budget.</summary>
    private static int? WriteAdditionalFields(Utf8JsonWriter w, IrRequest request, BedrockModelFamily family)
    {
        if (request.TopK is null && !BedrockModelFamilies.HasReasoning(family, request.Reasoning))
        {
            return null;
        }

        w.WriteStartObject("additionalModelRequestFields"u8);
        var budget = BedrockModelFamilies.WriteReasoning(w, family, request.Reasoning);
        if (request.TopK is { } topK)
        {
            BedrockModelFamilies.WriteTopK(w, family, topK);
        }

        w.WriteEndObject();
        return budget;
    }

    private static void WriteInferenceConfig(Utf8JsonWriter w, IrRequest request, int? thinkingBudget)
    {
        var maxTokens = request.MaxTokens;
        if (thinkingBudget is { } budget && (maxTokens ?? DefaultMaxTokensWithThinking) <= budget)
        {
            maxTokens = budget + AnswerRoomAboveBudget;
        }
        else if (thinkingBudget is not null)
        {
            maxTokens ??= DefaultMaxTokensWithThinking;
        }

        if (maxTokens is null && request.Temperature is null && request.TopP is null && request.StopSequences.Count == 0)
        {
            return;
        }

        w.WriteStartObject("inferenceConfig"u8);
        if (maxTokens is { } max)
        {
            w.WriteNumber("maxTokens"u8, max);
        }

        if (request.Temperature is { } temperature)
        {
            w.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            w.WriteNumber("topP"u8, topP);
        }

        if (request.StopSequences.Count > 0)
        {
            w.WriteStartArray("stopSequences"u8);
            foreach (var stop in request.StopSequences)
            {
                w.WriteStringValue(stop);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// Tools and tool choice. Converse has no "none": with tool_choice none the tools are left out — unless the
    /// conversation already holds toolUse/toolResult blocks, which Converse refuses without a toolConfig; then the
    /// tools are sent with no toolChoice (the model may still call one). Likewise, a history with tool calls but
    /// no declared tools gets minimal specs (empty object schema) for the names it calls.
    /// </summary>
    private static void WriteToolConfig(Utf8JsonWriter w, IrRequest request)
    {
        var historyUsesTools = BedrockConverseTurnEncoder.UsesTools(request.Messages, out var calledNames);
        var none = request.ToolChoice?.Kind == IrToolChoiceKind.None;
        if ((request.Tools.Count == 0 || none) && !historyUsesTools)
        {
            return;
        }

        w.WriteStartObject("toolConfig"u8);
        w.WriteStartArray("tools"u8);
        foreach (var tool in request.Tools)
        {
            WriteToolSpec(w, tool.Name, tool.Description, tool.ParametersSchema);
            BedrockConverseTurnEncoder.CachePoint(w, tool.CacheControl);
            calledNames.Remove(tool.Name);
        }

        foreach (var name in calledNames)
        {
            WriteToolSpec(w, name, null, null);
        }

        w.WriteEndArray();
        if (!none && request.Tools.Count > 0 && request.ToolChoice is { } choice)
        {
            w.WriteStartObject("toolChoice"u8);
            switch (choice.Kind)
            {
                case IrToolChoiceKind.Required:
                    w.WriteStartObject("any"u8);
                    w.WriteEndObject();
                    break;
                case IrToolChoiceKind.Named:
                    w.WriteStartObject("tool"u8);
                    w.WriteString("name"u8, choice.Name);
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartObject("auto"u8);
                    w.WriteEndObject();
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteToolSpec(Utf8JsonWriter w, string name, string? description, JsonElement? schema)
    {
        w.WriteStartObject();
        w.WriteStartObject("toolSpec"u8);
        w.WriteString("name"u8, name);
        if (!string.IsNullOrEmpty(description))
        {
            w.WriteString("description"u8, description);
        }

        w.WriteStartObject("inputSchema"u8);
        w.WritePropertyName("json"u8);
        if (schema is { ValueKind: JsonValueKind.Object } s)
        {
            s.WriteTo(w);
        }
        else
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "object"u8);
            w.WriteStartObject("properties"u8);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// Structured output: <c>outputConfig.textFormat</c> (json_schema, schema as a JSON string). A bare JSON-object
    /// request becomes the schema <c>{"type":"object"}</c>; plain text sends nothing.
    /// </summary>
    private static void WriteOutputConfig(Utf8JsonWriter w, IrResponseFormat? format)
    {
        if (format is null || format.Kind == IrResponseFormatKind.Text)
        {
            return;
        }

        var schema = format.Kind == IrResponseFormatKind.JsonSchema && format.Schema is { ValueKind: JsonValueKind.Object } s
            ? s.GetRawText()
            : """{"type":"object"}""";
        w.WriteStartObject("outputConfig"u8);
        w.WriteStartObject("textFormat"u8);
        w.WriteString("type"u8, "json_schema"u8);
        w.WriteStartObject("structure"u8);
        w.WriteStartObject("jsonSchema"u8);
        w.WriteString("schema"u8, schema);
        if (!string.IsNullOrEmpty(format.SchemaName))
        {
            w.WriteString("name"u8, format.SchemaName);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
