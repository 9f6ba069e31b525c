using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>
/// <see cref="IrRequest"/> → a Responses API body (<c>POST /v1/responses</c>) for a chat or Anthropic client whose
/// model is served over Responses. System text becomes <c>instructions</c>; turns become <c>input</c> items
/// (messages, <c>function_call</c>, <c>function_call_output</c>). The conversation is never stored upstream unless
/// the client asked (<c>store: false</c>), so every turn carries the whole history, as the client sent it.
/// </summary>
internal static partial class ResponsesUpstreamRequestEncoder
{
    public static byte[] Encode(IrRequest request, string upstreamModelId)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer, OpenAIChatJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("model"u8, upstreamModelId);
        WriteInstructions(writer, request.System);
        writer.WriteStartArray("input"u8);
        foreach (var message in request.Messages)
        {
            WriteMessage(writer, message);
        }

        writer.WriteEndArray();
        WriteTools(writer, request);
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber("max_output_tokens"u8, max);
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        // StopSequences and TopK have no Responses field; the API answers 400 to unknown ones, so they are dropped
        // (docs/translation.md lists this).
        WriteTextFormat(writer, request.ResponseFormat);
        var reasoning = WriteReasoning(writer, request.Reasoning);
        var store = request.Store ?? false;
        writer.WriteBoolean("store"u8, store);
        if (reasoning && !store)
        {
            // Without storage the reasoning items can only come back encrypted (issue 11, item 3).
            writer.WriteStartArray("include"u8);
            writer.WriteStringValue("reasoning.encrypted_content"u8);
            writer.WriteEndArray();
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }

        if (request.User is { } user)
        {
            writer.WriteString("user"u8, user);
        }

        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteInstructions(Utf8JsonWriter writer, List<IrTextPart> system)
    {
        if (system.Count == 0)
        {
            return;
        }

        if (system.Count == 1)
        {
            writer.WriteString("instructions"u8, system[0].Text);
            return;
        }

        var texts = new string[system.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = system[i].Text;
        }

        writer.WriteString("instructions"u8, string.Join("\n\n", texts));
    }

    /// <summary>
    /// One IR turn → input items, in the order of its parts: text and images group into a message item; a tool call
    /// or tool result becomes its own item where it stands (Anthropic puts results inside a user turn).
    /// </summary>
    private static void WriteMessage(Utf8JsonWriter writer, IrMessage message)
    {
        var assistant = message.Role == IrRole.Assistant;
        var role = message.Role == IrRole.Tool ? "user" : message.Role.Value;
        if (!assistant && message.Parts is [IrTextPart only])
        {
            // The short form every Responses client sends for a plain turn.
            writer.WriteStartObject();
            writer.WriteString("role"u8, role);
            writer.WriteString("content"u8, only.Text);
            writer.WriteEndObject();
            return;
        }

        var open = false;
        var wroteAny = false;
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case IrTextPart text:
                    Open(writer, role, ref open);
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, assistant ? "output_text"u8 : "input_text"u8);
                    writer.WriteString("text"u8, text.Text);
                    if (assistant)
                    {
                        writer.WriteStartArray("annotations"u8);
                        writer.WriteEndArray();
                    }

