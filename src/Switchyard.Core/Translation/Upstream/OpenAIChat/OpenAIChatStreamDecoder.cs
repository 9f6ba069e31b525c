using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIChat;

/// <summary>
/// <c>chat.completion.chunk</c> events → IR stream events. Block indexes follow the order content appears: a run of
/// reasoning deltas (<c>reasoning_content</c> / <c>reasoning</c>, or Mistral's thinking parts) is one thinking block,
/// a run of content deltas one text block, and each tool call (keyed by its <c>index</c>) its own block. The open
/// block is stopped when another kind starts, at <c>finish_reason</c>, or at <c>[DONE]</c>.
/// </summary>
internal sealed class OpenAIChatStreamDecoder : IUpstreamStreamDecoder
{
    private enum Kind { None, Text, Thinking, Tool }

    private readonly Dictionary<int, ToolCall> _tools = [];
    private int _nextBlock;
    private int _openBlock = -1;
    private Kind _openKind;
    private bool _started;
    private bool _finished;
    private bool _failed;
    private string? _responseId;

    public bool IsComplete { get; private set; }

    public void Decode(in UpstreamFrame frame, List<IrStreamEvent> output)
    {
        if (_failed || IsComplete)
        {
            return;
        }

        var data = frame.Data.Span.Trim(" \t\r\n"u8);
        if (data.SequenceEqual("[DONE]"u8))
        {
            if (!_finished)
            {
                // Some servers (Kimi via OpenRouter) end with [DONE] and never send a finish_reason. Every client
                // protocol needs one, so it is inferred from what was generated.
                Finish(default, _tools.Count > 0 ? IrFinishReason.ToolCalls : IrFinishReason.Stop, output);
            }

            IsComplete = true;
            return;
        }

        if (!frame.TryParseJson(data, out var doc, out var notJson))
        {
            Fail(output, notJson);
            return;
        }

        using (doc)
        {
            DecodeChunk(doc.RootElement, frame.EventType, output);
        }
    }

    private void DecodeChunk(JsonElement chunk, string? eventType, List<IrStreamEvent> output)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // Errors inside a 200 stream (Groq sends `event: error` + an OpenAI error object) end the stream as errors.
        if (OpenAIChatJson.TryGet(chunk, "error", out var error))
        {
            Fail(output, error.ValueKind == JsonValueKind.Object
                ? OpenAIChatErrorCodec.FromObject(error, 500)
                : new IrError(500, "api_error", error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText()));
            return;
        }

        if (eventType == "error")
        {
            Fail(output, OpenAIChatErrorCodec.FromObject(chunk, 500));
            return;
        }

        if (OpenAIChatJson.String(chunk, "id") is { Length: > 0 } id)
        {
            _responseId ??= id;
            EnsureStarted(chunk, output);
        }

        if (OpenAIChatJson.TryGet(chunk, "choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                // One answer per request: other choices (n > 1) are never asked for by the request encoder.
                if ((OpenAIChatJson.Int(choice, "index") ?? 0) == 0)
                {
                    DecodeChoice(chunk, choice, output);
                }
            }
        }

