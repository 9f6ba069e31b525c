using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// <see cref="IrRequest"/> → a <c>generateContent</c> / <c>streamGenerateContent</c> body (the same body serves
/// both; the gateway picks the URL). Field names are the API's camelCase JSON names.
/// </summary>
internal static class GeminiRequestEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(IrRequest request, string upstreamModelId)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            var systemTexts = new List<string>();
            foreach (var text in request.System)
            {
                systemTexts.Add(text.Text);
            }

            GeminiContentsEncoder.Write(writer, request, RequiresThoughtSignatures(upstreamModelId), systemTexts);
            WriteSystemInstruction(writer, systemTexts);
            WriteTools(writer, request);
            WriteGenerationConfig(writer, request);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether the model validates thought signatures on function calls (Gemini 3 and later; aliases such as
    /// <c>gemini-flash-latest</c> point there too). Gemini 1.x/2.x and Gemma never did, and get no placeholder.
    /// </summary>
    internal static bool RequiresThoughtSignatures(string modelId)
    {
        var id = modelId.StartsWith("models/", StringComparison.Ordinal) ? modelId[7..] : modelId;
        return !(id.StartsWith("gemini-1", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith("gemini-2", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith("gemma", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith("learnlm", StringComparison.OrdinalIgnoreCase));
    }

    // Several system/developer texts become several parts of one systemInstruction, in order.
    private static void WriteSystemInstruction(Utf8JsonWriter writer, List<string> texts)
    {
        if (texts.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("systemInstruction");
        writer.WriteStartArray("parts");
        foreach (var text in texts)
        {
            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Function tools. The schema goes unchanged as <c>parametersJsonSchema</c> (full JSON Schema, additionalProperties
    /// and $ref included) instead of being cut down to the OpenAPI subset that <c>parameters</c> accepts.
    /// </summary>
    private static void WriteTools(Utf8JsonWriter writer, IrRequest request)
    {
        if (request.Tools.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("tools");
        writer.WriteStartObject();
        writer.WriteStartArray("functionDeclarations");
        foreach (var tool in request.Tools)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            if (!string.IsNullOrEmpty(tool.Description))
            {
                writer.WriteString("description", tool.Description);
            }

            if (tool.ParametersSchema is { ValueKind: JsonValueKind.Object } schema)
            {
                writer.WritePropertyName("parametersJsonSchema");
                schema.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();

        if (request.ToolChoice is not { } choice)
        {
            return;
        }

        writer.WriteStartObject("toolConfig");
        writer.WriteStartObject("functionCallingConfig");
        writer.WriteString("mode", choice.Kind switch
        {
            IrToolChoiceKind.None => "NONE",
            IrToolChoiceKind.Required or IrToolChoiceKind.Named => "ANY",
            _ => "AUTO",
        });
        if (choice is { Kind: IrToolChoiceKind.Named, Name: { } name })
        {
            writer.WriteStartArray("allowedFunctionNames");
            writer.WriteStringValue(name);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteGenerationConfig(Utf8JsonWriter writer, IrRequest request)
    {
        var format = request.ResponseFormat;
        var json = format is { Kind: IrResponseFormatKind.JsonObject or IrResponseFormatKind.JsonSchema };
        var thinking = GeminiReasoning.From(request.Reasoning);
        if (request.MaxTokens is null && request.Temperature is null && request.TopP is null && request.TopK is null
            && request.StopSequences.Count == 0 && !json && thinking is null)
        {
            return;
        }

        writer.WriteStartObject("generationConfig");
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber("maxOutputTokens", max);
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("topP", topP);
        }

        if (request.TopK is { } topK)
        {
            writer.WriteNumber("topK", topK);
        }

        if (request.StopSequences.Count > 0)
        {
            writer.WriteStartArray("stopSequences");
            foreach (var stop in request.StopSequences)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (json)
        {
            writer.WriteString("responseMimeType", "application/json");
            if (format!.Kind == IrResponseFormatKind.JsonSchema && format.Schema is { ValueKind: JsonValueKind.Object } schema)
            {
                writer.WritePropertyName("responseJsonSchema");
                schema.WriteTo(writer);
            }
        }

        if (thinking is { } t)
        {
            writer.WriteStartObject("thinkingConfig");
            if (t.Budget is { } budget)
            {
                writer.WriteNumber("thinkingBudget", budget);
            }

            if (t.IncludeThoughts)
            {
                writer.WriteBoolean("includeThoughts", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
