using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>Writes IR parts as Anthropic content blocks, for answers (client side) and for requests (upstream side).</summary>
internal static class AnthropicBlockWriter
{
    /// <summary>
    /// Writes <paramref name="part"/> as one block; false when it has no Anthropic form here (the caller drops it):
    /// parts of other protocols' unknown kinds, tool results in an answer, and — in requests — empty text (Anthropic
    /// rejects empty text blocks) and thinking without a signature (Anthropic rejects unsigned thinking it did not make).
    /// </summary>
    public static bool TryWrite(Utf8JsonWriter writer, IrPart part, bool forRequest)
    {
        switch (part)
        {
            case IrTextPart text:
                if (forRequest && text.Text.Length == 0)
                {
                    return false;
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, text.Text);
                WriteCacheControl(writer, text.CacheControl);
                writer.WriteEndObject();
                return true;
            case IrThinkingPart thinking:
                if (forRequest && string.IsNullOrEmpty(thinking.Signature))
                {
                    return false;
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "thinking"u8);
                writer.WriteString("thinking"u8, thinking.Text);
                // Answers always carry the member (SDK types declare it); empty when the upstream signs nothing.
                writer.WriteString("signature"u8, thinking.Signature ?? "");
                writer.WriteEndObject();
                return true;
            case IrRedactedThinkingPart redacted:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "redacted_thinking"u8);
                writer.WriteString("data"u8, redacted.Data);
                writer.WriteEndObject();
                return true;
            case IrToolCallPart call:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "tool_use"u8);
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("name"u8, call.Name);
                writer.WritePropertyName("input"u8);
                WriteToolInput(writer, call.ArgumentsJson);
                writer.WriteEndObject();
                return true;
            case IrImagePart image:
                WriteImage(writer, image);
                return true;
            case IrToolResultPart result when forRequest:
                WriteToolResult(writer, result);
                return true;
            case IrUnknownPart unknown when unknown.Protocol == AnthropicBlockReader.Protocol:
                unknown.Raw.WriteTo(writer);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Writes tool arguments as the <c>input</c> object. Arguments that are not a JSON object (empty, truncated by a
    /// length stop, or a bare value) become <c>{}</c>: Anthropic requires an object, and an SDK parsing the answer
    /// would fail on anything else.
    /// </summary>
    public static void WriteToolInput(Utf8JsonWriter writer, string argumentsJson)
    {
        if (!string.IsNullOrWhiteSpace(argumentsJson))
        {
            try
            {
                using var doc = JsonDocument.Parse(argumentsJson);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    doc.RootElement.WriteTo(writer);
                    return;
                }
            }
            catch (JsonException)
            {
                // Falls through to {}.
            }
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    public static void WriteCacheControl(Utf8JsonWriter writer, JsonElement? cacheControl)
    {
        if (cacheControl is { } cc)
        {
            writer.WritePropertyName("cache_control"u8);
            cc.WriteTo(writer);
        }
    }

    private static void WriteImage(Utf8JsonWriter writer, IrImagePart image)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image"u8);
        writer.WriteStartObject("source"u8);
        if (image.Base64 is { } data)
        {
            writer.WriteString("type"u8, "base64"u8);
            writer.WriteString("media_type"u8, image.MediaType ?? SniffMediaType(data)
                ?? throw new TranslationException("an inline image has no media type, which Anthropic requires (image/jpeg, image/png, image/gif or image/webp)"));
            writer.WriteString("data"u8, data);
        }
        else if (image.Url is { } url)
        {
            writer.WriteString("type"u8, "url"u8);
            writer.WriteString("url"u8, url);
        }
        else
        {
            throw new TranslationException("an image part has neither data nor a URL");
        }

        writer.WriteEndObject();
        WriteCacheControl(writer, image.CacheControl);
        writer.WriteEndObject();
    }

    private static void WriteToolResult(Utf8JsonWriter writer, IrToolResultPart result)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "tool_result"u8);
        writer.WriteString("tool_use_id"u8, result.ToolCallId);
        if (result.Content is [IrTextPart { CacheControl: null } only])
        {
            writer.WriteString("content"u8, only.Text);
        }
        else if (result.Content.Count > 0)
        {
            writer.WriteStartArray("content"u8);
            foreach (var inner in result.Content)
            {
                // Nested tool results or thinking have no meaning inside a result; they are dropped.
                if (inner is IrTextPart or IrImagePart or IrUnknownPart)
                {
                    TryWrite(writer, inner, forRequest: true);
                }
            }

            writer.WriteEndArray();
        }

        if (result.IsError)
        {
            writer.WriteBoolean("is_error"u8, true);
        }

        WriteCacheControl(writer, result.CacheControl);
        writer.WriteEndObject();
    }

    /// <summary>The media type of base64 image data from its magic bytes, for clients that sent none.</summary>
    private static string? SniffMediaType(string base64) => base64 switch
    {
        _ when base64.StartsWith("/9j/", StringComparison.Ordinal) => "image/jpeg",
        _ when base64.StartsWith("iVBORw0KGgo", StringComparison.Ordinal) => "image/png",
        _ when base64.StartsWith("R0lGOD", StringComparison.Ordinal) => "image/gif",
        _ when base64.StartsWith("UklGR", StringComparison.Ordinal) => "image/webp",
        _ => null,
    };
}
