using System.Text.Json;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>The JSON payload of one SSE event that passed the usage filter, read per protocol.</summary>
public sealed partial class UsageTap
{
    // Only Anthropic needs the event's name (and only as a fallback for the payload's own "type").
    private enum EventName { Other, MessageStart, MessageDelta }

    private static EventName Classify(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("message_start"u8) ? EventName.MessageStart
        : name.SequenceEqual("message_delta"u8) ? EventName.MessageDelta
        : EventName.Other;

    private static EventName Classify(string? name) => name switch
    {
        "message_start" => EventName.MessageStart,
        "message_delta" => EventName.MessageDelta,
        _ => EventName.Other,
    };

    // Usage found in an event is applied only once the whole event has parsed: a truncated event counts for nothing,
    // as it does for the translating decoders.
    private void OnJson(EventName name, ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read())
            {
                return;
            }

            switch (_protocol)
            {
                case UpstreamProtocol.AnthropicMessages:
                    ReadAnthropicEvent(ref reader, name);
                    break;
                case UpstreamProtocol.OpenAIResponses:
                    ReadResponsesEvent(ref reader);
                    break;
                case UpstreamProtocol.Gemini:
                    ReadGeminiEvent(ref reader);
                    break;
                case UpstreamProtocol.BedrockConverse:
                    break; // event-stream messages, not SSE: see OnEventStreamMessage
                default:
                    ReadChatEvent(ref reader);
                    break;
            }
        }
        catch (JsonException)
        {
            // A partial or non-JSON event: the relay forwards it as is; there is no usage to trust in it.
        }
    }

    // A chat.completion.chunk: the top-level usage, or when that is absent/null Groq's x_groq.usage — the order the
    // OpenAI chat stream decoder uses.
    private void ReadChatEvent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        UsageReport top = default, groq = default;
        bool hasTop = false, hasGroq = false, usageObject = false, choicesEmpty = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    top = UsageObjectReader.ReadChat(ref reader);
                    hasTop = usageObject = true;
                }
                else
                {
                    hasTop |= reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    var probe = reader; // a copy: looks one token ahead, the original skips the array
                    choicesEmpty = probe.Read() && probe.TokenType == JsonTokenType.EndArray;
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("x_groq"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("usage"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        groq = UsageObjectReader.ReadChat(ref reader);
                        hasGroq = true;
                    }
                    else
                    {
                        SkipCurrentOrNextValue(ref reader);
                    }
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                OfferModel(ref reader);
                reader.Skip();
            }
            else
            {
                UsageObjectReader.SkipValue(ref reader);
            }
        }

        LastEventWasUsageOnlyChunk = usageObject && choicesEmpty;
        if (hasTop)
        {
            Merge(top);
        }
        else if (hasGroq)
        {
            Merge(groq);
        }
    }

    // message_start carries message.usage (only the first message_start counts, as in the stream decoder, which
    // ignores a repeated one); message_delta carries running totals in usage. The payload's "type" wins over the
    // event: line, which intermediaries may strip.
    private void ReadAnthropicEvent(ref Utf8JsonReader reader, EventName name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        AnthropicUsageFields start = default, delta = default;
        bool hasStart = false, hasDelta = false;
        var type = default(EventName?);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    type = reader.ValueTextEquals("message_start"u8) ? EventName.MessageStart
                        : reader.ValueTextEquals("message_delta"u8) ? EventName.MessageDelta
                        : EventName.Other;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("usage"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        UsageObjectReader.ReadAnthropic(ref reader, ref start);
                        hasStart = true;
                    }
                    else if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("model"u8))
                    {
                        reader.Read();
                        OfferModel(ref reader);
                        reader.Skip();
                    }
                    else
                    {
                        SkipCurrentOrNextValue(ref reader);
                    }
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    UsageObjectReader.ReadAnthropic(ref reader, ref delta);
                    hasDelta = true;
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                UsageObjectReader.SkipValue(ref reader);
            }
        }

        switch (type ?? name)
        {
            case EventName.MessageStart when !_sawMessageStart:
                _sawMessageStart = true;
                if (hasStart)
                {
                    MergeAnthropic(start);
                }

                break;
            case EventName.MessageDelta when hasDelta:
                MergeAnthropic(delta);
                break;
        }
    }

    // Any event's response.usage: response.completed, .incomplete and .failed carry it; created/in_progress say null.
    private void ReadResponsesEvent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var found = default(UsageReport);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("response"u8))
            {
                UsageObjectReader.SkipValue(ref reader);
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    found = UsageObjectReader.ReadResponses(ref reader);
                }
                else if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    OfferModel(ref reader);
                    reader.Skip();
                }
                else
                {
                    SkipCurrentOrNextValue(ref reader);
                }
            }
        }

        Merge(found);
    }

    // A GenerateContentResponse chunk, or an array of them (the stream decoder accepts both).
    private void ReadGeminiEvent(ref Utf8JsonReader reader)
    {
        var found = default(UsageReport);
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            ReadGeminiChunk(ref reader, ref found);
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadGeminiChunk(ref reader, ref found);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        Merge(found);
    }

    private void ReadGeminiChunk(ref Utf8JsonReader reader, ref UsageReport found)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usageMetadata"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                MergeInto(ref found, UsageObjectReader.ReadGemini(ref reader));
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("modelVersion"u8))
            {
                reader.Read();
                OfferModel(ref reader);
                reader.Skip();
            }
            else
            {
                SkipCurrentOrNextValue(ref reader);
            }
        }
    }
}
