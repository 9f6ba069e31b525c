using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>
/// IR stream events → Anthropic Messages SSE, as a state machine that keeps the envelope Anthropic SDKs require
/// (<c>MessageStream.finalMessage()</c>): exactly one <c>message_start</c> before any block, consecutive block
/// indexes from 0, every <c>content_block_start</c> matched by one <c>content_block_stop</c>, one block open at a
/// time, then <c>message_delta</c> + <c>message_stop</c> — or, on failure, the open block closed and an
/// <c>event: error</c> with no <c>message_stop</c> (the SDK throws on it, so a cut stream never looks whole).
/// </summary>
internal sealed class AnthropicMessagesStreamEncoder(string clientModel) : IClientStreamEncoder
{
    private enum Kind { Text, Thinking, Tool, Redacted }

    // IR index → Anthropic index and kind. IR indexes may have gaps or come from decoders whose numbering differs;
    // Anthropic's must be 0,1,2… in order of content_block_start.
    private readonly Dictionary<int, (int Index, Kind Kind)> blocks = [];
    private Utf8JsonWriter? writer;
    private bool started;
    private bool ended;
    private int nextIndex;
    private int openIr = -1;
    private string? id;
    private IrUsage? usage;
    private IrFinishReason? finish;
    private string? stopSequence;
    private bool calledTools;

    public void Encode(IrStreamEvent ev, IBufferWriter<byte> output)
    {
        if (ended)
        {
            return;
        }

        switch (ev)
        {
            case IrStreamStart start:
                id ??= start.Id;
                Merge(start.Usage);
                EnsureStarted(output);
                break;
            case IrTextDelta text:
                Delta(output, Block(output, text.Index, Kind.Text), "text_delta"u8, "text"u8, text.Text);
                break;
            case IrThinkingDelta thinking:
                Delta(output, Block(output, thinking.Index, Kind.Thinking), "thinking_delta"u8, "thinking"u8, thinking.Text);
                break;
            case IrThinkingSignature signature:
                Delta(output, Block(output, signature.Index, Kind.Thinking), "signature_delta"u8, "signature"u8, signature.Signature);
                break;
            case IrRedactedThinking redacted:
                Block(output, redacted.Index, Kind.Redacted, data: redacted.Data);
                CloseOpen(output); // complete on arrival; a later IrBlockStop for it finds nothing open
                break;
            case IrToolCallStart call:
                if (!blocks.ContainsKey(call.Index))
                {
                    calledTools = true;
                    Block(output, call.Index, Kind.Tool, call.Id, call.Name);
                }

                break;
            case IrToolCallArgumentsDelta args:
                // Without a start there is no id or name to open a tool_use block with; the IR contract sends one first.
                if (args.Delta.Length > 0 && blocks.TryGetValue(args.Index, out var tool) && tool.Kind == Kind.Tool)
                {
                    Delta(output, tool.Index, "input_json_delta"u8, "partial_json"u8, args.Delta);
                }

                break;
            case IrBlockStop stop:
                if (stop.Index == openIr)
                {
                    CloseOpen(output);
                }

                break;
            case IrUsageUpdate update:
                Merge(update.Usage);
                break;
            case IrFinish f:
                finish = f.Reason;
                stopSequence = f.StopSequence ?? stopSequence;
                break;
            case IrStreamError error:
                Fail(error.Error, output);
                break;
        }
    }

    public void Complete(IBufferWriter<byte> output)
    {
        if (ended)
        {
            return;
        }

        EnsureStarted(output);
        CloseOpen(output);
        var w = Begin(output, "message_delta");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_delta"u8);
        w.WriteStartObject("delta"u8);
        w.WriteString("stop_reason"u8, AnthropicWire.StopReasonFromIr(finish, calledTools));
        if (stopSequence is null)
        {
            w.WriteNull("stop_sequence"u8);
        }
        else
        {
            w.WriteString("stop_sequence"u8, stopSequence);
        }

        w.WriteEndObject();
        w.WriteStartObject("usage"u8);
        AnthropicWire.WriteUsageMembers(w, usage, inputAlways: false);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);

