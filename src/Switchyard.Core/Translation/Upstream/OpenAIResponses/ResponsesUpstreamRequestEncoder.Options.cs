using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>The request options of a Responses body: tools and tool choice, the text format, reasoning.</summary>
internal static partial class ResponsesUpstreamRequestEncoder
{
    private static void WriteTools(Utf8JsonWriter writer, IrRequest request)
    {
        if (request.Tools.Count > 0)
        {
            writer.WriteStartArray("tools"u8);
            foreach (var tool in request.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteString("name"u8, tool.Name);
                if (tool.Description is { } description)
                {
                    writer.WriteString("description"u8, description);
                }

                writer.WritePropertyName("parameters"u8);
                if (tool.ParametersSchema is { } schema)
                {
                    schema.WriteTo(writer);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "object"u8);
                    writer.WriteStartObject("properties"u8);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                // Responses defaults strict to true, which rejects most hand-written schemas; the client's own
                // choice is kept, and a client that said nothing gets chat's default (not strict).
                writer.WriteBoolean("strict"u8, tool.Strict ?? false);
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
                writer.WriteString("name"u8, request.ToolChoice.Name);
                writer.WriteEndObject();
                break;
        }

        if (request.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    private static void WriteTextFormat(Utf8JsonWriter writer, IrResponseFormat? format)
    {
        if (format is null)
        {
            return;
        }

        writer.WriteStartObject("text"u8);
        writer.WriteStartObject("format"u8);
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

                break;
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>reasoning</c>: the effort as over chat (a thinking budget mapped to low/medium/high). A client that asked
    /// for thinking it can read (Anthropic <c>thinking</c>) also gets a summary (<c>summary: auto</c>), the only
    /// reasoning text the Responses API gives out; an effort alone asks for none. True when reasoning was requested.
    /// </summary>
    private static bool WriteReasoning(Utf8JsonWriter writer, IrReasoning? reasoning)
    {
        if (reasoning is null || (!reasoning.Enabled && reasoning.Effort is null))
        {
            return false;
        }

        var effort = OpenAIChatRequestEncoder.ReasoningEffort(reasoning);
        var summary = reasoning.Enabled && (reasoning.BudgetTokens is not null || reasoning.Effort is null);
        if (effort is null && !summary)
        {
            return false;
        }

        writer.WriteStartObject("reasoning"u8);
        if (effort is not null)
        {
            writer.WriteString("effort"u8, effort);
        }

        if (summary)
        {
            writer.WriteString("summary"u8, "auto"u8);
        }

        writer.WriteEndObject();
        return reasoning.Enabled;
    }
}