                    writer.WriteEndObject();
                    break;
                case IrImagePart image when !assistant:
                    Open(writer, role, ref open);
                    WriteImage(writer, image);
                    break;
                case IrToolCallPart call:
                    Close(writer, ref open, ref wroteAny);
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "function_call"u8);
                    writer.WriteString("call_id"u8, call.Id);
                    writer.WriteString("name"u8, call.Name);
                    writer.WriteString("arguments"u8, call.ArgumentsJson.Length == 0 ? "{}" : call.ArgumentsJson);
                    writer.WriteEndObject();
                    wroteAny = true;
                    break;
                case IrToolResultPart result:
                    Close(writer, ref open, ref wroteAny);
                    WriteToolResult(writer, result);
                    wroteAny = true;
                    break;
                case IrThinkingPart thinking when ResponsesReasoningSignature.TryUnwrap(thinking.Signature, out var id, out var encrypted):
                    // OpenAI's own encrypted reasoning, carried by the client: the reasoning item goes back in place.
                    Close(writer, ref open, ref wroteAny);
                    WriteReasoningItem(writer, id, thinking.Text, encrypted);
                    wroteAny = true;
                    break;
                case IrThinkingPart or IrRedactedThinkingPart:
                    // Reasoning of another provider cannot be verified by OpenAI (it would reject it): dropped.
                    break;
                default:
                    throw Untranslatable(part);
            }
        }

        if (!open && !wroteAny && message.Role != IrRole.Tool)
        {
            // An empty turn is still a turn.
            Open(writer, role, ref open);
        }

        Close(writer, ref open, ref wroteAny);
    }

    private static void WriteReasoningItem(Utf8JsonWriter writer, string id, string summary, string encrypted)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "reasoning"u8);
        if (id.Length > 0)
        {
            writer.WriteString("id"u8, id);
        }

        writer.WriteStartArray("summary"u8);
        if (summary.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "summary_text"u8);
            writer.WriteString("text"u8, summary);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("encrypted_content"u8, encrypted);
        writer.WriteEndObject();
    }

    private static void Open(Utf8JsonWriter writer, string role, ref bool open)
    {
        if (open)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, role);
        writer.WriteStartArray("content"u8);
        open = true;
    }

    private static void Close(Utf8JsonWriter writer, ref bool open, ref bool wroteAny)
    {
        if (!open)
        {
            return;
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        open = false;
        wroteAny = true;
    }

    private static void WriteImage(Utf8JsonWriter writer, IrImagePart image)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_image"u8);
        writer.WriteString("image_url"u8, image.Url ?? OpenAIChatDataUrl.Build(image.MediaType, image.Base64
            ?? throw new TranslationException("an image without a URL or data cannot be sent")));
        writer.WriteString("detail"u8, image.Detail ?? "auto");
        writer.WriteEndObject();
    }

    /// <summary>
    /// A <c>function_call_output</c>: a string when the result is text only (joined by newlines, <c>Error: </c>
    /// prefixed for an error result, as over chat), else input_text/input_image parts.
    /// </summary>
    private static void WriteToolResult(Utf8JsonWriter writer, IrToolResultPart result)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "function_call_output"u8);
        writer.WriteString("call_id"u8, result.ToolCallId);
        var images = false;
        foreach (var part in result.Content)
        {
            if (part is IrImagePart)
            {
                images = true;
            }
            else if (part is not IrTextPart)
            {
                throw Untranslatable(part);
            }
        }

        if (!images)
        {
            var text = new StringBuilder();
            if (result.IsError)
            {
                text.Append("Error: ");
            }

            var first = true;
            foreach (var part in result.Content)
            {
                if (!first)
                {
                    text.Append('\n');
                }

                text.Append(((IrTextPart)part).Text);
                first = false;
            }

            writer.WriteString("output"u8, result.IsError && first ? "Error" : text.ToString());
        }
        else
        {
            writer.WriteStartArray("output"u8);
            if (result.IsError)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "input_text"u8);
                writer.WriteString("text"u8, "Error"u8);
                writer.WriteEndObject();
            }

            foreach (var part in result.Content)
            {
                if (part is IrTextPart t)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "input_text"u8);
                    writer.WriteString("text"u8, t.Text);
                    writer.WriteEndObject();
                }
                else
                {
                    WriteImage(writer, (IrImagePart)part);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static TranslationException Untranslatable(IrPart part) => new(part is IrUnknownPart u
        ? $"content of type '{u.Type}' ({u.Protocol}) cannot be sent to an OpenAI Responses upstream"
        : $"content of kind '{part.GetType().Name}' cannot be sent to an OpenAI Responses upstream");
}
