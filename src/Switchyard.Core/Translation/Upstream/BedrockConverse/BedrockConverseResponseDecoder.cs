using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// A Converse answer (<c>{output:{message:{role,content}}, stopReason, usage, metrics}</c>) → IR. Content blocks keep
/// their order; reasoningContent becomes thinking (with its signature) or redacted thinking (the base64
/// <c>redactedContent</c> kept as-is, opaque); server-side tool blocks and unknown blocks become
/// <see cref="IrUnknownPart"/>s so a Bedrock client could get them back.
/// </summary>
internal static class BedrockConverseResponseDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
    {
        response = null;
        error = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (!BedrockWire.TryGetObject(root, "output", out var output) || !BedrockWire.TryGetObject(output, "message", out var message))
            {
                error = Invalid("the Converse answer has no output.message");
                return false;
            }

            var result = new IrResponse
            {
                FinishReason = BedrockWire.StopReasonToIr(BedrockWire.GetString(root, "stopReason")),
                StopSequence = BedrockWire.StopSequence(root),
            };
            if (root.TryGetProperty("usage", out var usage))
            {
                result.Usage = BedrockWire.ReadUsage(usage);
            }

            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in content.EnumerateArray())
                {
                    if (ReadBlock(block) is { } part)
                    {
                        result.Content.Add(part);
                    }
                }
            }

            response = result;
            return true;
        }
        catch (JsonException e)
        {
            error = Invalid("the Converse answer is not valid JSON: " + e.Message);
            return false;
        }
    }

    private static IrPart? ReadBlock(JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (BedrockWire.GetString(block, "text") is { } text)
        {
            return new IrTextPart(text);
        }

        if (BedrockWire.TryGetObject(block, "toolUse", out var toolUse) && BedrockWire.GetString(toolUse, "type") is null or "tool_use")
        {
            var input = toolUse.TryGetProperty("input", out var i) ? i.GetRawText() : "{}";
            return new IrToolCallPart(BedrockWire.GetString(toolUse, "toolUseId") ?? "", BedrockWire.GetString(toolUse, "name") ?? "", input);
        }

        if (BedrockWire.TryGetObject(block, "reasoningContent", out var reasoning))
        {
            if (BedrockWire.TryGetObject(reasoning, "reasoningText", out var reasoningText))
            {
                return new IrThinkingPart(BedrockWire.GetString(reasoningText, "text") ?? "")
                {
                    Signature = BedrockWire.GetString(reasoningText, "signature"),
                };
            }

            if (BedrockWire.GetString(reasoning, "redactedContent") is { } redacted)
            {
                return new IrRedactedThinkingPart(redacted);
            }
        }

        string? type = null;
        foreach (var member in block.EnumerateObject())
        {
            type = member.Name;
            break;
        }

        return new IrUnknownPart(BedrockWire.ProtocolName, type ?? "", block.Clone());
    }

    private static IrError Invalid(string message) => new(502, "api_error", message) { Code = "invalid_upstream_response" };
}
