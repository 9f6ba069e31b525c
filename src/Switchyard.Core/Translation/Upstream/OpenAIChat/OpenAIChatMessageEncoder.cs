using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIChat;

/// <summary>
/// One IR turn → one or more chat <c>messages</c> entries. Tool results become <c>tool</c> messages wherever they
/// sit (Anthropic puts them inside a user turn), placed before the rest of that turn because OpenAI wants them
/// right after the assistant's <c>tool_calls</c>.
/// </summary>
internal static class OpenAIChatMessageEncoder
{
    public static void Write(Utf8JsonWriter writer, IrMessage message)
    {
        if (message.Role == IrRole.Assistant)
        {
            WriteAssistant(writer, message);
            return;
        }

        List<IrImagePart>? toolImages = null;
        var other = 0;
        foreach (var part in message.Parts)
        {
            if (part is IrToolResultPart result)
            {
                WriteToolResult(writer, result, ref toolImages);
            }
            else if (part is IrTextPart or IrImagePart or IrUnknownPart)
            {
                other++;
            }
        }

        // A tool turn with only results is done; any other turn is written even when empty (it is a turn).
        if (other == 0 && toolImages is null && (message.Role == IrRole.Tool || message.Parts.Count > 0))
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, message.Role == IrRole.Tool ? "user" : message.Role.Value);
        if (message.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        WriteContent(writer, message.Parts, toolImages);
        writer.WriteEndObject();
    }

    private static void WriteAssistant(Utf8JsonWriter writer, IrMessage message)
    {
        StringBuilder? text = null;
        var calls = 0;
        foreach (var part in message.Parts)
        {
            // Thinking (and its signatures) is not sent back: chat upstreams take no reasoning input, and OpenAI and
            // Mistral reject unknown message fields. Unknown parts of other protocols (server-tool blocks) have no
            // chat form either.
            if (part is IrTextPart t)
            {
                (text ??= new StringBuilder()).Append(t.Text);
            }
            else if (part is IrToolCallPart)
            {
                calls++;
            }
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        if (message.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        if (text is not null)
        {
            writer.WriteString("content"u8, text.ToString());
        }
        else if (calls > 0)
        {
            writer.WriteNull("content"u8);
        }
        else
        {
            writer.WriteString("content"u8, ""u8);
        }

        if (calls > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var part in message.Parts)
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
    }

    /// <summary>
    /// A <c>tool</c> message: its text parts joined by newlines (servers differ on arrays here; all take a string),
    /// prefixed <c>Error: </c> when the result is an error (the chat API has no is_error flag). Images cannot go in a
    /// tool message; they are collected for a user message that follows.
    /// </summary>
    private static void WriteToolResult(Utf8JsonWriter writer, IrToolResultPart result, ref List<IrImagePart>? images)
    {
        var text = new StringBuilder();
        if (result.IsError)
        {
            text.Append("Error: ");
        }

        var first = true;
        foreach (var part in result.Content)
        {
            switch (part)
            {
                case IrTextPart t:
                    if (!first)
                    {
                        text.Append('\n');
                    }

                    text.Append(t.Text);
                    first = false;
                    break;
                case IrImagePart image:
                    (images ??= []).Add(image);
                    break;
                default:
                    throw Untranslatable(part);
            }
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "tool"u8);
        writer.WriteString("tool_call_id"u8, result.ToolCallId);
        writer.WriteString("content"u8, result.IsError && first ? "Error" : text.ToString());
        writer.WriteEndObject();
    }

    /// <summary>A string when the content is one text part (what every server accepts), parts otherwise.</summary>
    private static void WriteContent(Utf8JsonWriter writer, IReadOnlyList<IrPart> parts, List<IrImagePart>? leadingImages)
    {
        var texts = 0;
        var others = leadingImages?.Count ?? 0;
        foreach (var part in parts)
        {
            if (part is IrTextPart)
            {
                texts++;
            }
            else if (part is not IrToolResultPart and not IrThinkingPart and not IrRedactedThinkingPart)
            {
                others++;
            }
        }

        if (others == 0 && texts <= 1)
        {
            var single = "";
            foreach (var part in parts)
            {
                if (part is IrTextPart t)
                {
                    single = t.Text;
                }
            }

            writer.WriteString("content"u8, single);
            return;
        }

        writer.WriteStartArray("content"u8);
        foreach (var image in leadingImages ?? [])
        {
            WriteImage(writer, image);
        }

        foreach (var part in parts)
        {
            switch (part)
            {
                case IrTextPart t:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, t.Text);
                    writer.WriteEndObject();
                    break;
                case IrImagePart image:
                    WriteImage(writer, image);
                    break;
                case IrUnknownPart unknown when unknown.Protocol == OpenAIChatMessageDecoder.Protocol:
                    unknown.Raw.WriteTo(writer); // input_audio, file: the same wire format, passed on unchanged
                    break;
                case IrToolResultPart or IrThinkingPart or IrRedactedThinkingPart:
                    break;
                default:
                    throw Untranslatable(part);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteImage(Utf8JsonWriter writer, IrImagePart image)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WriteString("url"u8, image.Url ?? OpenAIChatDataUrl.Build(image.MediaType, image.Base64
            ?? throw new TranslationException("an image without a URL or data cannot be sent")));
        if (image.Detail is { } detail)
        {
            writer.WriteString("detail"u8, detail);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static TranslationException Untranslatable(IrPart part) => new(part is IrUnknownPart u
        ? $"content of type '{u.Type}' ({u.Protocol}) cannot be sent to an OpenAI chat upstream"
        : $"content of kind '{part.GetType().Name}' cannot be sent to an OpenAI chat upstream");
}
