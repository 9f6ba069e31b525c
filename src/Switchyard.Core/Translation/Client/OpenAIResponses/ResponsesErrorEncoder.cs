using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Protocols.OpenAIChat;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// Errors for Responses API clients. Bodies are the OpenAI error object (the Responses API answers errors exactly
/// as chat completions does). The in-stream event is <c>error</c>; the stream encoder's <c>Fail</c> is the main path
/// (it numbers the event and follows it with <c>response.failed</c>), this raw form is for a stream cut where no
/// encoder state is at hand, so it carries no <c>sequence_number</c>.
/// </summary>
public sealed class ResponsesErrorEncoder : IClientErrorEncoder
{
    /// <summary>The shared instance.</summary>
    public static ResponsesErrorEncoder Instance { get; } = new();

    /// <inheritdoc />
    public byte[] Body(string message, string type, string? code) => OpenAIError.ToBytes(message, type, code);

    /// <inheritdoc />
    public byte[] UpstreamBody(int status, ReadOnlySpan<byte> upstreamBody, string provider) =>
        OpenAIChatErrorEncoder.Instance.UpstreamBody(status, upstreamBody, provider);

    /// <inheritdoc />
    public byte[] StreamErrorEvent(string message, string code)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        SseWriter.BeginEvent(buffer, "error");
        using (var w = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            // Flat members per the published ResponseErrorEvent, nested object as api.openai.com sends it (which
            // makes openai-node throw an APIError on this event).
            w.WriteStartObject();
            w.WriteString("type"u8, "error"u8);
            w.WriteString("code"u8, code);
            w.WriteString("message"u8, message);
            w.WriteNull("param"u8);
            w.WriteStartObject("error"u8);
            w.WriteString("type"u8, "upstream_error"u8);
            w.WriteString("code"u8, code);
            w.WriteString("message"u8, message);
            w.WriteNull("param"u8);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        SseWriter.EndEvent(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
