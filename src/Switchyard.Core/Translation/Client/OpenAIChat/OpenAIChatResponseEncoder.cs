using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary><see cref="IrResponse"/> → a <c>chat.completion</c> body.</summary>
internal static class OpenAIChatResponseEncoder
{
    public static byte[] Encode(IrResponse response, string clientModel, long created)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, OpenAIChatJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id"u8, response.Id ?? NewId());
        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, clientModel);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        var hasToolCalls = WriteMessage(writer, response.Content);
        writer.WriteNull("logprobs"u8);
        writer.WriteString("finish_reason"u8, OpenAIChatFinishReasons.ToWire(response.FinishReason, hasToolCalls));
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (response.Usage is { } usage)
        {
            OpenAIChatUsage.Write(writer, usage);
        }

        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An id for an answer whose upstream gave none, in OpenAI's shape.</summary>
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Writes <c>message</c>. Text parts are concatenated (blocks of one answer are one text for OpenAI), thinking
    /// likewise into <c>reasoning_content</c>; signatures, redacted thinking, images and unknown output parts have
    /// no place in a chat completion and are left out. Returns whether it holds tool calls.
    /// </summary>
    private static bool WriteMessage(Utf8JsonWriter writer, List<IrPart> content)
    {
        StringBuilder? text = null, thinking = null, signatures = null;
        var toolCalls = 0;
        foreach (var part in content)
        {
            switch (part)
            {
                case IrTextPart t:
                    (text ??= new StringBuilder()).Append(t.Text);
                    break;
                case IrThinkingPart th:
                    (thinking ??= new StringBuilder()).Append(th.Text);
                    OpenAIChatReasoningSignature.Append(ref signatures, th.Signature);
                    break;
                case IrToolCallPart:
                    toolCalls++;
                    break;
            }
        }

        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        if (text is not null)
        {
            writer.WriteString("content"u8, text.ToString());
        }
        else if (toolCalls > 0)
        {
            writer.WriteNull("content"u8);
        }
        else
        {
            writer.WriteString("content"u8, ""u8);
        }

        if (thinking is not null)
        {
            writer.WriteString("reasoning_content"u8, thinking.ToString());
        }

        if (signatures is not null)
        {
            writer.WriteString(OpenAIChatReasoningSignature.Field, signatures.ToString());
        }

        if (toolCalls > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var part in content)
            {
                if (part is IrToolCallPart call)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, call.Id);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, call.Name);
                    writer.WriteString("arguments"u8, call.ArgumentsJson);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return toolCalls > 0;
    }
}
