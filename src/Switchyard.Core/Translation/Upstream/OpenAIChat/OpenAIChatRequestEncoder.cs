using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIChat;

/// <summary><see cref="IrRequest"/> → a chat completions body for an OpenAI-compatible upstream.</summary>
internal static class OpenAIChatRequestEncoder
{
    /// <param name="maxCompletionTokens">
    /// Send the limit as <c>max_completion_tokens</c> (OpenAI's reasoning models refuse <c>max_tokens</c>) instead of
    /// <c>max_tokens</c> (the name every OpenAI-compatible server understands; Mistral rejects unknown fields).
    /// </param>
    public static byte[] Encode(IrRequest request, string upstreamModelId, bool maxCompletionTokens)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer, OpenAIChatJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("model"u8, upstreamModelId);
        writer.WriteStartArray("messages"u8);
        WriteSystem(writer, request.System);
        foreach (var message in request.Messages)
        {
            OpenAIChatMessageEncoder.Write(writer, message);
        }

        writer.WriteEndArray();
        WriteTools(writer, request);
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber(maxCompletionTokens ? "max_completion_tokens"u8 : "max_tokens"u8, max);
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        // TopK is left out: OpenAI answers 400 to unknown parameters, and it is not part of the chat API.
        if (request.StopSequences.Count > 0)
        {
            writer.WriteStartArray("stop"u8);
            foreach (var stop in request.StopSequences)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        WriteResponseFormat(writer, request.ResponseFormat);
        if (ReasoningEffort(request.Reasoning) is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
            // Usage is always captured (limits, cost); the client stream encoder shows it only if the client asked.
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        if (request.User is { } user)
        {
            writer.WriteString("user"u8, user);
        }

        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>reasoning_effort</c>: the client's effort when it gave one; otherwise a thinking budget mapped by
    /// ≤1024 → low, ≤8192 → medium, larger → high; nothing when thinking is off or unspecified (many
    /// OpenAI-compatible models accept no effort value at all).
    /// </summary>
    internal static string? ReasoningEffort(IrReasoning? reasoning) => reasoning switch
    {
        { Effort: { } effort } => effort,
        { Enabled: true, BudgetTokens: { } budget } => budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high",
        _ => null,
    };

    /// <summary>All instructions as one leading <c>system</c> message (the role every compatible server knows).</summary>
    private static void WriteSystem(Utf8JsonWriter writer, List<IrTextPart> system)
    {
        if (system.Count == 0)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "system"u8);
        if (system.Count == 1)
        {
            writer.WriteString("content"u8, system[0].Text);
        }
        else
        {
            var texts = new string[system.Count];
            for (var i = 0; i < texts.Length; i++)
            {
                texts[i] = system[i].Text;
            }

            writer.WriteString("content"u8, string.Join("\n\n", texts));
        }

        writer.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter writer, IrRequest request)
    {
        if (request.Tools.Count > 0)
        {
            writer.WriteStartArray("tools"u8);
            foreach (var tool in request.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, tool.Name);
                if (tool.Description is { } description)
                {
                    writer.WriteString("description"u8, description);
                }

                if (tool.ParametersSchema is { } schema)
                {
                    writer.WritePropertyName("parameters"u8);
                    schema.WriteTo(writer);
                }

                if (tool.Strict is { } strict)
                {
                    writer.WriteBoolean("strict"u8, strict);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        switch (request.ToolChoice?.Kind)
        {
            case IrToolChoiceKind.Auto:
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
            case IrToolChoiceKind.None:
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case IrToolChoiceKind.Required:
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
            case IrToolChoiceKind.Named:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, request.ToolChoice.Name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }

        if (request.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, IrResponseFormat? format)
    {
        if (format is null)
        {
            return;
        }

        writer.WriteStartObject("response_format"u8);
        switch (format.Kind)
        {
            case IrResponseFormatKind.Text:
                writer.WriteString("type"u8, "text"u8);
                break;
            case IrResponseFormatKind.JsonObject:
                writer.WriteString("type"u8, "json_object"u8);
                break;
            default:
                writer.WriteString("type"u8, "json_schema"u8);
                writer.WriteStartObject("json_schema"u8);
                // OpenAI requires a name; clients of other protocols have no field for one.
                writer.WriteString("name"u8, format.SchemaName ?? "response");
                if (format.Schema is { } schema)
                {
                    writer.WritePropertyName("schema"u8);
                    schema.WriteTo(writer);
                }

                if (format.Strict is { } strict)
                {
                    writer.WriteBoolean("strict"u8, strict);
                }

                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }
}
