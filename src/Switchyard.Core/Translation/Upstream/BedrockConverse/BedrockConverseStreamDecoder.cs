using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// ConverseStream events → IR stream events. Bedrock's <c>contentBlockIndex</c> is mapped to an IR index allocated
/// when a block first carries something: text and reasoning blocks have no start event and open on their first
/// non-empty delta (an empty text block, which gpt-oss sends, never reaches the client); a toolUse block opens on
/// its contentBlockStart. Server-side tool blocks (toolUse with <c>type: server_tool_use</c>, toolResult), which
/// Bedrock executed itself, are not forwarded: a client would take them for calls it must run.
/// </summary>
/// <remarks>
/// The stream is complete once <c>messageStop</c> arrived; Bedrock always sends <c>metadata</c> (usage) after it,
/// and the gateway reads to the end of the body, so that usage is still decoded.
/// </remarks>
internal sealed class BedrockConverseStreamDecoder : IUpstreamStreamDecoder
{
    private enum BlockKind { Pending, Text, Reasoning, Redacted, Tool, Skipped }

    private sealed class Block
    {
        public BlockKind Kind;
        public int IrIndex = -1;
        public string? Redacted;
    }

    private readonly Dictionary<int, Block> _blocks = [];
    private int _nextIrIndex;
    private bool _started;

    public bool IsComplete { get; private set; }

    public void Decode(in UpstreamFrame frame, List<IrStreamEvent> output)
    {
        if (frame.IsException)
        {
            output.Add(new IrStreamError(BedrockConverseErrorCodec.FromStreamException(frame.EventType, frame.Data.Span)));
            return;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(frame.Data);
        }
        catch (JsonException e)
        {
            output.Add(new IrStreamError(new IrError(502, "api_error", $"Bedrock sent an unreadable {frame.EventType} event: {e.Message}") { Code = "invalid_upstream_event" }));
            return;
        }

        using (doc)
        {
            var root = doc.RootElement;
            // Event payloads are the union member's body; the vercel-style capture wraps it as {"<event>": {...}}.
            var type = frame.EventType;
            if (type is null && root.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in root.EnumerateObject())
                {
                    type = member.Name;
                    root = member.Value;
                    break;
                }
            }

            switch (type)
            {
                case "messageStart":
                    Start(output);
                    break;
                case "contentBlockStart":
                    Start(output);
                    OnBlockStart(root, output);
                    break;
                case "contentBlockDelta":
                    Start(output);
                    OnBlockDelta(root, output);
                    break;
                case "contentBlockStop":
                    OnBlockStop(root, output);
                    break;
                case "messageStop":
                    Start(output);
                    if (BedrockWire.StopReasonToIr(BedrockWire.GetString(root, "stopReason")) is { } reason)
                    {
                        output.Add(new IrFinish(reason) { StopSequence = BedrockWire.StopSequence(root) });
                    }

                    IsComplete = true;
                    break;
                case "metadata":
                    if (root.TryGetProperty("usage", out var usage) && BedrockWire.ReadUsage(usage) is { } ir)
                    {
                        output.Add(new IrUsageUpdate(ir));
                    }

                    break;
                default:
                    // An unknown event (a newer API member) carries nothing the IR models.
                    break;
            }
        }
    }

    private void Start(List<IrStreamEvent> output)
    {
        if (!_started)
        {
            _started = true;
            output.Add(new IrStreamStart(null, null));
        }
    }

    private Block Get(JsonElement evt)
    {
        var index = BedrockWire.GetInt(evt, "contentBlockIndex") ?? 0;
        if (!_blocks.TryGetValue(index, out var block))
        {
            block = new Block();
            _blocks[index] = block;
        }

        return block;
    }

    private int Open(Block block, BlockKind kind)
    {
        block.Kind = kind;
        block.IrIndex = _nextIrIndex++;
        return block.IrIndex;
    }

    private void OnBlockStart(JsonElement evt, List<IrStreamEvent> output)
    {
        var block = Get(evt);
        if (block.Kind != BlockKind.Pending || !BedrockWire.TryGetObject(evt, "start", out var start))
        {
            return;
        }

        if (BedrockWire.TryGetObject(start, "toolUse", out var toolUse))
        {
            if (BedrockWire.GetString(toolUse, "type") is "server_tool_use")
            {
                block.Kind = BlockKind.Skipped;
                return;
            }

            var index = Open(block, BlockKind.Tool);
            output.Add(new IrToolCallStart(index, BedrockWire.GetString(toolUse, "toolUseId") ?? "", BedrockWire.GetString(toolUse, "name") ?? ""));
        }
        else
        {
            // toolResult (a server tool's result) and any newer start kind.
            block.Kind = BlockKind.Skipped;
        }
    }

    private void OnBlockDelta(JsonElement evt, List<IrStreamEvent> output)
    {
        var block = Get(evt);
        if (block.Kind == BlockKind.Skipped || !BedrockWire.TryGetObject(evt, "delta", out var delta))
        {
            return;
        }

        if (BedrockWire.GetString(delta, "text") is { } text)
        {
            if (text.Length == 0)
            {
                return;
            }

            var index = block.Kind == BlockKind.Pending ? Open(block, BlockKind.Text) : block.IrIndex;
            output.Add(new IrTextDelta(index, text));
        }
        else if (BedrockWire.TryGetObject(delta, "toolUse", out var toolUse))
        {
            if (block.Kind == BlockKind.Tool && BedrockWire.GetString(toolUse, "input") is { Length: > 0 } input)
            {
                output.Add(new IrToolCallArgumentsDelta(block.IrIndex, input));
            }
        }
        else if (BedrockWire.TryGetObject(delta, "reasoningContent", out var reasoning))
        {
            OnReasoningDelta(block, reasoning, output);
        }
    }

    private void OnReasoningDelta(Block block, JsonElement reasoning, List<IrStreamEvent> output)
    {
        if (BedrockWire.GetString(reasoning, "redactedContent") is { } redacted)
        {
            // Opaque: held until the block stops so the client gets it as one complete redacted block.
            if (block.Kind == BlockKind.Pending)
            {
                Open(block, BlockKind.Redacted);
            }

            block.Redacted = block.Redacted is null ? redacted : block.Redacted + redacted;
            return;
        }

        var text = BedrockWire.GetString(reasoning, "text");
        var signature = BedrockWire.GetString(reasoning, "signature");
        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(signature))
        {
            return;
        }

        var index = block.Kind == BlockKind.Pending ? Open(block, BlockKind.Reasoning) : block.IrIndex;
        if (!string.IsNullOrEmpty(text))
        {
            output.Add(new IrThinkingDelta(index, text));
        }

        if (!string.IsNullOrEmpty(signature))
        {
            output.Add(new IrThinkingSignature(index, signature));
        }
    }

    private void OnBlockStop(JsonElement evt, List<IrStreamEvent> output)
    {
        var block = Get(evt);
        if (block.IrIndex < 0)
        {
            return;
        }

        if (block.Kind == BlockKind.Redacted && block.Redacted is not null)
        {
            output.Add(new IrRedactedThinking(block.IrIndex, block.Redacted));
            block.Redacted = null;
        }

        output.Add(new IrBlockStop(block.IrIndex));
    }
}