        w = Begin(output, "message_stop");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_stop"u8);
        w.WriteEndObject();
        End(output);
        ended = true;
    }

    public void Fail(IrError error, IBufferWriter<byte> output)
    {
        if (ended)
        {
            return;
        }

        // Anthropic itself may send `event: error` before message_start (e.g. overloaded), so none is invented here.
        CloseOpen(output);
        AnthropicErrorJson.WriteSseEvent(output, AnthropicErrorTypes.FromGateway(error.Type, error.Code, error.Status), error.Message);
        ended = true;
    }

    private void Merge(IrUsage? later)
    {
        if (later is not null)
        {
            usage = usage is null ? later : usage.Merge(later);
        }
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (started)
        {
            return;
        }

        started = true;
        var w = Begin(output, "message_start");
        w.WriteStartObject();
        w.WriteString("type"u8, "message_start"u8);
        w.WriteStartObject("message"u8);
        w.WriteString("id"u8, AnthropicIds.MessageId(id));
        w.WriteString("type"u8, "message"u8);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteString("model"u8, clientModel);
        w.WriteStartArray("content"u8);
        w.WriteEndArray();
        w.WriteNull("stop_reason"u8);
        w.WriteNull("stop_sequence"u8);
        w.WriteStartObject("usage"u8);
        AnthropicWire.WriteUsageMembers(w, usage, inputAlways: true);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    /// <summary>
    /// The Anthropic index for IR block <paramref name="irIndex"/>, opening it (and closing the open one) when it is
    /// new. A late delta for a block already closed goes to that block's index: SDKs accumulate by index, and a new
    /// block would split one text or one tool input in two.
    /// </summary>
    private int Block(IBufferWriter<byte> output, int irIndex, Kind kind, string? toolId = null, string? toolName = null, string? data = null)
    {
        EnsureStarted(output);
        if (blocks.TryGetValue(irIndex, out var known) && known.Kind == kind)
        {
            return known.Index;
        }

        CloseOpen(output);
        var index = nextIndex++;
        blocks[irIndex] = (index, kind);
        openIr = irIndex;
        var w = Begin(output, "content_block_start");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, index);
        w.WriteStartObject("content_block"u8);
        switch (kind)
        {
            case Kind.Text:
                w.WriteString("type"u8, "text"u8);
                w.WriteString("text"u8, ""u8);
                break;
            case Kind.Thinking:
                w.WriteString("type"u8, "thinking"u8);
                w.WriteString("thinking"u8, ""u8);
                w.WriteString("signature"u8, ""u8);
                break;
            case Kind.Redacted:
                w.WriteString("type"u8, "redacted_thinking"u8);
                w.WriteString("data"u8, data ?? "");
                break;
            case Kind.Tool:
                w.WriteString("type"u8, "tool_use"u8);
                w.WriteString("id"u8, string.IsNullOrEmpty(toolId) ? AnthropicIds.ToolUseId() : toolId);
                w.WriteString("name"u8, toolName ?? "");
                w.WriteStartObject("input"u8);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
        return index;
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (openIr < 0)
        {
            return;
        }

        var index = blocks[openIr].Index;
        openIr = -1;
        var w = Begin(output, "content_block_stop");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_stop"u8);
        w.WriteNumber("index"u8, index);
        w.WriteEndObject();
        End(output);
    }

    private void Delta(IBufferWriter<byte> output, int index, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> member, string value)
    {
        var w = Begin(output, "content_block_delta");
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_delta"u8);
        w.WriteNumber("index"u8, index);
        w.WriteStartObject("delta"u8);
        w.WriteString("type"u8, deltaType);
        w.WriteString(member, value);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    private Utf8JsonWriter Begin(IBufferWriter<byte> output, string eventName)
    {
        SseWriter.BeginEvent(output, eventName);
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, AnthropicWire.WriterOptions);
        }
        else
        {
            writer.Reset(output);
        }

        return writer;
    }

    private void End(IBufferWriter<byte> output)
    {
        writer!.Flush();
        SseWriter.EndEvent(output);
    }
}
