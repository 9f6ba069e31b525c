using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>
/// IR → Anthropic Messages request body. Anthropic's rules are enforced here rather than left to a 400: turns alternate
/// (consecutive same-role turns are merged; tool results, system/developer turns are placed where Anthropic wants
/// them), max_tokens is always present and above the thinking budget, and a tool_choice is only sent with tools.
/// </summary>
internal static class AnthropicMessagesRequestEncoder
{
    /// <summary>max_tokens when the client gave none (Anthropic requires it; every current Claude model allows it).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Output room kept above the thinking budget when the budget would not fit under max_tokens.</summary>
    public const int AnswerRoomAboveBudget = 4096;

    public static byte[] Encode(IrRequest request, string upstreamModelId)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, AnthropicWire.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("model"u8, upstreamModelId);
            var budget = AnthropicThinkingBudget.For(request.Reasoning);
            var maxTokens = request.MaxTokens ?? DefaultMaxTokens;
            if (budget is { } b && b >= maxTokens)
            {
                maxTokens = b + AnswerRoomAboveBudget;
            }

            w.WriteNumber("max_tokens"u8, maxTokens);
            WriteSystem(w, request);
            AnthropicTurnWriter.WriteMessages(w, request.Messages);
            WriteTools(w, request);
            WriteSampling(w, request);
            if (budget is { } thinkingBudget)
            {
                w.WriteStartObject("thinking"u8);
                w.WriteString("type"u8, "enabled"u8);
                w.WriteNumber("budget_tokens"u8, thinkingBudget);
                w.WriteEndObject();
            }

            WriteOutputFormat(w, request.ResponseFormat);
            if (request.User is { } user)
            {
                w.WriteStartObject("metadata"u8);
                w.WriteString("user_id"u8, user);
                w.WriteEndObject();
            }

            if (request.Stream)
            {
                w.WriteBoolean("stream"u8, true);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSystem(Utf8JsonWriter w, IrRequest request)
    {
        // Anthropic has no system turn inside the conversation: system/developer messages join the system prompt,
        // after the top-level instructions, in order.
        var any = false;
        foreach (var part in request.System)
        {
            any |= part.Text.Length > 0;
        }

        foreach (var message in request.Messages)
        {
            any |= AnthropicTurnWriter.IsSystemRole(message.Role);
        }

        if (!any)
        {
            return;
        }

        w.WriteStartArray("system"u8);
        foreach (var part in request.System)
        {
            AnthropicBlockWriter.TryWrite(w, part, forRequest: true);
        }

        foreach (var message in request.Messages)
        {
            if (AnthropicTurnWriter.IsSystemRole(message.Role))
            {
                foreach (var part in message.Parts)
                {
                    if (part is IrTextPart text)
                    {
                        AnthropicBlockWriter.TryWrite(w, text, forRequest: true);
                    }
                }
            }
        }

        w.WriteEndArray();
    }

    private static void WriteTools(Utf8JsonWriter w, IrRequest request)
    {
        if (request.Tools.Count == 0)
        {
            // Anthropic rejects tool_choice without tools; with no tools there is nothing to choose or forbid.
            return;
        }

        w.WriteStartArray("tools"u8);
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, tool.Name);
            if (tool.Description is { } description)
            {
                w.WriteString("description"u8, description);
            }

            w.WritePropertyName("input_schema"u8);
            if (tool.ParametersSchema is { ValueKind: JsonValueKind.Object } schema)
            {
                schema.WriteTo(w);
            }
            else
            {
                // Anthropic requires a schema; a tool declared without parameters takes an empty object.
                w.WriteStartObject();
                w.WriteString("type"u8, "object"u8);
                w.WriteEndObject();
            }

            if (tool.Strict is { } strict)
            {
                w.WriteBoolean("strict"u8, strict);
            }

            AnthropicBlockWriter.WriteCacheControl(w, tool.CacheControl);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var choice = request.ToolChoice;
        var noParallel = request.ParallelToolCalls == false;
        if (choice is null && !noParallel)
        {
            return;
        }

        w.WriteStartObject("tool_choice"u8);
        switch (choice?.Kind ?? IrToolChoiceKind.Auto)
        {
            case IrToolChoiceKind.None:
                w.WriteString("type"u8, "none"u8);
                break;
            case IrToolChoiceKind.Required:
                w.WriteString("type"u8, "any"u8);
                break;
            case IrToolChoiceKind.Named:
                w.WriteString("type"u8, "tool"u8);
                w.WriteString("name"u8, choice!.Name ?? throw new TranslationException("tool_choice names no tool"));
                break;
            default:
                w.WriteString("type"u8, "auto"u8);
                break;
        }

        // Anthropic's none takes no parallel flag (no tool is called at all).
        if (noParallel && choice?.Kind != IrToolChoiceKind.None)
        {
            w.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        w.WriteEndObject();
    }

    private static void WriteSampling(Utf8JsonWriter w, IrRequest request)
    {
        if (request.Temperature is { } temperature)
        {
            w.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            w.WriteNumber("top_p"u8, topP);
        }

        if (request.TopK is { } topK)
        {
            w.WriteNumber("top_k"u8, topK);
        }

        if (request.StopSequences.Count > 0)
        {
            w.WriteStartArray("stop_sequences"u8);
            foreach (var s in request.StopSequences)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
        }
    }

    private static void WriteOutputFormat(Utf8JsonWriter w, IrResponseFormat? format)
    {
        switch (format?.Kind)
        {
            case IrResponseFormatKind.JsonSchema when format.Schema is { } schema:
                // Structured outputs (GA): output_config.format. Name and strict have no Anthropic field: the
                // schema is always enforced.
                w.WriteStartObject("output_config"u8);
                w.WriteStartObject("format"u8);
                w.WriteString("type"u8, "json_schema"u8);
                w.WritePropertyName("schema"u8);
                schema.WriteTo(w);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case IrResponseFormatKind.JsonSchema:
                throw new TranslationException("response_format json_schema without a schema cannot be sent to Anthropic");
            case IrResponseFormatKind.JsonObject:
                // Anthropic structured outputs need a schema, and a hidden prompt instruction would change the
                // conversation behind the client's back: refuse with a clear 400 instead.
                throw new TranslationException("response_format json_object has no Anthropic equivalent; send response_format json_schema with a schema instead");
        }
    }
}
