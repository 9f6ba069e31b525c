using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>What one Gemini response part is, as far as the IR cares.</summary>
internal enum GeminiPartKind { Text, Thought, FunctionCall, InlineData, Other }

/// <summary>
/// One <c>candidates[0].content.parts[i]</c> read into the fields the decoders use. <see cref="Signature"/> is the
/// part's <c>thoughtSignature</c>, which Gemini may put on a thought, a text or a functionCall part.
/// </summary>
internal readonly record struct GeminiPart(GeminiPartKind Kind, string Text, string? Signature)
{
    public string? CallId { get; init; }
    public string? FunctionName { get; init; }
    /// <summary>The functionCall's <c>args</c> as raw JSON text (<c>{}</c> when absent).</summary>
    public string? ArgumentsJson { get; init; }
    public string? MimeType { get; init; }
    /// <summary>The first member name of an unmodelled part (e.g. <c>executableCode</c>).</summary>
    public string? OtherType { get; init; }
    public JsonElement Raw { get; init; }
}

/// <summary>Field-level helpers shared by the Gemini response and stream decoders.</summary>
internal static class GeminiWire
{
    /// <summary>Protocol tag of <see cref="IrUnknownPart"/>s that came from (and may go back to) Gemini.</summary>
    public const string ProtocolName = "gemini";

    public static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? GetInt(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    /// <summary>The first candidate, the only one the IR models (the gateway never asks for candidateCount &gt; 1).</summary>
    public static bool TryGetFirstCandidate(JsonElement chunk, out JsonElement candidate)
    {
        candidate = default;
        if (!chunk.TryGetProperty("candidates", out var candidates) || candidates.ValueKind != JsonValueKind.Array || candidates.GetArrayLength() == 0)
        {
            return false;
        }

        candidate = candidates[0];
        return candidate.ValueKind == JsonValueKind.Object;
    }

    /// <summary>Reads <c>candidate.content.parts</c>; an absent or empty content yields nothing.</summary>
    public static IEnumerable<GeminiPart> ReadParts(JsonElement candidate)
    {
        if (!candidate.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object
            || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object)
            {
                yield return ReadPart(part);
            }
        }
    }

    private static GeminiPart ReadPart(JsonElement part)
    {
        var signature = GetString(part, "thoughtSignature") ?? GetString(part, "thought_signature");
        if (part.TryGetProperty("functionCall", out var call) || part.TryGetProperty("function_call", out call))
        {
            var args = call.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Object ? a.GetRawText() : "{}";
            return new GeminiPart(GeminiPartKind.FunctionCall, "", signature)
            {
                CallId = GetString(call, "id"),
                FunctionName = GetString(call, "name") ?? "",
                ArgumentsJson = args,
                Raw = part,
            };
        }

        if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            var thought = part.TryGetProperty("thought", out var t) && t.ValueKind == JsonValueKind.True;
            return new GeminiPart(thought ? GeminiPartKind.Thought : GeminiPartKind.Text, text.GetString() ?? "", signature) { Raw = part };
        }

        if ((part.TryGetProperty("inlineData", out var inline) || part.TryGetProperty("inline_data", out inline)) && inline.ValueKind == JsonValueKind.Object)
        {
            return new GeminiPart(GeminiPartKind.InlineData, GetString(inline, "data") ?? "", signature)
            {
                MimeType = GetString(inline, "mimeType") ?? GetString(inline, "mime_type"),
                Raw = part,
            };
        }

        string? type = null;
        foreach (var member in part.EnumerateObject())
        {
            if (member.Name is not ("thoughtSignature" or "thought_signature" or "thought"))
            {
                type = member.Name;
                break;
            }
        }

        // A part that only carries a signature (no text) is a signature holder; anything else is unmodelled.
        var isThought = part.TryGetProperty("thought", out var th) && th.ValueKind == JsonValueKind.True;
        return type is null
            ? new GeminiPart(isThought ? GeminiPartKind.Thought : GeminiPartKind.Text, "", signature) { Raw = part }
            : new GeminiPart(GeminiPartKind.Other, "", signature) { OtherType = type, Raw = part };
    }

    /// <summary>
    /// Gemini's <c>finishReason</c> in the IR vocabulary. STOP becomes tool_calls when the answer called a
    /// function (Gemini has no separate reason for that); reasons the IR has no word for are kept as sent.
    /// </summary>
    public static IrFinishReason MapFinishReason(string reason, bool calledFunction) => reason switch
    {
        "STOP" => calledFunction ? IrFinishReason.ToolCalls : IrFinishReason.Stop,
        "MAX_TOKENS" => IrFinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII"
            or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" => IrFinishReason.ContentFilter,
        _ => new IrFinishReason(reason),
    };

    /// <summary>
    /// <c>usageMetadata</c> in IR terms: input = promptTokenCount (+ toolUsePromptTokenCount), which already counts
    /// cached tokens; output = candidatesTokenCount + thoughtsTokenCount, because Gemini bills thoughts as output but
    /// reports them apart. Members Gemini did not report stay null.
    /// </summary>
    public static IrUsage? ReadUsage(JsonElement chunk)
    {
        if (!chunk.TryGetProperty("usageMetadata", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var prompt = GetInt(u, "promptTokenCount");
        var toolPrompt = GetInt(u, "toolUsePromptTokenCount");
        var candidates = GetInt(u, "candidatesTokenCount");
        var thoughts = GetInt(u, "thoughtsTokenCount");
        return new IrUsage
        {
            InputTokens = prompt is null && toolPrompt is null ? null : (prompt ?? 0) + (toolPrompt ?? 0),
            OutputTokens = candidates is null && thoughts is null ? null : (candidates ?? 0) + (thoughts ?? 0),
            CachedInputTokens = GetInt(u, "cachedContentTokenCount"),
            ReasoningTokens = thoughts,
        };
    }

    /// <summary><c>promptFeedback.blockReason</c>: set when the prompt itself was blocked (no candidates follow).</summary>
    public static string? ReadBlockReason(JsonElement chunk) =>
        chunk.TryGetProperty("promptFeedback", out var feedback) ? GetString(feedback, "blockReason") : null;

    /// <summary>
    /// The id the IR gives a function call. Gemini's own <c>functionCall.id</c> wins; otherwise one is made from
    /// the response id and the call's position, so the unary and streamed decodings of one answer agree, and a
    /// random one when the response has no id (ids must stay unique across a conversation's turns).
    /// </summary>
    public static string ToolCallId(string? geminiId, string? responseId, int ordinal, ref string? randomStem)
    {
        if (!string.IsNullOrEmpty(geminiId))
        {
            return geminiId;
        }

        if (string.IsNullOrEmpty(responseId))
        {
            randomStem ??= Guid.NewGuid().ToString("N")[..16];
            return $"call_{randomStem}_{ordinal}";
        }

        return $"call_{responseId}_{ordinal}";
    }
}
