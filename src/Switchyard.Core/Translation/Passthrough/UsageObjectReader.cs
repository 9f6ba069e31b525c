using System.Text.Json;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>One usage report already in IR terms (see <see cref="Ir.IrUsage"/>); null members were not reported.</summary>
internal struct UsageReport
{
    public int? Input;
    public int? Output;
    public int? Cached;
    public int? CacheWrite;
    public int? Reasoning;

    public readonly bool Any => Input is not null || Output is not null || Cached is not null || CacheWrite is not null || Reasoning is not null;
}

/// <summary>
/// Anthropic's usage members as reported (input_tokens excludes cache reads and writes). A stream reports them in
/// several places (message_start, then message_delta), each overwriting the members it carries.
/// </summary>
internal struct AnthropicUsageFields
{
    public int? Input;
    public int? Output;
    public int? CacheRead;
    public int? CacheCreation;

    public readonly bool Any => Input is not null || Output is not null || CacheRead is not null || CacheCreation is not null;

    /// <summary>IR terms, exactly as <c>AnthropicWire.UsageFields.ToIr</c> maps them for the translating decoders.</summary>
    public readonly UsageReport ToReport() => new()
    {
        Input = Input is { } i ? i + (CacheRead ?? 0) + (CacheCreation ?? 0) : null,
        Output = Output,
        Cached = CacheRead,
        CacheWrite = CacheCreation,
    };
}

/// <summary>
/// Reads one protocol's <c>usage</c> object with a <see cref="Utf8JsonReader"/> standing on its
/// <see cref="JsonTokenType.StartObject"/>, leaving it on the matching <see cref="JsonTokenType.EndObject"/>. Each
/// mirrors the mapping the protocol's translating decoder applies (OpenAIChatUsage.Read, AnthropicWire.UsageFields,
/// GeminiWire.ReadUsage, BedrockWire.ReadUsage, ResponsesJson.WriteUsage in reverse), so a pass-through request and a
/// translated one record the same numbers for the same answer. The data must hold the whole object.
/// </summary>
internal static class UsageObjectReader
{
    /// <summary>
    /// OpenAI chat (and the OpenAI-compatible servers): prompt/completion tokens, cached tokens from
    /// <c>prompt_tokens_details</c> or DeepSeek's <c>prompt_cache_hit_tokens</c>, reasoning tokens — folded into the
    /// output when xAI's total shows they were counted apart.
    /// </summary>
    public static UsageReport ReadChat(ref Utf8JsonReader reader)
    {
        int? prompt = null, completion = null, total = null, cached = null, cacheHit = null, reasoning = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                total = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                cached = ReadMember(ref reader, "cached_tokens"u8);
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                cacheHit = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoning = ReadMember(ref reader, "reasoning_tokens"u8);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return ChatReport(prompt, completion, total, cached, cacheHit, reasoning);
    }

    /// <summary>The chat members as read (null: absent or not an int) in IR terms.</summary>
    internal static UsageReport ChatReport(int? prompt, int? completion, int? total, int? cached, int? cacheHit, int? reasoning)
    {
        cached ??= cacheHit;
        if (completion is { } o && prompt is { } i && reasoning is > 0 && total == i + o + reasoning)
        {
            completion = o + reasoning;
        }

        return new UsageReport { Input = prompt, Output = completion, Cached = cached, Reasoning = reasoning };
    }

    /// <summary>Anthropic: overwrites the members present (a later report wins member by member).</summary>
    public static void ReadAnthropic(ref Utf8JsonReader reader, ref AnthropicUsageFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                fields.Input = ReadInt(ref reader) ?? fields.Input;
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                fields.Output = ReadInt(ref reader) ?? fields.Output;
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                fields.CacheRead = ReadInt(ref reader) ?? fields.CacheRead;
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                fields.CacheCreation = ReadInt(ref reader) ?? fields.CacheCreation;
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    /// <summary>
    /// OpenAI Responses: input_tokens already counts cached and cache-written tokens (which is how the gateway's
    /// Responses encoder writes them); output_tokens counts reasoning.
    /// </summary>
    public static UsageReport ReadResponses(ref Utf8JsonReader reader)
    {
        var report = default(UsageReport);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                report.Input = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                report.Output = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("cached_tokens"u8))
                    {
                        report.Cached = ReadInt(ref reader);
                    }
                    else if (reader.ValueTextEquals("cache_write_tokens"u8))
                    {
                        report.CacheWrite = ReadInt(ref reader);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else if (reader.ValueTextEquals("output_tokens_details"u8))
            {
                report.Reasoning = ReadMember(ref reader, "reasoning_tokens"u8);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return report;
    }

    /// <summary>
    /// Gemini <c>usageMetadata</c>: input = promptTokenCount (+ toolUsePromptTokenCount), output = candidatesTokenCount
    /// + thoughtsTokenCount (Gemini reports thoughts apart from the candidates but bills them as output).
    /// </summary>
    public static UsageReport ReadGemini(ref Utf8JsonReader reader)
    {
        int? prompt = null, toolPrompt = null, candidates = null, thoughts = null, cached = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("promptTokenCount"u8))
            {
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("toolUsePromptTokenCount"u8))
            {
                toolPrompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("candidatesTokenCount"u8))
            {
                candidates = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("thoughtsTokenCount"u8))
            {
                thoughts = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("cachedContentTokenCount"u8))
            {
                cached = ReadInt(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return GeminiReport(prompt, toolPrompt, candidates, thoughts, cached);
    }

    /// <summary>The Gemini members as read (null: absent or not an int) in IR terms.</summary>
    internal static UsageReport GeminiReport(int? prompt, int? toolPrompt, int? candidates, int? thoughts, int? cached) => new()
    {
        Input = prompt is null && toolPrompt is null ? null : (prompt ?? 0) + (toolPrompt ?? 0),
        Output = candidates is null && thoughts is null ? null : (candidates ?? 0) + (thoughts ?? 0),
        Cached = cached,
        Reasoning = thoughts,
    };

    /// <summary>Bedrock Converse: inputTokens counts only the uncached input, so the IR input is the sum with cache reads and writes.</summary>
    public static UsageReport ReadBedrock(ref Utf8JsonReader reader)
    {
        int? input = null, output = null, cacheRead = null, cacheWrite = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("inputTokens"u8))
            {
                input = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("outputTokens"u8))
            {
                output = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("cacheReadInputTokens"u8))
            {
                cacheRead = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("cacheWriteInputTokens"u8))
            {
                cacheWrite = ReadInt(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return BedrockReport(input, output, cacheRead, cacheWrite);
    }

    /// <summary>The Bedrock members as read (null: absent or not an int) in IR terms.</summary>
    internal static UsageReport BedrockReport(int? input, int? output, int? cacheRead, int? cacheWrite) => new()
    {
        Input = input is null && cacheRead is null && cacheWrite is null ? null : (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
        Output = output,
        Cached = cacheRead,
        CacheWrite = cacheWrite,
    };

    /// <summary>Moves from a property name past its value, whatever its kind.</summary>
    public static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    // A number member that fits an int; anything else (null, a string, a fraction) counts as not reported.
    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt32(out var value) ? value : null;
        }

        reader.Skip();
        return null;
    }

    // One int member of a nested details object; null when the value is not an object or lacks the member.
    private static int? ReadMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadInt(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return value;
    }
}
