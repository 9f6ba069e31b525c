using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>
/// Anthropic Messages SSE → IR stream events. Text, thinking (+ signature), redacted thinking and tool_use blocks get
/// IR indexes in order of appearance; input_json_delta fragments are forwarded as they arrive. Server-tool blocks
/// (server_tool_use, web_search_tool_result, …) and citations have no IR stream event and are skipped, so their
/// Anthropic indexes get no IR index (IR indexes stay consecutive). A repeated <c>message_start</c> for the same
/// message is ignored; one for a different message while the first is open is a broken stream and becomes an error
/// (the vercel/ai provider does the same), never a silent splice of two answers.
/// </summary>
internal sealed class AnthropicMessagesStreamDecoder : IUpstreamStreamDecoder
{
    private enum Kind { Text, Thinking, Redacted, Tool, Skipped }

    private sealed class Block
    {
        public int Ir;
        public Kind Kind;
        public bool GotArguments;
        public string? StartInput;
    }

    private readonly Dictionary<int, Block> blocks = [];
    private AnthropicWire.UsageFields usage;
    private bool started;
    private bool failed;
    private string? messageId;
    private int nextIr;

    public bool IsComplete { get; private set; }

    public void Decode(in UpstreamFrame frame, List<IrStreamEvent> output)
    {
        if (IsComplete || failed)
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
            Fail(output, $"the upstream sent a stream event that is not JSON: {ex.Message}");
            return;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Fail(output, "the upstream sent a stream event that is not a JSON object");
                return;
            }

