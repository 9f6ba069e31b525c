using System.Buffers;
using System.Text;

namespace Switchyard.Protocols.Sse;

/// <summary>
/// Writes SSE events around a JSON payload written in between: <c>BeginEvent</c>, then the payload (e.g. with a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> over the same output; it must contain no raw newline, which
/// non-indented JSON never does), then <c>EndEvent</c>.
/// </summary>
public static class SseWriter
{
    /// <summary>Writes <c>event: NAME\n</c> (when a name is given) and <c>data: </c>.</summary>
    public static void BeginEvent(IBufferWriter<byte> output, string? eventName)
    {
        if (eventName is not null)
        {
            output.Write("event: "u8);
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(eventName.Length));
            var n = Encoding.UTF8.GetBytes(eventName, span);
            output.Advance(n);
            output.Write("\n"u8);
        }

        output.Write("data: "u8);
    }

    /// <summary>Ends the event with the blank line.</summary>
    public static void EndEvent(IBufferWriter<byte> output) => output.Write("\n\n"u8);

    /// <summary>Writes OpenAI's terminal <c>data: [DONE]</c> event.</summary>
    public static void WriteDone(IBufferWriter<byte> output) => output.Write("data: [DONE]\n\n"u8);
}
