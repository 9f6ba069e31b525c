using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>Field-level helpers and vocabulary shared by the Bedrock Converse encoders and decoders.</summary>
internal static class BedrockWire
{
    /// <summary>Protocol tag of <see cref="IrUnknownPart"/>s that came from (and may go back to) Bedrock Converse.</summary>
    public const string ProtocolName = "bedrock-converse";

    /// <summary>Relaxed escaping: the body is sent as UTF-8 JSON, never embedded in HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? GetInt(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public static bool TryGetObject(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;
    }

    /// <summary>
    /// Converse <c>stopReason</c> → IR: end_turn → stop, tool_use → tool_calls, max_tokens and
    /// model_context_window_exceeded → length, stop_sequence → stop_sequence, guardrail_intervened and
    /// content_filtered → content_filter. Unknown reasons are kept as they are.
    /// </summary>
    public static IrFinishReason? StopReasonToIr(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" => IrFinishReason.Stop,
        "tool_use" => IrFinishReason.ToolCalls,
        "max_tokens" or "model_context_window_exceeded" => IrFinishReason.Length,
        "stop_sequence" => IrFinishReason.StopSequence,
        "guardrail_intervened" or "content_filtered" => IrFinishReason.ContentFilter,
        _ => new IrFinishReason(stopReason),
    };

    /// <summary>
    /// Converse <c>usage</c> → IR. Bedrock's <c>inputTokens</c> counts only the uncached input (cache reads and
    /// writes are reported beside it, and <c>totalTokens</c> = input + output + cacheRead + cacheWrite), so the IR's
    /// all-inclusive <see cref="IrUsage.InputTokens"/> is their sum.
    /// </summary>
    public static IrUsage? ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var input = GetInt(usage, "inputTokens");
        var cacheRead = GetInt(usage, "cacheReadInputTokens");
        var cacheWrite = GetInt(usage, "cacheWriteInputTokens");
        return new IrUsage
        {
            InputTokens = input is null && cacheRead is null && cacheWrite is null ? null : (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
            OutputTokens = GetInt(usage, "outputTokens"),
            CachedInputTokens = cacheRead,
            CacheWriteInputTokens = cacheWrite,
        };
    }

    /// <summary>
    /// The matched stop sequence, which Claude models report in <c>additionalModelResponseFields</c>
    /// (<c>stop_sequence</c> in a Converse answer, <c>delta.stop_sequence</c> in a stream's messageStop).
    /// </summary>
    public static string? StopSequence(JsonElement container)
    {
        if (!TryGetObject(container, "additionalModelResponseFields", out var fields))
        {
            return null;
        }

        return GetString(fields, "stop_sequence") ?? (TryGetObject(fields, "delta", out var delta) ? GetString(delta, "stop_sequence") : null);
    }
}
