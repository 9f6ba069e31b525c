using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// A complete <c>generateContent</c> body → <see cref="IrResponse"/>. Also accepts the JSON array that
/// <c>streamGenerateContent</c> returns without <c>alt=sse</c> and merges its chunks, so a provider entry that
/// ends up on that form still decodes.
/// </summary>
/// <remarks>
/// Part mapping: text → <see cref="IrTextPart"/> (adjacent ones merged); <c>thought: true</c> →
/// <see cref="IrThinkingPart"/> (adjacent ones merged until one carries a signature, which closes the run);
/// functionCall → <see cref="IrToolCallPart"/>; inlineData → <see cref="IrImagePart"/>; anything else →
/// <see cref="IrUnknownPart"/> tagged <c>gemini</c>. A <c>thoughtSignature</c> on a non-thought part becomes an
/// <see cref="IrThinkingPart"/> with empty text placed right before the part it was on, which is where the request
/// encoder puts it back.
/// </remarks>
internal static class GeminiResponseDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
    {
        response = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            error = new IrError(502, "api_error", $"Gemini returned a response that is not JSON: {ex.Message} ({Preview(body)})");
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            var builder = new Builder();
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (!builder.Add(root, out error))
                {
                    return false;
                }
            }
            else if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var chunk in root.EnumerateArray())
                {
                    if (chunk.ValueKind == JsonValueKind.Object && !builder.Add(chunk, out error))
                    {
                        return false;
                    }
                }
            }
            else
            {
                error = new IrError(502, "api_error", $"Gemini returned a response that is not a GenerateContentResponse ({Preview(body)})");
                return false;
            }

            response = builder.Build();
            error = null;
            return true;
        }
    }

    private static string Preview(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body.Length > 200 ? body[..200] : body);

    /// <summary>Accumulates one or more GenerateContentResponse chunks into one answer.</summary>
    private sealed class Builder
    {
        private readonly IrResponse _response = new();
        private string? _finish;
        private string? _blockReason;
        private int _toolCalls;
        private string? _randomStem;

        public bool Add(JsonElement chunk, out IrError? error)
        {
            error = null;
            if (chunk.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                error = GeminiErrorCodec.FromErrorObject(e, 0);
                return false;
            }

            _response.Id ??= GeminiWire.GetString(chunk, "responseId");
            _response.Model ??= GeminiWire.GetString(chunk, "modelVersion");
            _blockReason ??= GeminiWire.ReadBlockReason(chunk);
            var usage = GeminiWire.ReadUsage(chunk);
            if (usage is not null)
            {
                _response.Usage = _response.Usage is null ? usage : _response.Usage.Merge(usage);
            }

            if (!GeminiWire.TryGetFirstCandidate(chunk, out var candidate))
            {
                return true;
            }

            foreach (var part in GeminiWire.ReadParts(candidate))
            {
                AddPart(part);
            }

            _finish = GeminiWire.GetString(candidate, "finishReason") ?? _finish;
            return true;
        }

        private void AddPart(in GeminiPart part)
        {
            var content = _response.Content;
            var last = content.Count > 0 ? content[^1] : null;
            switch (part.Kind)
            {
                case GeminiPartKind.Thought:
                    if (last is IrThinkingPart { Signature: null } open && open.Text.Length > 0)
                    {
                        content[^1] = open with { Text = open.Text + part.Text, Signature = part.Signature };
                    }
                    else if (part.Text.Length > 0 || part.Signature is not null)
                    {
                        content.Add(new IrThinkingPart(part.Text) { Signature = part.Signature });
                    }

                    return;
                case GeminiPartKind.Text:
                    AddSignatureCarrier(part.Signature);
                    if (part.Text.Length == 0)
                    {
                        return;
                    }

                    if (part.Signature is null && content.Count > 0 && content[^1] is IrTextPart text)
                    {
                        content[^1] = text with { Text = text.Text + part.Text };
                    }
                    else
                    {
                        content.Add(new IrTextPart(part.Text));
                    }

                    return;
                case GeminiPartKind.FunctionCall:
                    AddSignatureCarrier(part.Signature);
                    var id = GeminiWire.ToolCallId(part.CallId, _response.Id, _toolCalls++, ref _randomStem);
                    content.Add(new IrToolCallPart(id, part.FunctionName ?? "", part.ArgumentsJson ?? "{}"));
                    return;
                case GeminiPartKind.InlineData:
                    AddSignatureCarrier(part.Signature);
                    content.Add(new IrImagePart { Base64 = part.Text, MediaType = part.MimeType });
                    return;
                default:
                    content.Add(new IrUnknownPart(GeminiWire.ProtocolName, part.OtherType ?? "", part.Raw.Clone()));
                    return;
            }
        }

        // A signature Gemini put on a text/functionCall/inlineData part travels as an empty thinking part just before it.
        private void AddSignatureCarrier(string? signature)
        {
            if (signature is not null)
            {
                _response.Content.Add(new IrThinkingPart("") { Signature = signature });
            }
        }

        public IrResponse Build()
        {
            if (_finish is not null)
            {
                _response.FinishReason = GeminiWire.MapFinishReason(_finish, _toolCalls > 0);
            }
            else if (_blockReason is not null)
            {
                // The prompt itself was blocked: no candidates, nothing generated.
                _response.FinishReason = IrFinishReason.ContentFilter;
            }

            return _response;
        }
    }
}
