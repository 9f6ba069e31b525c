using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>The OpenAI <c>usage</c> object, read from upstreams and written to clients.</summary>
internal static class OpenAIChatUsage
{
    /// <summary>Reads a usage object; null when it is absent or reports nothing.</summary>
    public static IrUsage? Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var input = OpenAIChatJson.Int(usage, "prompt_tokens");
        var output = OpenAIChatJson.Int(usage, "completion_tokens");
        var total = OpenAIChatJson.Int(usage, "total_tokens");
        var cached = OpenAIChatJson.TryGet(usage, "prompt_tokens_details", out var promptDetails)
            ? OpenAIChatJson.Int(promptDetails, "cached_tokens")
            : null;
        // DeepSeek reports cache hits at the top level as well; older deployments only there.
        cached ??= OpenAIChatJson.Int(usage, "prompt_cache_hit_tokens");
        var reasoning = OpenAIChatJson.TryGet(usage, "completion_tokens_details", out var completionDetails)
            ? OpenAIChatJson.Int(completionDetails, "reasoning_tokens")
            : null;

        // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning); the IR counts it
        // inside OutputTokens like OpenAI, so fold it in when the total proves it was left out.
        if (output is { } o && input is { } i && reasoning is > 0 && total == i + o + reasoning)
        {
            output = o + reasoning;
        }

        if (input is null && output is null && cached is null && reasoning is null)
        {
            return null;
        }

        return new IrUsage { InputTokens = input, OutputTokens = output, CachedInputTokens = cached, ReasoningTokens = reasoning };
    }

    /// <summary>
    /// Writes <c>"usage": {...}</c> with the reported members only (never an invented 0). Cache-write tokens have no
    /// OpenAI field and are not shown.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IrUsage usage)
    {
        writer.WriteStartObject("usage"u8);
        if (usage.InputTokens is { } input)
        {
            writer.WriteNumber("prompt_tokens"u8, input);
        }

        if (usage.OutputTokens is { } output)
        {
            writer.WriteNumber("completion_tokens"u8, output);
        }

        if (usage.InputTokens is { } i && usage.OutputTokens is { } o)
        {
            writer.WriteNumber("total_tokens"u8, i + o);
        }

        if (usage.CachedInputTokens is { } cached)
        {
            writer.WriteStartObject("prompt_tokens_details"u8);
            writer.WriteNumber("cached_tokens"u8, cached);
            writer.WriteEndObject();
        }

        if (usage.ReasoningTokens is { } reasoning)
        {
            writer.WriteStartObject("completion_tokens_details"u8);
            writer.WriteNumber("reasoning_tokens"u8, reasoning);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
