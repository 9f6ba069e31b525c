using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// IR messages → Converse <c>messages</c>. Converse knows only user and assistant turns that must alternate, so:
/// tool results join the user turn (first in it, as Claude requires), system/developer messages found among the
/// messages are moved to the top-level <c>system</c>, consecutive same-role turns are merged, and parts Converse
/// rejects when empty (empty text) are left out — a turn left with nothing is dropped.
/// </summary>
internal static class BedrockConverseTurnEncoder
{
    private sealed record Turn(string Role, List<IrPart> Parts);

    /// <summary>Writes the <c>messages</c> array; system/developer text found among the messages goes to <paramref name="movedSystem"/>.</summary>
    public static void WriteMessages(Utf8JsonWriter w, IReadOnlyList<IrMessage> messages, BedrockModelFamily family, List<IrTextPart> movedSystem)
    {
        var turns = new List<Turn>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Role == IrRole.System || message.Role == IrRole.Developer)
            {
                foreach (var part in message.Parts)
                {
                    if (part is IrTextPart { Text.Length: > 0 } text)
                    {
                        movedSystem.Add(text);
                    }
                }

                continue;
            }

            var role = message.Role == IrRole.Assistant ? "assistant" : "user"; // tool and unknown roles speak as the user side
            var parts = new List<IrPart>(message.Parts.Count);
            foreach (var part in message.Parts)
            {
                if (Encodable(part, family))
                {
                    parts.Add(part);
                }
            }

            if (parts.Count == 0)
            {
                continue;
            }