            // The payload's own type is authoritative; the event: line may be stripped by intermediaries.
            switch (AnthropicWire.Str(root, "type"u8) ?? frame.EventType)
            {
                case "message_start":
                    MessageStart(root, output);
                    break;
                case "content_block_start":
                    BlockStart(root, output);
                    break;
                case "content_block_delta":
                    BlockDelta(root, output);
                    break;
                case "content_block_stop":
                    BlockStop(root, output);
                    break;
                case "message_delta":
                    MessageDelta(root, output);
                    break;
                case "message_stop":
                    IsComplete = true;
                    break;
                case "error":
                    StreamError(root, output);
                    break;
                default:
                    // ping, and event types Anthropic may add later (its versioning policy says to ignore them).
                    break;
            }
        }
    }

    private void Fail(List<IrStreamEvent> output, string message)
    {
        failed = true;
        output.Add(new IrStreamError(new IrError(502, AnthropicErrorTypes.Api, message)));
    }

    private void MessageStart(JsonElement root, List<IrStreamEvent> output)
    {
        var message = AnthropicWire.Elem(root, "message"u8) ?? default;
        var id = message.ValueKind == JsonValueKind.Object ? AnthropicWire.Str(message, "id"u8) : null;
        if (started)
        {
            if (id != messageId)
            {
                Fail(output, $"the upstream started a second message ('{id}') while message '{messageId}' was still streaming");
            }

            return;
        }

        started = true;
        messageId = id;
        if (message.ValueKind != JsonValueKind.Object)
        {
            output.Add(new IrStreamStart(null, null));
            return;
        }

        usage.Read(AnthropicWire.Elem(message, "usage"u8) ?? default);
        output.Add(new IrStreamStart(id, AnthropicWire.Str(message, "model"u8)) { Usage = usage.ToIr() });
    }

    private void BlockStart(JsonElement root, List<IrStreamEvent> output)
    {
        if (AnthropicWire.Int(root, "index"u8) is not { } index || AnthropicWire.Elem(root, "content_block"u8) is not { ValueKind: JsonValueKind.Object } cb)
        {
            return;
        }

        var kind = AnthropicWire.Str(cb, "type"u8) switch
        {
            "text" => Kind.Text,
            "thinking" => Kind.Thinking,
            "redacted_thinking" => Kind.Redacted,
            "tool_use" => Kind.Tool,
            _ => Kind.Skipped,
        };
        var block = new Block { Kind = kind, Ir = kind == Kind.Skipped ? -1 : nextIr++ };
        blocks[index] = block;
        switch (kind)
        {
            case Kind.Text when AnthropicWire.Str(cb, "text"u8) is { Length: > 0 } text:
                output.Add(new IrTextDelta(block.Ir, text));
                break;
            case Kind.Thinking:
                if (AnthropicWire.Str(cb, "thinking"u8) is { Length: > 0 } thinking)
                {
                    output.Add(new IrThinkingDelta(block.Ir, thinking));
                }

                if (AnthropicWire.Str(cb, "signature"u8) is { Length: > 0 } signature)
                {
                    output.Add(new IrThinkingSignature(block.Ir, signature));
                }

                break;
            case Kind.Redacted:
                output.Add(new IrRedactedThinking(block.Ir, AnthropicWire.Str(cb, "data"u8) ?? ""));
                break;
            case Kind.Tool:
                // Input normally streams as input_json_delta after an empty {}; a non-empty start input is kept in
                // case no delta follows.
                if (AnthropicWire.Elem(cb, "input"u8) is { ValueKind: JsonValueKind.Object } input && input.EnumerateObject().MoveNext())
                {
                    block.StartInput = input.GetRawText();
                }

                output.Add(new IrToolCallStart(block.Ir, AnthropicWire.Str(cb, "id"u8) ?? AnthropicIds.ToolUseId(), AnthropicWire.Str(cb, "name"u8) ?? ""));
                break;
        }
    }

    private void BlockDelta(JsonElement root, List<IrStreamEvent> output)
    {
        if (AnthropicWire.Int(root, "index"u8) is not { } index || !blocks.TryGetValue(index, out var block) || block.Kind == Kind.Skipped
            || AnthropicWire.Elem(root, "delta"u8) is not { ValueKind: JsonValueKind.Object } delta)
        {
            return;
        }

        switch (AnthropicWire.Str(delta, "type"u8))
        {
            case "text_delta" when AnthropicWire.Str(delta, "text"u8) is { Length: > 0 } text:
                output.Add(new IrTextDelta(block.Ir, text));
                break;
            case "thinking_delta" when AnthropicWire.Str(delta, "thinking"u8) is { Length: > 0 } thinking:
                output.Add(new IrThinkingDelta(block.Ir, thinking));
                break;
            case "signature_delta" when AnthropicWire.Str(delta, "signature"u8) is { Length: > 0 } signature:
                output.Add(new IrThinkingSignature(block.Ir, signature));
                break;
            case "input_json_delta" when AnthropicWire.Str(delta, "partial_json"u8) is { Length: > 0 } json:
                block.GotArguments = true;
                output.Add(new IrToolCallArgumentsDelta(block.Ir, json));
                break;
        }
    }

    private void BlockStop(JsonElement root, List<IrStreamEvent> output)
    {
        if (AnthropicWire.Int(root, "index"u8) is not { } index || !blocks.Remove(index, out var block) || block.Kind == Kind.Skipped)
        {
            return;
        }

        if (block.Kind == Kind.Tool && !block.GotArguments)
        {
            // A tool without arguments streams only an empty partial_json; other protocols expect "{}" there.
            output.Add(new IrToolCallArgumentsDelta(block.Ir, block.StartInput ?? "{}"));
        }

        output.Add(new IrBlockStop(block.Ir));
    }

    private void MessageDelta(JsonElement root, List<IrStreamEvent> output)
    {
        if (AnthropicWire.Elem(root, "delta"u8) is { ValueKind: JsonValueKind.Object } delta
            && AnthropicWire.StopReasonToIr(AnthropicWire.Str(delta, "stop_reason"u8)) is { } reason)
        {
            output.Add(new IrFinish(reason) { StopSequence = AnthropicWire.Str(delta, "stop_sequence"u8) });
        }

        if (AnthropicWire.Elem(root, "usage"u8) is { ValueKind: JsonValueKind.Object } u)
        {
            // Running totals: message_delta repeats or overrides message_start's members; merged here so the IR
            // update carries input tokens with their cached share even when only output_tokens changed.
            usage.Read(u);
            output.Add(new IrUsageUpdate(usage.ToIr()));
        }
    }

    private void StreamError(JsonElement root, List<IrStreamEvent> output)
    {
        failed = true;
        var error = AnthropicWire.Elem(root, "error"u8) ?? default;
        var type = error.ValueKind == JsonValueKind.Object ? AnthropicWire.Str(error, "type"u8) : null;
        var message = error.ValueKind == JsonValueKind.Object ? AnthropicWire.Str(error, "message"u8) : null;
        type ??= AnthropicErrorTypes.Api;
        output.Add(new IrStreamError(new IrError(AnthropicErrorTypes.StatusFor(type), type, message ?? "the upstream reported an error in the stream")));
    }
}
