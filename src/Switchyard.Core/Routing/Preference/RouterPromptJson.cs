using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Core.Routing.Preference;

/// <summary>JSON snippets embedded in router prompts. Byte-stable so prompts are deterministic.</summary>
internal static class RouterPromptJson
{
    // Relaxed escaping keeps non-ASCII text and '<', '>', '\'' readable to the router model, as the client wrote it.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions Compact = new() { Encoder = Encoder };

    // Python json.dumps(indent=4) shape, which is how Plano-Orchestrator saw conversations in training.
    private static readonly JsonWriterOptions Indented = new() { Encoder = Encoder, Indented = true, IndentSize = 4, NewLine = "\n" };

    /// <summary>A JSON string literal (with quotes).</summary>
    public static string Quote(string value) => "\"" + JsonEncodedText.Encode(value, Encoder).ToString() + "\"";

    /// <summary>The conversation as a JSON array of <c>{role, content}</c>, compact or 4-space indented.</summary>
    public static string Conversation(IReadOnlyList<RouterTurn> conversation, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : Compact))
        {
            writer.WriteStartArray();
            foreach (var turn in conversation)
            {
                writer.WriteStartObject();
                writer.WriteString("role", turn.Role.Value);
                writer.WriteString("content", turn.Text);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The routes as one compact JSON array of <c>{name, description}</c>.</summary>
    public static string RouteArray(IReadOnlyList<RoutePreference> routes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartArray();
            foreach (var route in routes)
            {
                writer.WriteStartObject();
                writer.WriteString("name", route.Name);
                writer.WriteString("description", route.Description);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