            if (turns.Count > 0 && turns[^1].Role == role)
            {
                turns[^1].Parts.AddRange(parts);
            }
            else
            {
                turns.Add(new Turn(role, parts));
            }
        }

        w.WriteStartArray("messages"u8);
        foreach (var turn in turns)
        {
            w.WriteStartObject();
            w.WriteString("role"u8, turn.Role);
            w.WriteStartArray("content"u8);
            if (turn.Role == "user")
            {
                // Tool results first, then the rest in order.
                foreach (var part in turn.Parts)
                {
                    if (part is IrToolResultPart)
                    {
                        WritePart(w, part);
                    }
                }

                foreach (var part in turn.Parts)
                {
                    if (part is not IrToolResultPart)
                    {
                        WritePart(w, part);
                    }
                }
            }
            else
            {
                foreach (var part in turn.Parts)
                {
                    WritePart(w, part);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>True when a message carries a toolUse or toolResult block (Converse then requires a toolConfig).</summary>
    public static bool UsesTools(IReadOnlyList<IrMessage> messages, out HashSet<string> calledNames)
    {
        calledNames = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var message in messages)
        {
            foreach (var part in message.Parts)
            {
                if (part is IrToolCallPart call)
                {
                    any = true;
                    calledNames.Add(call.Name);
                }
                else if (part is IrToolResultPart)
                {
                    any = true;
                }
            }
        }

        return any;
    }

    private static bool Encodable(IrPart part, BedrockModelFamily family) => part switch
    {
        IrTextPart text => text.Text.Length > 0,
        IrUnknownPart unknown => unknown.Protocol == BedrockWire.ProtocolName,
        IrThinkingPart or IrRedactedThinkingPart => BedrockModelFamilies.SendsBackThinking(family, part),
        _ => true,
    };

    private static void WritePart(Utf8JsonWriter w, IrPart part)
    {
        switch (part)
        {
            case IrTextPart text:
                w.WriteStartObject();
                w.WriteString("text"u8, text.Text);
                w.WriteEndObject();
                CachePoint(w, text.CacheControl);
                break;
            case IrImagePart image:
                WriteImage(w, image);
                CachePoint(w, image.CacheControl);
                break;
            case IrToolCallPart call:
                w.WriteStartObject();
                w.WriteStartObject("toolUse"u8);
                w.WriteString("toolUseId"u8, call.Id);
                w.WriteString("name"u8, call.Name);
                w.WritePropertyName("input"u8);
                WriteArguments(w, call);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case IrToolResultPart result:
                WriteToolResult(w, result);
                CachePoint(w, result.CacheControl);
                break;
            case IrThinkingPart openai when OpenAIResponses.ResponsesReasoningSignature.Is(openai.Signature):
                break; // OpenAI's encrypted reasoning: Bedrock cannot verify it (issue 11)
            case IrThinkingPart thinking:
                w.WriteStartObject();
                w.WriteStartObject("reasoningContent"u8);
                w.WriteStartObject("reasoningText"u8);
                w.WriteString("text"u8, thinking.Text);
                if (!string.IsNullOrEmpty(thinking.Signature))
                {
                    w.WriteString("signature"u8, thinking.Signature);
                }

                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case IrRedactedThinkingPart redacted:
                w.WriteStartObject();
                w.WriteStartObject("reasoningContent"u8);
                w.WriteString("redactedContent"u8, redacted.Data);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case IrUnknownPart unknown:
                unknown.Raw.WriteTo(w);
                break;
        }
    }

    private static void WriteToolResult(Utf8JsonWriter w, IrToolResultPart result)
    {
        w.WriteStartObject();
        w.WriteStartObject("toolResult"u8);
        w.WriteString("toolUseId"u8, result.ToolCallId);
        w.WriteStartArray("content"u8);
        foreach (var part in result.Content)
        {
            switch (part)
            {
                // Kept as text even when it is JSON: Converse's {json} member would re-serialise it.
                case IrTextPart text:
                    w.WriteStartObject();
                    w.WriteString("text"u8, text.Text);
                    w.WriteEndObject();
                    break;
                case IrImagePart image:
                    WriteImage(w, image);
                    break;
                case IrUnknownPart { Protocol: BedrockWire.ProtocolName } unknown:
                    unknown.Raw.WriteTo(w);
                    break;
            }
        }

        w.WriteEndArray();
        w.WriteString("status"u8, result.IsError ? "error"u8 : "success"u8);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Converse takes image bytes only: a URL cannot be sent (the gateway does not fetch client URLs).</summary>
    private static void WriteImage(Utf8JsonWriter w, IrImagePart image)
    {
        if (image.Base64 is null)
        {
            throw new TranslationException("Amazon Bedrock (Converse) accepts images only as inline base64 data, not by URL; send the image as a data: URL");
        }

        var format = image.MediaType?.ToLowerInvariant() switch
        {
            "image/png" => "png",
            "image/jpeg" or "image/jpg" => "jpeg",
            "image/gif" => "gif",
            "image/webp" => "webp",
            var other => throw new TranslationException($"Amazon Bedrock (Converse) accepts png, jpeg, gif and webp images, not '{other ?? "(no media type)"}'"),
        };

        w.WriteStartObject();
        w.WriteStartObject("image"u8);
        w.WriteString("format"u8, format);
        w.WriteStartObject("source"u8);
        w.WriteString("bytes"u8, image.Base64);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>toolUse.input must be a JSON document: the raw arguments, <c>{}</c> when empty.</summary>
    private static void WriteArguments(Utf8JsonWriter w, IrToolCallPart call)
    {
        if (string.IsNullOrWhiteSpace(call.ArgumentsJson))
        {
            w.WriteStartObject();
            w.WriteEndObject();
            return;
        }

        try
        {
            w.WriteRawValue(call.ArgumentsJson, skipInputValidation: false);
        }
        catch (JsonException)
        {
            throw new TranslationException($"the arguments of tool call '{call.Id}' ({call.Name}) are not valid JSON; Amazon Bedrock needs them as a JSON document");
        }
    }

    /// <summary>Any cache hint becomes a Converse cache checkpoint after the block (Converse has one kind).</summary>
    internal static void CachePoint(Utf8JsonWriter w, JsonElement? cacheControl)
    {
        if (cacheControl is null)
        {
            return;
        }

        w.WriteStartObject();
        w.WriteStartObject("cachePoint"u8);
        w.WriteString("type"u8, "default"u8);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
