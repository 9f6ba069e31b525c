using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>
/// Reads one Anthropic content block (request or response side; their shapes match) into an IR part. Blocks the IR
/// does not model — document, search_result, server tools and their results, container uploads … — are kept raw as
/// <see cref="IrUnknownPart"/> with protocol <see cref="Protocol"/>, so they survive a trip back to Anthropic.
/// </summary>
internal static class AnthropicBlockReader
{
    public const string Protocol = "anthropic";

    /// <summary>Reads <paramref name="block"/>; false with a message naming the problem when a known block is malformed.</summary>
    public static bool TryRead(JsonElement block, out IrPart? part, out string? error)
    {
        part = null;
        error = null;
        if (block.ValueKind != JsonValueKind.Object || AnthropicWire.Str(block, "type"u8) is not { } type)
        {
            error = "each content block must be an object with a string 'type'";
            return false;
        }

        switch (type)
        {
            case "text":
                if (AnthropicWire.Str(block, "text"u8) is not { } text)
                {
                    error = "text block without a string 'text'";
                    return false;
                }

                // Citations have no IR equivalent; the text itself crosses.
                part = new IrTextPart(text) { CacheControl = AnthropicWire.Elem(block, "cache_control"u8) };
                return true;
            case "image":
                return TryReadImage(block, out part, out error);
            case "tool_use":
                if (AnthropicWire.Str(block, "id"u8) is not { } id || AnthropicWire.Str(block, "name"u8) is not { } name)
                {
                    error = "tool_use block needs string 'id' and 'name'";
                    return false;
                }

                var input = AnthropicWire.Elem(block, "input"u8);
                part = new IrToolCallPart(id, name, input is { } i ? i.GetRawText() : "{}");
                return true;
            case "tool_result":
                return TryReadToolResult(block, out part, out error);
            case "thinking":
                part = new IrThinkingPart(AnthropicWire.Str(block, "thinking"u8) ?? "") { Signature = AnthropicWire.Str(block, "signature"u8) };
                return true;
            case "redacted_thinking":
                if (AnthropicWire.Str(block, "data"u8) is not { } data)
                {
                    error = "redacted_thinking block without a string 'data'";
                    return false;
                }

                part = new IrRedactedThinkingPart(data);
                return true;
            default:
                part = new IrUnknownPart(Protocol, type, block);
                return true;
        }
    }

    private static bool TryReadImage(JsonElement block, out IrPart? part, out string? error)
    {
        part = null;
        error = null;
        var cache = AnthropicWire.Elem(block, "cache_control"u8);
        if (AnthropicWire.Elem(block, "source"u8) is not { ValueKind: JsonValueKind.Object } source)
        {
            error = "image block without a 'source' object";
            return false;
        }

        switch (AnthropicWire.Str(source, "type"u8))
        {
            case "base64":
                if (AnthropicWire.Str(source, "data"u8) is not { } data)
                {
                    error = "base64 image source without 'data'";
                    return false;
                }

                part = new IrImagePart { Base64 = data, MediaType = AnthropicWire.Str(source, "media_type"u8), CacheControl = cache };
                return true;
            case "url":
                if (AnthropicWire.Str(source, "url"u8) is not { } url)
                {
                    error = "url image source without 'url'";
                    return false;
                }

                part = new IrImagePart { Url = url, CacheControl = cache };
                return true;
            default:
                // file_id sources point into Anthropic's Files API: only Anthropic can resolve them.
                part = new IrUnknownPart(Protocol, "image", block);
                return true;
        }
    }

    private static bool TryReadToolResult(JsonElement block, out IrPart? part, out string? error)
    {
        part = null;
        error = null;
        if (AnthropicWire.Str(block, "tool_use_id"u8) is not { } toolUseId)
        {
            error = "tool_result block without a string 'tool_use_id'";
            return false;
        }

        var content = new List<IrPart>();
        if (AnthropicWire.Elem(block, "content"u8) is { } c)
        {
            if (c.ValueKind == JsonValueKind.String)
            {
                content.Add(new IrTextPart(c.GetString()!));
            }
            else if (c.ValueKind == JsonValueKind.Array)
            {
                foreach (var inner in c.EnumerateArray())
                {
                    if (!TryRead(inner, out var innerPart, out error))
                    {
                        return false;
                    }

                    content.Add(innerPart!);
                }
            }
            else
            {
                error = "tool_result 'content' must be a string or an array of blocks";
                return false;
            }
        }

        part = new IrToolResultPart(toolUseId, content)
        {
            IsError = block.TryGetProperty("is_error"u8, out var e) && e.ValueKind == JsonValueKind.True,
            CacheControl = AnthropicWire.Elem(block, "cache_control"u8),
        };
        return true;
    }
}
