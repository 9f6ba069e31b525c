using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.State;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// IR stream events → the Responses event stream. Guarantees the envelope openai-node's <c>ResponseStream</c>
/// accumulates without error: <c>response.created</c> and <c>response.in_progress</c> first, every output item
/// added (appended at the next <c>output_index</c>) before its deltas and done after them, <c>sequence_number</c>
/// 0, 1, 2… on every event, and exactly one terminal event — <c>response.completed</c>/<c>response.incomplete</c>,
/// or <c>error</c> + <c>response.failed</c>. Text and arguments are accumulated only because the <c>.done</c> events
/// and the final Response repeat them; deltas are written as they arrive.
/// </summary>
internal sealed class ResponsesStreamEncoder(
    ResponsesEnvelope envelope,
    IReadOnlyList<IrMessage>? requestMessages,
    IResponseStateStore store,
    TimeProvider time) : IClientStreamEncoder
{
    private readonly List<ResponsesOutputItem> _items = [];
    private readonly Dictionary<int, ResponsesOutputItem> _open = [];
    private Utf8JsonWriter? _writer;
    private int _sequence;
    private bool _started;
    private bool _ended;
    private IrUsage? _usage;
    private IrFinishReason? _finish;

    public void Encode(IrStreamEvent ev, IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        EnsureStarted(output);
        switch (ev)
        {
            case IrStreamStart start:
                _usage = start.Usage is null ? _usage : (_usage ?? new IrUsage()).Merge(start.Usage);
                break;
            case IrTextDelta text when Open(text.Index, ResponsesItemKind.Message, output) is { } message:
                message.Text.Append(text.Text);
                var w = Begin(output, "response.output_text.delta");
                WriteLocation(w, message, "content_index"u8);
                w.WriteString("delta"u8, text.Text);
                w.WriteStartArray("logprobs"u8);
                w.WriteEndArray();
                End(output);
                break;
            case IrThinkingDelta thinking when Open(thinking.Index, ResponsesItemKind.Reasoning, output) is { } reasoning:
                reasoning.Text.Append(thinking.Text);
                w = Begin(output, "response.reasoning_summary_text.delta");
                WriteLocation(w, reasoning, "summary_index"u8);
                w.WriteString("delta"u8, thinking.Text);
                End(output);
                break;
            case IrThinkingSignature signature when Open(signature.Index, ResponsesItemKind.Reasoning, output) is { } signed:
                signed.EncryptedContent = signature.Signature;
                break;
            case IrRedactedThinking redacted when !_open.ContainsKey(redacted.Index):
                var item = new ResponsesOutputItem(ResponsesItemKind.Reasoning, ResponsesIds.ItemId(envelope.Id, ResponsesItemKind.Reasoning, _items.Count)) { OutputIndex = _items.Count, EncryptedContent = redacted.Data };
                _items.Add(item);
                WriteItemEvent(output, "response.output_item.added", item, "in_progress", withContent: false);
                item.Done = true;
                WriteItemEvent(output, "response.output_item.done", item, "completed", withContent: true);
                break;
            case IrToolCallStart call when !_open.ContainsKey(call.Index):
                var fc = new ResponsesOutputItem(ResponsesItemKind.FunctionCall, ResponsesIds.ItemId(envelope.Id, ResponsesItemKind.FunctionCall, _items.Count)) { OutputIndex = _items.Count, CallId = call.Id, Name = call.Name };
                _items.Add(fc);
                _open[call.Index] = fc;
                WriteItemEvent(output, "response.output_item.added", fc, "in_progress", withContent: false);
                break;
            case IrToolCallArgumentsDelta args when _open.TryGetValue(args.Index, out var target) && target.Kind == ResponsesItemKind.FunctionCall:
                target.Text.Append(args.Delta);
                w = Begin(output, "response.function_call_arguments.delta");
                WriteLocation(w, target, default);
                w.WriteString("delta"u8, args.Delta);
                End(output);
                break;
            case IrBlockStop stop when _open.Remove(stop.Index, out var closing):
                Close(closing, output);
                break;
            case IrUsageUpdate update:
                _usage = (_usage ?? new IrUsage()).Merge(update.Usage);
                break;
            case IrFinish finish:
                _finish = finish.Reason;
                break;
            case IrStreamError error:
                Fail(error.Error, output);
                break;
        }
    }

    public void Complete(IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        EnsureStarted(output);
        CloseAll(output);
        _ended = true;
        var (status, incompleteReason) = ResponsesJson.StatusOf(_finish);
        var w = Begin(output, status == "completed" ? "response.completed" : "response.incomplete");
        w.WritePropertyName("response"u8);
        var completedAt = status == "completed" ? time.GetUtcNow().ToUnixTimeSeconds() : (long?)null;
        ResponsesJson.WriteResponse(w, envelope, status, _items, _usage, incompleteReason, completedAt: completedAt);
        End(output);
        ResponsesResponseEncoder.Remember(store, envelope.Id, envelope.Info, requestMessages, _items);
    }

    public void Fail(IrError error, IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        EnsureStarted(output);
        _ended = true;
        var code = error.Code ?? error.Type;

        // The flat members are the published ResponseErrorEvent; the nested "error" object is what api.openai.com
        // sends (recorded), and it makes openai-node raise an APIError as soon as it reads the event.
        var w = Begin(output, "error");
        w.WriteString("code"u8, code);
        w.WriteString("message"u8, error.Message);
        w.WriteNull("param"u8);
        w.WriteStartObject("error"u8);
        w.WriteString("type"u8, error.Type);
        w.WriteString("code"u8, code);
        w.WriteString("message"u8, error.Message);
        w.WriteNull("param"u8);
        w.WriteEndObject();
        End(output);

        w = Begin(output, "response.failed");
        w.WritePropertyName("response"u8);
        ResponsesJson.WriteResponse(w, envelope, "failed", _items, _usage, error: error);
        End(output);
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        foreach (var type in (ReadOnlySpan<string>)["response.created", "response.in_progress"])
        {
            var w = Begin(output, type);
            w.WritePropertyName("response"u8);
            ResponsesJson.WriteResponse(w, envelope, "in_progress", [], null);
            End(output);
        }
    }

    /// <summary>The open item for IR block <paramref name="index"/>, added (with its first part) when new; null when the index is another kind.</summary>
    private ResponsesOutputItem? Open(int index, ResponsesItemKind kind, IBufferWriter<byte> output)
    {
        if (_open.TryGetValue(index, out var existing))
        {
            return existing.Kind == kind ? existing : null;
        }

        var item = new ResponsesOutputItem(kind, ResponsesIds.ItemId(envelope.Id, kind, _items.Count)) { OutputIndex = _items.Count, HasSummary = kind == ResponsesItemKind.Reasoning };
        _items.Add(item);
        _open[index] = item;
        WriteItemEvent(output, "response.output_item.added", item, "in_progress", withContent: false);
        if (kind == ResponsesItemKind.Message)
        {
            var w = Begin(output, "response.content_part.added");
            WriteLocation(w, item, "content_index"u8);
            w.WritePropertyName("part"u8);
            ResponsesJson.WriteOutputText(w, "");
            End(output);
        }
        else
        {
            var w = Begin(output, "response.reasoning_summary_part.added");
            WriteLocation(w, item, "summary_index"u8);
            w.WritePropertyName("part"u8);
            ResponsesJson.WriteSummaryText(w, "");
            End(output);
        }

        return item;
    }

    private void Close(ResponsesOutputItem item, IBufferWriter<byte> output)
    {
        var text = item.Text.ToString();
        Utf8JsonWriter w;
        switch (item.Kind)
        {
            case ResponsesItemKind.Message:
                w = Begin(output, "response.output_text.done");
                WriteLocation(w, item, "content_index"u8);
                w.WriteString("text"u8, text);
                w.WriteStartArray("logprobs"u8);
                w.WriteEndArray();
                End(output);
                w = Begin(output, "response.content_part.done");
                WriteLocation(w, item, "content_index"u8);
                w.WritePropertyName("part"u8);
                ResponsesJson.WriteOutputText(w, text);
                End(output);
                break;
            case ResponsesItemKind.FunctionCall:
                w = Begin(output, "response.function_call_arguments.done");
                WriteLocation(w, item, default);
                w.WriteString("arguments"u8, text);
                End(output);
                break;
            default:
                w = Begin(output, "response.reasoning_summary_text.done");
                WriteLocation(w, item, "summary_index"u8);
                w.WriteString("text"u8, text);
                End(output);
                w = Begin(output, "response.reasoning_summary_part.done");
                WriteLocation(w, item, "summary_index"u8);
                w.WritePropertyName("part"u8);
                ResponsesJson.WriteSummaryText(w, text);
                End(output);
                break;
        }

        item.Done = true;
        WriteItemEvent(output, "response.output_item.done", item, "completed", withContent: true);
    }

    private void CloseAll(IBufferWriter<byte> output)
    {
        // In output order, so the done events come in the order the items were added.
        foreach (var item in _items)
        {
            if (!item.Done)
            {
                Close(item, output);
            }
        }

        _open.Clear();
    }

    private void WriteItemEvent(IBufferWriter<byte> output, string type, ResponsesOutputItem item, string status, bool withContent)
    {
        var w = Begin(output, type);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        ResponsesJson.WriteItem(w, item, status, withContent);
        End(output);
    }

    private void WriteLocation(Utf8JsonWriter w, ResponsesOutputItem item, ReadOnlySpan<byte> partIndexName)
    {
        w.WriteString("item_id"u8, item.Id);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        if (!partIndexName.IsEmpty)
        {
            w.WriteNumber(partIndexName, 0);
        }
    }

    private Utf8JsonWriter Begin(IBufferWriter<byte> output, string type)
    {
        SseWriter.BeginEvent(output, type);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, ResponsesJson.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        _writer.WriteStartObject();
        _writer.WriteString("type"u8, type);
        return _writer;
    }

    private void End(IBufferWriter<byte> output)
    {
        var w = _writer!;
        w.WriteNumber("sequence_number"u8, _sequence++);
        w.WriteEndObject();
        w.Flush();
        SseWriter.EndEvent(output);
    }
}
