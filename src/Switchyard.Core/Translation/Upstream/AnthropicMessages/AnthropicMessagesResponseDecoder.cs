using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>
/// Anthropic Message object → IR answer. Every block kind crosses: thinking with signature, redacted thinking, text
/// (citations dropped), tool_use (input kept as raw JSON text); server-tool blocks and their results become
/// <see cref="IrUnknownPart"/>.
/// </summary>
internal static class AnthropicMessagesResponseDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
    {
        response = null;
        error = null;
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(body);
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            error = Bad($"the upstream answer is not valid JSON: {ex.Message}");
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object || AnthropicWire.Elem(root, "content"u8) is not { ValueKind: JsonValueKind.Array } content)
        {
            // An error object inside a 2xx is still an error.
            if (AnthropicErrorJson.TryRead(body, out var type, out var message))
            {
                error = new IrError(AnthropicErrorTypes.StatusFor(type), type, message);
                return false;
            }

            error = Bad("the upstream answer is not an Anthropic message (no content array)");
            return false;
        }

        var r = new IrResponse
        {
            Id = AnthropicWire.Str(root, "id"u8),
            Model = AnthropicWire.Str(root, "model"u8),
            FinishReason = AnthropicWire.StopReasonToIr(AnthropicWire.Str(root, "stop_reason"u8)),
            StopSequence = AnthropicWire.Str(root, "stop_sequence"u8),
        };
        foreach (var block in content.EnumerateArray())
        {
            if (!AnthropicBlockReader.TryRead(block, out var part, out var blockError))
            {
                error = Bad($"the upstream answer has a malformed block: {blockError}");
                return false;
            }

            r.Content.Add(part!);
        }

        if (AnthropicWire.Elem(root, "usage"u8) is { } usage)
        {
            var fields = default(AnthropicWire.UsageFields);
            fields.Read(usage);
            r.Usage = fields.ToIr();
        }

        response = r;
        return true;
    }

    private static IrError Bad(string message) => new(502, "api_error", message);
}
