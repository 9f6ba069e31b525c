using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// IR messages → Gemini <c>contents</c> (and the system/developer texts found among them). Roles: assistant →
/// <c>model</c>; user, tool and anything else → <c>user</c>; consecutive turns of one role are merged, and turns
/// left without parts are dropped (Gemini rejects empty <c>parts</c>).
/// </summary>
internal static class GeminiContentsEncoder
{
    /// <summary>
    /// Gemini's documented placeholder for a functionCall whose real thought signature is unknown (history that came
    /// from another model or through a protocol that cannot carry signatures). Gemini 3 rejects a model turn whose
    /// first functionCall has no signature.
    /// </summary>
    public const string SkipSignatureValidator = "skip_thought_signature_validator";

    private sealed class Turn(string role)
    {
        public string Role { get; } = role;
        public List<Action<Utf8JsonWriter>> Parts { get; } = [];
    }

    /// <summary>Writes the <c>contents</c> array; texts of system/developer messages are appended to <paramref name="systemTexts"/>.</summary>
    public static void Write(Utf8JsonWriter writer, IrRequest request, bool fillMissingSignatures, List<string> systemTexts)
    {
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in request.Messages)
        {
            foreach (var part in message.Parts)
            {
                if (part is IrToolCallPart call)
                {
                    toolNames[call.Id] = call.Name;
                }
            }
        }

        var turns = new List<Turn>();
        foreach (var message in request.Messages)
        {
            if (message.Role == IrRole.System || message.Role == IrRole.Developer)
            {
                foreach (var part in message.Parts)
                {
                    if (part is IrTextPart text)
                    {
                        systemTexts.Add(text.Text);
                    }
                }

                continue;
            }

            var model = message.Role == IrRole.Assistant;
            var role = model ? "model" : "user";
            if (turns.Count == 0 || turns[^1].Role != role)
            {
                turns.Add(new Turn(role));
            }

            if (model)
            {
                AddModelParts(turns[^1].Parts, message.Parts, fillMissingSignatures);
            }
            else
            {
                AddUserParts(turns[^1].Parts, message.Parts, toolNames);
            }
        }

