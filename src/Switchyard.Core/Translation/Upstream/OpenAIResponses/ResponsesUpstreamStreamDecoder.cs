using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>
/// Responses API stream events → IR stream events, event by event. Each output item is one IR block: a message's
/// text (all its output_text and refusal parts), a reasoning item's summary (summary parts separated by a blank
/// line), or one function call. A block opens at its first content and stops at <c>response.output_item.done</c>.
/// <c>response.completed</c> / <c>response.incomplete</c> end the stream with the finish reason and usage;
/// <c>error</c> and <c>response.failed</c> end it with an error.
/// </summary>
internal sealed class ResponsesUpstreamStreamDecoder : IUpstreamStreamDecoder
{
    private readonly Dictionary<int, Item> _items = [];
    private int _nextBlock;
    private bool _started;
    private bool _failed;
    private bool _calledTools;
    private string? _id;
    private string? _model;

    public bool IsComplete { get; private set; }

    public void Decode(in UpstreamFrame frame, List<IrStreamEvent> output)
    {
        if (_failed || IsComplete)
        {
            return;
        }

        var data = frame.Data.Span.Trim(" \t\r\n"u8);
        if (data.Length == 0 || data.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        if (!frame.TryParseJson(data, out var doc, out var notJson))
        {
            Fail(output, notJson);
            return;
        }

        using (doc)
        {
            var ev = doc.RootElement;
            if (ev.ValueKind == JsonValueKind.Object)
            {
                DecodeEvent(OpenAIChatJson.String(ev, "type") ?? frame.EventType, ev, output);
            }
        }
    }

    private void DecodeEvent(string? type, JsonElement ev, List<IrStreamEvent> output)
    {
        switch (type)
        {
            case "response.created":
            case "response.in_progress":
                if (OpenAIChatJson.TryGet(ev, "response", out var created))
                {
                    _id ??= OpenAIChatJson.String(created, "id");
                    _model ??= OpenAIChatJson.String(created, "model");
                }

                EnsureStarted(output);
                break;
            case "response.output_item.added":
                ItemAdded(ev, output);
                break;
            case "response.output_text.delta":
            case "response.refusal.delta":
                Delta(ev, ItemKind.Message, output);
                break;
            case "response.reasoning_summary_part.added":
                if ((OpenAIChatJson.Int(ev, "summary_index") ?? 0) > 0 && ItemOf(ev) is { Block: >= 0 } reasoning)
                {
                    output.Add(new IrThinkingDelta(reasoning.Block, "\n\n"));
                }

                break;
            case "response.reasoning_summary_text.delta":
                Delta(ev, ItemKind.Reasoning, output);
                break;
            case "response.function_call_arguments.delta":
                Delta(ev, ItemKind.FunctionCall, output);
                break;
            case "response.function_call_arguments.done":
                // A server that sends the arguments only whole (no deltas) still has them forwarded.
                if (ItemOf(ev) is { Kind: ItemKind.FunctionCall, HasContent: false } call
                    && OpenAIChatJson.String(ev, "arguments") is { Length: > 0 } args)
                {
                    call.HasContent = true;
                    output.Add(new IrToolCallArgumentsDelta(call.Block, args));
                }

                break;
            case "response.output_item.done":
                ItemDone(ev, output);
                break;
            case "response.completed":
            case "response.incomplete":
                Complete(ev, output);
                break;
            case "response.failed":
                Fail(output, OpenAIChatJson.TryGet(ev, "response", out var failed) && OpenAIChatJson.TryGet(failed, "error", out var error)
                    ? ResponsesUpstreamWire.Error(error)
                    : new IrError(500, "api_error", "the upstream reported the response failed"));
                break;
            case "error":
                Fail(output, ResponsesUpstreamWire.Error(OpenAIChatJson.TryGet(ev, "error", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : ev));
                break;
        }
    }

    private void ItemAdded(JsonElement ev, List<IrStreamEvent> output)
    {
        if (!OpenAIChatJson.TryGet(ev, "item", out var item))
        {
            return;
        }

        var index = OpenAIChatJson.Int(ev, "output_index") ?? _items.Count;
        var kind = OpenAIChatJson.String(item, "type") switch
        {
            "message" => ItemKind.Message,
            "reasoning" => ItemKind.Reasoning,
            "function_call" => ItemKind.FunctionCall,
            _ => ItemKind.Other,
        };
        var state = new Item(kind);
        _items[index] = state;
        if (kind == ItemKind.FunctionCall)
        {
            EnsureStarted(output);
            _calledTools = true;
            state.Block = _nextBlock++;
            output.Add(new IrToolCallStart(state.Block, OpenAIChatJson.String(item, "call_id") ?? OpenAIChatJson.String(item, "id") ?? "", OpenAIChatJson.String(item, "name") ?? ""));
            if (OpenAIChatJson.String(item, "arguments") is { Length: > 0 } args)
            {
                state.HasContent = true;
                output.Add(new IrToolCallArgumentsDelta(state.Block, args));
            }
        }
    }

    private void Delta(JsonElement ev, ItemKind kind, List<IrStreamEvent> output)
    {
        if (OpenAIChatJson.String(ev, "delta") is not { Length: > 0 } delta)
        {
            return;
        }

        var index = OpenAIChatJson.Int(ev, "output_index") ?? -1;
        if (!_items.TryGetValue(index, out var item))
        {
            item = new Item(kind);
            _items[index] = item;
        }

        if (item.Block < 0)
        {
            EnsureStarted(output);
            item.Block = _nextBlock++;
        }

        item.HasContent = true;
        output.Add(kind switch
        {
            ItemKind.Message => new IrTextDelta(item.Block, delta),
            ItemKind.Reasoning => new IrThinkingDelta(item.Block, delta),
            _ => new IrToolCallArgumentsDelta(item.Block, delta),
        });
    }

    private void ItemDone(JsonElement ev, List<IrStreamEvent> output)
    {
        if (ItemOf(ev) is not { } item || item.Stopped)
        {
            return;
        }

        if (item.Block < 0 && item.Kind == ItemKind.Message && OpenAIChatJson.TryGet(ev, "item", out var message))
        {
            // A message that arrived whole (no deltas): its text is forwarded as one delta.
            var text = new StringBuilder();
            if (OpenAIChatJson.TryGet(message, "content", out var parts) && parts.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in parts.EnumerateArray())
                {
                    text.Append(OpenAIChatJson.String(part, "text") ?? OpenAIChatJson.String(part, "refusal"));
                }
            }

            if (text.Length > 0)
            {
                EnsureStarted(output);
                item.Block = _nextBlock++;
                output.Add(new IrTextDelta(item.Block, text.ToString()));
            }
        }

        if (item.Kind == ItemKind.Reasoning && OpenAIChatJson.TryGet(ev, "item", out var reasoning)
            && ResponsesReasoningSignature.Wrap(OpenAIChatJson.String(reasoning, "id"), OpenAIChatJson.String(reasoning, "encrypted_content")) is { } signature)
        {
            // The encrypted reasoning travels as the thinking block's signature (a block of its own when no summary came).
            if (item.Block < 0)
            {
                EnsureStarted(output);
                item.Block = _nextBlock++;
            }

            output.Add(new IrThinkingSignature(item.Block, signature));
        }

        if (item.Block >= 0)
        {
            item.Stopped = true;
            output.Add(new IrBlockStop(item.Block));
        }
    }

    private void Complete(JsonElement ev, List<IrStreamEvent> output)
    {
        EnsureStarted(output);
        foreach (var item in _items.Values)
        {
            if (item.Block >= 0 && !item.Stopped)
            {
                item.Stopped = true;
                output.Add(new IrBlockStop(item.Block));
            }
        }

        var response = OpenAIChatJson.TryGet(ev, "response", out var r) ? r : default;
        output.Add(new IrFinish(ResponsesUpstreamWire.Finish(response, _calledTools)));
        if (ResponsesUpstreamWire.Usage(response) is { } usage)
        {
            output.Add(new IrUsageUpdate(usage));
        }

        IsComplete = true;
    }

    private Item? ItemOf(JsonElement ev)
        => OpenAIChatJson.Int(ev, "output_index") is { } index && _items.TryGetValue(index, out var item) ? item : null;

    private void EnsureStarted(List<IrStreamEvent> output)
    {
        if (!_started)
        {
            _started = true;
            output.Add(new IrStreamStart(_id, _model));
        }
    }

    private void Fail(List<IrStreamEvent> output, IrError error)
    {
        _failed = true;
        output.Add(new IrStreamError(error));
    }

    private enum ItemKind { Other, Message, Reasoning, FunctionCall }

    private sealed class Item(ItemKind kind)
    {
        public ItemKind Kind { get; } = kind;
        public int Block { get; set; } = -1;
        public bool HasContent { get; set; }
        public bool Stopped { get; set; }
    }
}
