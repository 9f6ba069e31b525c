using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// <c>streamGenerateContent?alt=sse</c> → IR events. Every SSE <c>data:</c> is a whole GenerateContentResponse
/// chunk. Block layout matches <see cref="GeminiResponseDecoder"/> part for part: a text run, a thought run (closed
/// by the part that carries its signature), one block per functionCall (start + the whole <c>args</c> as one
/// delta + stop, since Gemini sends each call complete), and a signature that Gemini put on a text or functionCall
/// part as its own thinking block with no text right before that part.
/// </summary>
/// <remarks>
/// Gemini has no terminal event: the stream is complete once a chunk carried a <c>finishReason</c> (or the prompt
/// was blocked); one that ends before that was cut. A finishReason does not end the IR stream, though: old API
/// versions repeated <c>finishReason: STOP</c> on every chunk, text following it, and a chunk with more parts or
/// usage may follow a finish. So the first finish reason is remembered, content after it continues the open block,
/// and the open block's stop and the one <see cref="IrFinish"/> are sent by <see cref="End"/> when the body ends
/// (usage goes out per chunk as before, so the last chunk's counts are the ones that stand).
/// </remarks>
internal sealed class GeminiStreamDecoder : IUpstreamStreamDecoder
{
    private enum Block { None, Text, Thinking }

    private bool _started;
    private bool _finished;
    private bool _ended;
    private string? _finishRaw; // null with _finished: the prompt was blocked
    private int _nextIndex;
    private int _openIndex = -1;
    private Block _open;
    private int _toolCalls;
    private string? _responseId;
    private string? _randomStem;

    public bool IsComplete => _finished;

    public void End(List<IrStreamEvent> output)
    {
        if (!_finished || _ended)
        {
            return;
        }

        _ended = true;
        CloseBlock(output);
        // Mapped at the end: a functionCall after the STOP chunk still makes it a tool-call finish.
        output.Add(new IrFinish(_finishRaw is null ? IrFinishReason.ContentFilter : GeminiWire.MapFinishReason(_finishRaw, _toolCalls > 0)));
    }

    public void Decode(in UpstreamFrame frame, List<IrStreamEvent> output)
    {
        var data = frame.Data.Span.Trim(" \t\r\n"u8);
        if (data.IsEmpty)
        {
            return;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(frame.Data);
        }
        catch (JsonException ex)
        {
            var preview = Encoding.UTF8.GetString(data.Length > 200 ? data[..200] : data);
            output.Add(new IrStreamError(new IrError(502, "api_error", $"Gemini sent a stream event that is not JSON: {ex.Message} ({preview})")));
            return;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var chunk in root.EnumerateArray())
                {
                    DecodeChunk(chunk, output);
                }
            }
            else
            {
                DecodeChunk(root, output);
            }
        }
    }

    private void DecodeChunk(JsonElement chunk, List<IrStreamEvent> output)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (chunk.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            CloseBlock(output);
            output.Add(new IrStreamError(GeminiErrorCodec.FromErrorObject(error, 0)));
            return;
        }

        if (!_started)
        {
            _started = true;
            _responseId = GeminiWire.GetString(chunk, "responseId");
            output.Add(new IrStreamStart(_responseId, GeminiWire.GetString(chunk, "modelVersion")));
        }

        string? finish = null;
        if (GeminiWire.TryGetFirstCandidate(chunk, out var candidate))
        {
            foreach (var part in GeminiWire.ReadParts(candidate))
            {
                DecodePart(part, output);
            }

            finish = GeminiWire.GetString(candidate, "finishReason");
        }

        var usage = GeminiWire.ReadUsage(chunk);
        if (usage is not null)
        {
            output.Add(new IrUsageUpdate(usage));
        }

        var blockReason = finish is null ? GeminiWire.ReadBlockReason(chunk) : null;
        if (finish is null && blockReason is null)
        {
            return;
        }

        // The first finish reason stands (a repeated STOP does not override it); End sends it once the body ended.
        if (!_finished)
        {
            _finished = true;
            _finishRaw = finish;
        }
    }

    private void DecodePart(in GeminiPart part, List<IrStreamEvent> output)
    {
        switch (part.Kind)
        {
            case GeminiPartKind.Thought:
                if (part.Text.Length == 0 && part.Signature is null)
                {
                    return;
                }

                // A new block always gets a delta first (empty when the part holds only a signature), so every
                // encoder has opened it before its signature arrives.
                var fresh = _open != Block.Thinking;
                var thinking = Open(Block.Thinking, output);
                if (part.Text.Length > 0 || fresh)
                {
                    output.Add(new IrThinkingDelta(thinking, part.Text));
                }

                if (part.Signature is not null)
                {
                    // The signature seals this thought run; a following thought starts a new block.
                    output.Add(new IrThinkingSignature(thinking, part.Signature));
                    CloseBlock(output);
                }

                return;
            case GeminiPartKind.Text:
                SignatureCarrier(part.Signature, output);
                if (part.Text.Length > 0)
                {
                    output.Add(new IrTextDelta(Open(Block.Text, output), part.Text));
                }

                return;
            case GeminiPartKind.FunctionCall:
                SignatureCarrier(part.Signature, output);
                CloseBlock(output);
                var index = _nextIndex++;
                var id = GeminiWire.ToolCallId(part.CallId, _responseId, _toolCalls++, ref _randomStem);
                output.Add(new IrToolCallStart(index, id, part.FunctionName ?? ""));
                output.Add(new IrToolCallArgumentsDelta(index, part.ArgumentsJson ?? "{}"));
                output.Add(new IrBlockStop(index));
                return;
            default:
                // inlineData and unmodelled parts have no stream event. Their signature goes with them: re-attached
                // to whatever part came next it would sit in the wrong place.
                return;
        }
    }

    // A signature on a non-thought part: its own thinking block (empty delta so every encoder opens it, then the
    // signature), placed right before the part it belongs to.
    private void SignatureCarrier(string? signature, List<IrStreamEvent> output)
    {
        if (signature is null)
        {
            return;
        }

        CloseBlock(output);
        var index = _nextIndex++;
        output.Add(new IrThinkingDelta(index, ""));
        output.Add(new IrThinkingSignature(index, signature));
        output.Add(new IrBlockStop(index));
    }

    private int Open(Block kind, List<IrStreamEvent> output)
    {
        if (_open == kind)
        {
            return _openIndex;
        }

        CloseBlock(output);
        _open = kind;
        _openIndex = _nextIndex++;
        return _openIndex;
    }

    private void CloseBlock(List<IrStreamEvent> output)
    {
        if (_open != Block.None)
        {
            output.Add(new IrBlockStop(_openIndex));
            _open = Block.None;
        }
    }
}
