using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>Reading and writing helpers shared by both directions of the OpenAI chat wire format.</summary>
internal static class OpenAIChatJson
{
    /// <summary>
    /// Bodies are JSON, never HTML: relaxed escaping keeps non-ASCII text as UTF-8 instead of <c>\uXXXX</c>, which is
    /// smaller and what the providers themselves send.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The member's string value, or null when absent, null or not a string.</summary>
    public static string? String(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    /// <summary>The member's integer value, or null when absent or not an integer that fits.</summary>
    public static int? Int(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            ? i
            : null;

    /// <summary>The member when present and not JSON null.</summary>
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// An id for a tool call the upstream sent without one (Gemini's OpenAI-compatible endpoint sends <c>""</c>).
    /// Stable for the same response and position, and unique across turns when the response has an id, because
    /// clients that later replay the history to another provider may require unique tool-call ids.
    /// </summary>
    public static string SyntheticToolCallId(string? responseId, int position)
    {
        if (string.IsNullOrEmpty(responseId))
        {
            return "call_" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Anthropic accepts only [A-Za-z0-9_-] in tool ids; keep the synthetic id valid wherever it ends up.
        Span<char> buffer = stackalloc char[Math.Min(responseId.Length, 64)];
        var n = 0;
        foreach (var c in responseId)
        {
            if (n == buffer.Length)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            {
                buffer[n++] = c;
            }
        }

        return string.Concat("call_", buffer[..n], "_", position.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
