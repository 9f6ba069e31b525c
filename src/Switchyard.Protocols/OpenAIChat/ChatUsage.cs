using System.Text.Json;

namespace Switchyard.Protocols.OpenAIChat;

/// <summary>The <c>usage</c> object of an OpenAI chat completion or chunk (null members were not reported).</summary>
public readonly record struct ChatUsage(int? PromptTokens, int? CompletionTokens, int? CachedTokens, int? ReasoningTokens)
{
    /// <summary>
    /// Reads the top-level <c>usage</c> object of one SSE event's JSON (after <c>data:</c>), without building a
    /// document. False when the event has no usage object (e.g. <c>"usage":null</c> on ordinary chunks).
    /// </summary>
    public static bool TryReadFromEvent(ReadOnlySpan<byte> ev, out ChatUsage usage, out bool choicesEmpty)
    {
        usage = default;
        choicesEmpty = false;
        var data = ev.IndexOf("data:"u8);
        if (data < 0 || !HasUsageObject(ev))
        {
            return false; // most chunks: no usage, or "usage":null — no JSON parse on the hot path
        }

        try
        {
            var reader = new Utf8JsonReader(ev[(data + 5)..].TrimStart((byte)' '), new JsonReaderOptions { AllowTrailingCommas = false });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsage(ref reader);
                        found = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        choicesEmpty = reader.TokenType == JsonTokenType.EndArray;
                        if (!choicesEmpty)
                        {
                            SkipRestOfArray(ref reader);
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return found;
        }
        catch (JsonException)
        {
            return false; // a partial or non-JSON event: relayed as is, usage unknown
        }
    }

    // `"usage"` followed by `:` and an object (not null), found without parsing.
    private static bool HasUsageObject(ReadOnlySpan<byte> ev)
    {
        var i = ev.IndexOf("\"usage\""u8);
        while (i >= 0)
        {
            var rest = ev[(i + 7)..].TrimStart(" \t"u8);
            if (!rest.IsEmpty && rest[0] == (byte)':' && rest[1..].TrimStart(" \t"u8) is { IsEmpty: false } value && value[0] == (byte)'{')
            {
                return true;
            }

            var next = ev[(i + 7)..].IndexOf("\"usage\""u8);
            i = next < 0 ? -1 : i + 7 + next;
        }

        return false;
    }

    private static void SkipRestOfArray(ref Utf8JsonReader reader)
    {
        // The reader stands on the first element; skip it and every following one up to the closing bracket.
        do
        {
            reader.Skip();
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
    }

    private static ChatUsage ReadUsage(ref Utf8JsonReader reader)
    {
        int? prompt = null, completion = null, cached = null, reasoning = null;
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
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                cached = ReadDetail(ref reader, "cached_tokens"u8) ?? cached;
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoning = ReadDetail(ref reader, "reasoning_tokens"u8) ?? reasoning;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ChatUsage(prompt, completion, cached, reasoning);
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : null;
    }

    private static int? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
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
                reader.Read();
                reader.Skip();
            }
        }

        return value;
    }
}
