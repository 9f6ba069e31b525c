using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>The Response envelope of one answer: its id, creation time, the model the client sees, and the request echo.</summary>
internal sealed record ResponsesEnvelope(string Id, long CreatedAt, string Model, ResponsesRequestInfo Info);

/// <summary>Writes the Responses wire objects (Response, output items, usage) shared by the stream and response encoders.</summary>
internal static class ResponsesJson
{
    // Text is the model's: keep it readable (no \u-escaping of quotes, '<' or non-ASCII). JSON never holds a raw
    // newline, so it is SSE-safe either way.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Response <c>status</c> and <c>incomplete_details.reason</c> for an IR finish reason.</summary>
    public static (string Status, string? IncompleteReason) StatusOf(IrFinishReason? finish)
    {
        if (finish == IrFinishReason.Length)
        {
            return ("incomplete", "max_output_tokens");
        }

        return finish == IrFinishReason.ContentFilter ? ("incomplete", "content_filter") : ("completed", null);
    }

    /// <summary>
    /// Writes one output item. <paramref name="withContent"/> false writes it as <c>output_item.added</c> shows it
    /// (no text yet); true writes what was accumulated.
    /// </summary>
    public static void WriteItem(Utf8JsonWriter w, ResponsesOutputItem item, string status, bool withContent)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, item.Id);
        switch (item.Kind)
        {
            case ResponsesItemKind.Message:
                w.WriteString("type"u8, "message"u8);
                w.WriteString("status"u8, status);
                w.WriteStartArray("content"u8);
                if (withContent)
                {
                    WriteOutputText(w, item.Text.ToString());
                }

                w.WriteEndArray();
                w.WriteString("role"u8, "assistant"u8);
                break;
            case ResponsesItemKind.FunctionCall:
                w.WriteString("type"u8, "function_call"u8);
                w.WriteString("status"u8, status);
                w.WriteString("arguments"u8, withContent ? item.Text.ToString() : "");
                w.WriteString("call_id"u8, item.CallId);
                w.WriteString("name"u8, item.Name);
                break;
            default:
                w.WriteString("type"u8, "reasoning"u8);
                w.WriteStartArray("summary"u8);
                if (withContent && item.HasSummary)
                {
                    WriteSummaryText(w, item.Text.ToString());
                }

                w.WriteEndArray();
                if (item.EncryptedContent is not null)
                {
                    w.WriteString("encrypted_content"u8, item.EncryptedContent);
                }

                break;
        }

        w.WriteEndObject();
    }

    public static void WriteOutputText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "output_text"u8);
        w.WriteStartArray("annotations"u8);
        w.WriteEndArray();
        w.WriteStartArray("logprobs"u8);
        w.WriteEndArray();
        w.WriteString("text"u8, text);
        w.WriteEndObject();
    }

    public static void WriteSummaryText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "summary_text"u8);
        w.WriteString("text"u8, text);
        w.WriteEndObject();
    }

    /// <summary>
    /// Writes a Response object. <paramref name="items"/> are written with their content; items not yet done (a
    /// failed stream) get status <c>incomplete</c>. <paramref name="completedAt"/> only for status completed.
    /// </summary>
    public static void WriteResponse(
        Utf8JsonWriter w,
        ResponsesEnvelope env,
        string status,
        IReadOnlyList<ResponsesOutputItem> items,
        IrUsage? usage,
        string? incompleteReason = null,
        IrError? error = null,
        long? completedAt = null)
    {
        var info = env.Info;
        w.WriteStartObject();
        w.WriteString("id"u8, env.Id);
        w.WriteString("object"u8, "response"u8);
        w.WriteNumber("created_at"u8, env.CreatedAt);
        w.WriteString("status"u8, status);
        w.WriteBoolean("background"u8, false);
        WriteNullable(w, "completed_at"u8, completedAt);
        if (error is null)
        {
            w.WriteNull("error"u8);
        }
        else
        {
            w.WriteStartObject("error"u8);
            w.WriteString("code"u8, error.Code ?? error.Type);
            w.WriteString("message"u8, error.Message);
            w.WriteEndObject();
        }

        if (incompleteReason is null)
        {
            w.WriteNull("incomplete_details"u8);
        }
        else
        {
            w.WriteStartObject("incomplete_details"u8);
            w.WriteString("reason"u8, incompleteReason);
            w.WriteEndObject();
        }

        WriteNullable(w, "instructions"u8, info.Instructions);
        WriteNullable(w, "max_output_tokens"u8, info.MaxOutputTokens);
        w.WriteNull("max_tool_calls"u8);
        w.WriteString("model"u8, env.Model);
        w.WriteStartArray("output"u8);
        foreach (var item in items)
        {
            WriteItem(w, item, item.Done ? "completed" : "incomplete", withContent: true);
        }

        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls"u8, info.ParallelToolCalls ?? true);
        WriteNullable(w, "previous_response_id"u8, info.PreviousResponseId);
        WriteRawOr(w, "reasoning"u8, info.Reasoning, null);
        w.WriteBoolean("store"u8, info.Store);
        WriteNullable(w, "temperature"u8, info.Temperature);
        WriteRawOr(w, "text"u8, info.Text, static w => { w.WriteStartObject(); w.WriteStartObject("format"u8); w.WriteString("type"u8, "text"u8); w.WriteEndObject(); w.WriteEndObject(); });
        WriteRawOr(w, "tool_choice"u8, info.ToolChoice, static w => w.WriteStringValue("auto"u8));
        WriteRawOr(w, "tools"u8, info.Tools, static w => { w.WriteStartArray(); w.WriteEndArray(); });
        WriteNullable(w, "top_p"u8, info.TopP);
        w.WriteString("truncation"u8, "disabled"u8);
        if (usage is null)
        {
            w.WriteNull("usage"u8);
        }
        else
        {
            w.WritePropertyName("usage"u8);
            WriteUsage(w, usage);
        }

        WriteNullable(w, "user"u8, info.User);
        WriteRawOr(w, "metadata"u8, info.Metadata, static w => { w.WriteStartObject(); w.WriteEndObject(); });
        w.WriteEndObject();
    }

    /// <summary>Responses usage; members the upstream did not report are written as 0 (the object requires them).</summary>
    public static void WriteUsage(Utf8JsonWriter w, IrUsage usage)
    {
        var input = usage.InputTokens ?? 0;
        var output = usage.OutputTokens ?? 0;
        w.WriteStartObject();
        w.WriteNumber("input_tokens"u8, input);
        w.WriteStartObject("input_tokens_details"u8);
        w.WriteNumber("cached_tokens"u8, usage.CachedInputTokens ?? 0);
        if (usage.CacheWriteInputTokens is { } written)
        {
            // api.openai.com reports it here too (recorded); input_tokens already counts these tokens.
            w.WriteNumber("cache_write_tokens"u8, written);
        }

        w.WriteEndObject();
        w.WriteNumber("output_tokens"u8, output);
        w.WriteStartObject("output_tokens_details"u8);
        w.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens ?? 0);
        w.WriteEndObject();
        w.WriteNumber("total_tokens"u8, input + output);
        w.WriteEndObject();
    }

    private static void WriteRawOr(Utf8JsonWriter w, ReadOnlySpan<byte> name, JsonElement? raw, Action<Utf8JsonWriter>? fallback)
    {
        w.WritePropertyName(name);
        if (raw is { } value)
        {
            value.WriteTo(w);
        }
        else if (fallback is null)
        {
            w.WriteNullValue();
        }
        else
        {
            fallback(w);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
