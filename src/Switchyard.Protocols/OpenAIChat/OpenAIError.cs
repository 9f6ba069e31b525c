using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Protocols.OpenAIChat;

/// <summary>
/// The OpenAI error object: <c>{"error":{"message","type","param","code"}}</c>, as OpenAI SDKs parse it.
/// </summary>
public static class OpenAIError
{
    // Error messages quote model names; keep them readable ('x', not \u0027x\u0027).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the error object as UTF-8 JSON.</summary>
    public static void Write(IBufferWriter<byte> output, string message, string type, string? code, string? param = null)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WriteString("message"u8, message);
        writer.WriteString("type"u8, type);
        if (param is null)
        {
            writer.WriteNull("param"u8);
        }
        else
        {
            writer.WriteString("param"u8, param);
        }

        if (code is null)
        {
            writer.WriteNull("code"u8);
        }
        else
        {
            writer.WriteString("code"u8, code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The error object as a byte array.</summary>
    public static byte[] ToBytes(string message, string type, string? code, string? param = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, message, type, code, param);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The error as one SSE event (<c>data: {...}\n\n</c>), which OpenAI SDKs raise as an error mid-stream.</summary>
    public static byte[] ToSseEvent(string message, string type, string? code)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        Write(buffer, message, type, code);
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// True when <paramref name="body"/> already is an OpenAI-shaped error (a JSON object whose <c>error</c> member is
    /// an object), so it can be passed to the client unchanged.
    /// </summary>
    public static bool IsOpenAIErrorBody(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isError)
                {
                    return reader.TokenType == JsonTokenType.StartObject;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
