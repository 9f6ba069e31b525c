using System.Buffers;
using System.Text.Json;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>Reads and writes Anthropic's error object <c>{"type":"error","error":{"type","message"}}</c>.</summary>
internal static class AnthropicErrorJson
{
    public static void Write(Utf8JsonWriter writer, string type, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, type);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] ToBytes(string type, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, AnthropicWire.WriterOptions))
        {
            Write(writer, type, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>event: error</c> SSE event, which Anthropic SDKs raise as an API error mid-stream.</summary>
    public static void WriteSseEvent(IBufferWriter<byte> output, string type, string message)
    {
        Protocols.Sse.SseWriter.BeginEvent(output, "error");
        using (var writer = new Utf8JsonWriter(output, AnthropicWire.WriterOptions))
        {
            Write(writer, type, message);
        }

        Protocols.Sse.SseWriter.EndEvent(output);
    }

    /// <summary>
    /// True when <paramref name="body"/> is an Anthropic error (<c>type</c> = <c>error</c> and an <c>error</c> object
    /// with a string <c>type</c>); gives its type and message.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out string type, out string message)
    {
        type = "";
        message = "";
        if (!TryParse(body, out var root))
        {
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type"u8, out var t) || t.ValueKind != JsonValueKind.String || !t.ValueEquals("error"u8)
            || !root.TryGetProperty("error"u8, out var error) || error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("type"u8, out var et) || et.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        type = et.GetString()!;
        message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        return true;
    }

    /// <summary>
    /// The message of another vendor's error body: OpenAI/Gemini <c>{"error":{"message"}}</c>, <c>{"error":"text"}</c>
    /// or Bedrock/plain <c>{"message"}</c>.
    /// </summary>
    public static string? TryReadForeignMessage(ReadOnlySpan<byte> body)
    {
        if (!TryParse(body, out var root) || root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("error"u8, out var error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString();
            }

            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message"u8, out var em) && em.ValueKind == JsonValueKind.String)
            {
                return em.GetString();
            }
        }

        foreach (var name in new[] { "message", "Message" })
        {
            if (root.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String)
            {
                return m.GetString();
            }
        }

        return null;
    }

    private static bool TryParse(ReadOnlySpan<byte> body, out JsonElement root)
    {
        root = default;
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            root = JsonElement.ParseValue(ref reader);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
