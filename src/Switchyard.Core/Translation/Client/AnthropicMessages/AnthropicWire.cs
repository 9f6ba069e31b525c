using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>Wire vocabulary shared by both directions of the Anthropic Messages codecs: stop reasons and usage.</summary>
internal static class AnthropicWire
{
    /// <summary>Relaxed escaping keeps non-ASCII text readable and small; control characters are still escaped, so
    /// a written value never holds a raw newline and can sit on one SSE <c>data:</c> line.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Anthropic <c>stop_reason</c> → IR. Unknown reasons are kept as they are.</summary>
    public static IrFinishReason? StopReasonToIr(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" => IrFinishReason.Stop,
        "stop_sequence" => IrFinishReason.StopSequence,
        "max_tokens" or "model_context_window_exceeded" => IrFinishReason.Length,
        "tool_use" => IrFinishReason.ToolCalls,
        "refusal" => IrFinishReason.ContentFilter,
        "pause_turn" => IrFinishReason.PauseTurn,
        _ => new IrFinishReason(stopReason),
    };

    /// <summary>
    /// IR → Anthropic <c>stop_reason</c>. Reasons Anthropic has no word for (or none at all) become <c>tool_use</c> when
    /// the answer called a tool and <c>end_turn</c> otherwise, because SDKs switch on this closed set.
    /// </summary>
    public static string StopReasonFromIr(IrFinishReason? reason, bool calledTools)
    {
        var v = reason?.Value;
        return v switch
        {
            "stop" => calledTools ? "tool_use" : "end_turn",
            "stop_sequence" => "stop_sequence",
            "length" => "max_tokens",
            "tool_calls" => "tool_use",
            "content_filter" => "refusal",
            "pause_turn" => "pause_turn",
            _ => calledTools ? "tool_use" : "end_turn",
        };
    }

    /// <summary>Anthropic usage members as sent (input excludes cache reads and writes).</summary>
    public struct UsageFields
    {
        public int? Input;
        public int? Output;
        public int? CacheRead;
        public int? CacheCreation;

        /// <summary>Overwrites the members present in <paramref name="usage"/> (a later report wins).</summary>
        public void Read(JsonElement usage)
        {
            if (usage.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            Input = Int(usage, "input_tokens"u8) ?? Input;
            Output = Int(usage, "output_tokens"u8) ?? Output;
            CacheRead = Int(usage, "cache_read_input_tokens"u8) ?? CacheRead;
            CacheCreation = Int(usage, "cache_creation_input_tokens"u8) ?? CacheCreation;
        }

        /// <summary>IR usage: InputTokens counts cached and cache-written tokens too (OpenAI's convention).</summary>
        public readonly IrUsage ToIr() => new()
        {
            InputTokens = Input is { } i ? i + (CacheRead ?? 0) + (CacheCreation ?? 0) : null,
            OutputTokens = Output,
            CachedInputTokens = CacheRead,
            CacheWriteInputTokens = CacheCreation,
        };
    }

    /// <summary>Writes Anthropic's <c>usage</c> members from IR usage (input_tokens excludes cache reads and writes).</summary>
    /// <param name="inputAlways">Write input_tokens (0 when unknown) — the Message object requires it.</param>
    public static void WriteUsageMembers(Utf8JsonWriter writer, IrUsage? usage, bool inputAlways)
    {
        var cached = usage?.CachedInputTokens;
        var written = usage?.CacheWriteInputTokens;
        if (usage?.InputTokens is { } input)
        {
            writer.WriteNumber("input_tokens"u8, Math.Max(0, input - (cached ?? 0) - (written ?? 0)));
        }
        else if (inputAlways)
        {
            writer.WriteNumber("input_tokens"u8, 0);
        }

        if (cached is { } c)
        {
            writer.WriteNumber("cache_read_input_tokens"u8, c);
        }

        if (written is { } w)
        {
            writer.WriteNumber("cache_creation_input_tokens"u8, w);
        }

        writer.WriteNumber("output_tokens"u8, usage?.OutputTokens ?? 0);
    }

    public static int? Int(JsonElement obj, ReadOnlySpan<byte> name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public static string? Str(JsonElement obj, ReadOnlySpan<byte> name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static JsonElement? Elem(JsonElement obj, ReadOnlySpan<byte> name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v : null;
}
