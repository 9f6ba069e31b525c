using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>IR answer → Anthropic Message object.</summary>
internal static class AnthropicMessagesResponseEncoder
{
    public static byte[] Encode(IrResponse response, string clientModel)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, AnthropicWire.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, AnthropicIds.MessageId(response.Id));
            writer.WriteString("type"u8, "message"u8);
            writer.WriteString("role"u8, "assistant"u8);
            writer.WriteString("model"u8, clientModel);
            writer.WriteStartArray("content"u8);
            var calledTools = false;
            foreach (var part in response.Content)
            {
                if (AnthropicBlockWriter.TryWrite(writer, part, forRequest: false) && part is IrToolCallPart)
                {
                    calledTools = true;
                }
            }

            writer.WriteEndArray();
            writer.WriteString("stop_reason"u8, AnthropicWire.StopReasonFromIr(response.FinishReason, calledTools));
            if (response.StopSequence is { } stop)
            {
                writer.WriteString("stop_sequence"u8, stop);
            }
            else
            {
                writer.WriteNull("stop_sequence"u8);
            }

            writer.WriteStartObject("usage"u8);
            AnthropicWire.WriteUsageMembers(writer, response.Usage, inputAlways: true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