        writer.WriteStartArray("contents");
        foreach (var turn in turns)
        {
            if (turn.Parts.Count == 0)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("role", turn.Role);
            writer.WriteStartArray("parts");
            foreach (var write in turn.Parts)
            {
                write(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// A model turn. An <see cref="IrThinkingPart"/> with a signature and no text is the carrier the decoders make
    /// for a signature Gemini put on the following part: it is put back on that part. Signed thought text goes back
    /// as a <c>thought</c> part; unsigned thought text is dropped, since Gemini reads nothing from it.
    /// </summary>
    private static void AddModelParts(List<Action<Utf8JsonWriter>> parts, IReadOnlyList<IrPart> source, bool fillMissingSignatures)
    {
        string? pending = null;
        var firstCall = true;
        foreach (var part in source)
        {
            switch (part)
            {
                case IrThinkingPart { Signature: { } openai } when OpenAIResponses.ResponsesReasoningSignature.Is(openai):
                    break; // OpenAI's encrypted reasoning: Gemini cannot verify it (issue 11)
                case IrThinkingPart { Signature: { } signature } thinking when thinking.Text.Length == 0:
                    if (pending is not null)
                    {
                        parts.Add(SignatureOnly(pending));
                    }

                    pending = signature;
                    break;
                case IrThinkingPart { Signature: { } signature } thinking:
                    FlushSignature(parts, ref pending);
                    parts.Add(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("text", thinking.Text);
                        w.WriteBoolean("thought", true);
                        w.WriteString("thoughtSignature", signature);
                        w.WriteEndObject();
                    });
                    break;
                case IrTextPart text:
                    parts.Add(TextPart(text.Text, Take(ref pending)));
                    break;
                case IrToolCallPart call:
                    var callSignature = Take(ref pending) ?? (firstCall && fillMissingSignatures ? SkipSignatureValidator : null);
                    firstCall = false;
                    parts.Add(FunctionCall(call, callSignature));
                    break;
                case IrImagePart image:
                    parts.Add(GeminiMediaEncoder.Image(image, Take(ref pending)));
                    break;
                case IrUnknownPart unknown when unknown.Protocol == GeminiWire.ProtocolName:
                    FlushSignature(parts, ref pending);
                    parts.Add(w => unknown.Raw.WriteTo(w));
                    break;
                default:
                    // Unsigned thinking, redacted thinking (Anthropic-only), other protocols' unknown parts: Gemini has no field for them.
                    break;
            }
        }

        FlushSignature(parts, ref pending);
    }

    private static void AddUserParts(List<Action<Utf8JsonWriter>> parts, IReadOnlyList<IrPart> source, Dictionary<string, string> toolNames)
    {
        foreach (var part in source)
        {
            switch (part)
            {
                case IrTextPart text:
                    parts.Add(TextPart(text.Text, null));
                    break;
                case IrImagePart image:
                    parts.Add(GeminiMediaEncoder.Image(image, null));
                    break;
                case IrToolResultPart result:
                    AddToolResult(parts, result, toolNames);
                    break;
                case IrUnknownPart unknown when unknown.Protocol == GeminiWire.ProtocolName:
                    parts.Add(w => unknown.Raw.WriteTo(w));
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// A tool result → <c>functionResponse {id, name, response: {output | error: value}}</c> (the keys Google documents
    /// for the function's output and its failure). The value is the result text, or the JSON it holds when the text
    /// is a JSON object or array. Images in a result follow as inlineData/fileData parts of the same turn.
    /// </summary>
    private static void AddToolResult(List<Action<Utf8JsonWriter>> parts, IrToolResultPart result, Dictionary<string, string> toolNames)
    {
        var name = result.Name ?? (toolNames.TryGetValue(result.ToolCallId, out var found) ? found : null)
            ?? throw new TranslationException($"The tool result for call '{result.ToolCallId}' matches no earlier tool call; Gemini needs the function's name.");
        var texts = new List<string>();
        foreach (var item in result.Content)
        {
            if (item is IrTextPart text)
            {
                texts.Add(text.Text);
            }
        }

        var value = string.Join("\n", texts);
        var json = ParseJsonContainer(value);
        parts.Add(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("functionResponse");
            if (result.ToolCallId.Length > 0)
            {
                w.WriteString("id", result.ToolCallId);
            }

            w.WriteString("name", name);
            w.WriteStartObject("response");
            w.WritePropertyName(result.IsError ? "error" : "output");
            if (json is { } element)
            {
                element.WriteTo(w);
            }
            else
            {
                w.WriteStringValue(value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        foreach (var item in result.Content)
        {
            if (item is IrImagePart image)
            {
                parts.Add(GeminiMediaEncoder.Image(image, null));
            }
        }
    }

    private static JsonElement? ParseJsonContainer(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Action<Utf8JsonWriter> FunctionCall(IrToolCallPart call, string? signature)
    {
        var args = ParseArguments(call);
        return w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("functionCall");
            if (call.Id.Length > 0)
            {
                w.WriteString("id", call.Id);
            }

            w.WriteString("name", call.Name);
            w.WritePropertyName("args");
            args.WriteTo(w);
            w.WriteEndObject();
            if (signature is not null)
            {
                w.WriteString("thoughtSignature", signature);
            }

            w.WriteEndObject();
        };
    }

    // Gemini's args is a JSON object (protobuf Struct), never text: the IR's raw argument text must parse as one.
    private static JsonElement ParseArguments(IrToolCallPart call)
    {
        var text = string.IsNullOrWhiteSpace(call.ArgumentsJson) ? "{}" : call.ArgumentsJson;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return doc.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
        }

        throw new TranslationException($"The arguments of tool call '{call.Id}' ({call.Name}) are not a JSON object; Gemini needs one.");
    }

    private static Action<Utf8JsonWriter> TextPart(string text, string? signature) => w =>
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        if (signature is not null)
        {
            w.WriteString("thoughtSignature", signature);
        }

        w.WriteEndObject();
    };

    private static Action<Utf8JsonWriter> SignatureOnly(string signature) => TextPart("", signature);

    private static void FlushSignature(List<Action<Utf8JsonWriter>> parts, ref string? pending)
    {
        if (pending is not null)
        {
            parts.Add(SignatureOnly(pending));
            pending = null;
        }
    }

    private static string? Take(ref string? pending)
    {
        var value = pending;
        pending = null;
        return value;
    }
}