        // Groq also reports usage under x_groq.usage; the top-level one is the standard place.
        var usage = OpenAIChatJson.TryGet(chunk, "usage", out var u) ? OpenAIChatUsage.Read(u)
            : OpenAIChatJson.TryGet(chunk, "x_groq", out var groq) && OpenAIChatJson.TryGet(groq, "usage", out var gu) ? OpenAIChatUsage.Read(gu)
            : null;
        if (usage is not null)
        {
            EnsureStarted(chunk, output);
            output.Add(new IrUsageUpdate(usage));
        }
    }

    private void DecodeChoice(JsonElement chunk, JsonElement choice, List<IrStreamEvent> output)
    {
        if (OpenAIChatJson.TryGet(choice, "delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if ((OpenAIChatJson.String(delta, "reasoning_content") ?? OpenAIChatJson.String(delta, "reasoning")) is { Length: > 0 } reasoning)
            {
                Thinking(chunk, reasoning, output);
            }

            if (OpenAIChatJson.TryGet(delta, "content", out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    Text(chunk, content.GetString()!, output);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    ContentParts(chunk, content, output);
                }
            }

            if (OpenAIChatJson.String(delta, "refusal") is { } refusal)
            {
                Text(chunk, refusal, output);
            }

            if (OpenAIChatJson.TryGet(delta, "tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                ToolCalls(chunk, calls, output);
            }
        }

        if (OpenAIChatJson.String(choice, "finish_reason") is { Length: > 0 } reason && !_finished)
        {
            Finish(chunk, OpenAIChatFinishReasons.FromWire(reason), output);
        }
    }

    private void Finish(JsonElement chunk, IrFinishReason reason, List<IrStreamEvent> output)
    {
        _finished = true;
        EnsureStarted(chunk, output);
        FlushPendingTools(output);
        CloseOpen(output);
        output.Add(new IrFinish(reason));
    }

    private void ContentParts(JsonElement chunk, JsonElement parts, List<IrStreamEvent> output)
    {
        foreach (var part in parts.EnumerateArray())
        {
            switch (OpenAIChatJson.String(part, "type"))
            {
                case "text" when OpenAIChatJson.String(part, "text") is { } text:
                    Text(chunk, text, output);
                    break;
                case "thinking" when OpenAIChatJson.TryGet(part, "thinking", out var thinking):
                    Thinking(chunk, OpenAIChatResponseDecoder.ThinkingText(thinking), output);
                    break;
            }
        }
    }

    private void Text(JsonElement chunk, string text, List<IrStreamEvent> output)
    {
        if (text.Length > 0)
        {
            output.Add(new IrTextDelta(Open(chunk, Kind.Text, output), text));
        }
    }

    private void Thinking(JsonElement chunk, string text, List<IrStreamEvent> output)
    {
        if (text.Length > 0)
        {
            output.Add(new IrThinkingDelta(Open(chunk, Kind.Thinking, output), text));
        }
    }

    private void ToolCalls(JsonElement chunk, JsonElement calls, List<IrStreamEvent> output)
    {
        var position = 0;
        foreach (var call in calls.EnumerateArray())
        {
            // Mistral sends no index: the position in the array is the call's number.
            var key = OpenAIChatJson.Int(call, "index") ?? position;
            position++;
            var id = OpenAIChatJson.String(call, "id") is { Length: > 0 } given ? given : null;
            var function = OpenAIChatJson.TryGet(call, "function", out var f) ? f : default;
            var name = OpenAIChatJson.String(function, "name") is { Length: > 0 } n ? n : null;
            var args = OpenAIChatResponseDecoder.Arguments(function);

            // Continuations repeat the index and carry no id (OpenAI), an empty id (Qwen) or the same id and name
            // again (Kimi via OpenRouter). A different id under a known index is a new call (index-less Mistral).
            if (!_tools.TryGetValue(key, out var tool) || (id is not null && !tool.SyntheticId && tool.Id != id))
            {
                tool = new ToolCall(id ?? OpenAIChatJson.SyntheticToolCallId(_responseId, key), id is null);
                _tools[key] = tool;
            }

            tool.Name ??= name;
            if (tool.Block < 0)
            {
                if (tool.Name is null)
                {
                    // Nothing to start a call with yet: hold the (rare) early argument text until the name arrives.
                    tool.Pending.Append(args);
                    continue;
                }

                Start(chunk, tool, output);
            }

            if (args.Length > 0)
            {
                output.Add(new IrToolCallArgumentsDelta(tool.Block, args));
            }
        }
    }

    private void Start(JsonElement chunk, ToolCall tool, List<IrStreamEvent> output)
    {
        EnsureStarted(chunk, output);
        CloseOpen(output);
        tool.Block = _nextBlock++;
        _openBlock = tool.Block;
        _openKind = Kind.Tool;
        output.Add(new IrToolCallStart(tool.Block, tool.Id, tool.Name ?? ""));
        if (tool.Pending.Length > 0)
        {
            output.Add(new IrToolCallArgumentsDelta(tool.Block, tool.Pending.ToString()));
            tool.Pending.Clear();
        }
    }

    /// <summary>Starts calls that never got a name, so their arguments are not lost.</summary>
    private void FlushPendingTools(List<IrStreamEvent> output)
    {
        foreach (var tool in _tools.Values)
        {
            if (tool.Block < 0)
            {
                Start(default, tool, output);
            }
        }
    }

    /// <summary>The block that receives content of <paramref name="kind"/>: the open one, or a new one.</summary>
    private int Open(JsonElement chunk, Kind kind, List<IrStreamEvent> output)
    {
        EnsureStarted(chunk, output);
        if (_openKind != kind)
        {
            CloseOpen(output);
            _openBlock = _nextBlock++;
            _openKind = kind;
        }

        return _openBlock;
    }

    private void CloseOpen(List<IrStreamEvent> output)
    {
        if (_openKind != Kind.None)
        {
            output.Add(new IrBlockStop(_openBlock));
            _openKind = Kind.None;
            _openBlock = -1;
        }
    }

    private void EnsureStarted(JsonElement chunk, List<IrStreamEvent> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        output.Add(new IrStreamStart(_responseId, OpenAIChatJson.String(chunk, "model") is { Length: > 0 } m ? m : null));
    }

    private void Fail(List<IrStreamEvent> output, IrError error)
    {
        _failed = true;
        output.Add(new IrStreamError(error));
    }

    private sealed class ToolCall(string id, bool syntheticId)
    {
        public string Id { get; } = id;
        public bool SyntheticId { get; } = syntheticId;
        public string? Name { get; set; }
        public int Block { get; set; } = -1;
        public StringBuilder Pending { get; } = new();
    }
}
