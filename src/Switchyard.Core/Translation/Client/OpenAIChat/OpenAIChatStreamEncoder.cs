using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Protocols.OpenAIChat;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>
/// IR stream events → <c>chat.completion.chunk</c> SSE events. Guarantees what openai-node's
/// <c>finalChatCompletion()</c> checks: at least one chunk (the first carries <c>role</c>), the same id/created/model
/// on every chunk, tool calls numbered 0,1,2… with their id and name first, exactly one <c>finish_reason</c>, then
/// the usage chunk (only when the client asked for it) and <c>[DONE]</c>; a failure ends with an error event and no
/// <c>[DONE]</c>, so SDKs raise instead of returning a cut answer.
/// </summary>
internal sealed class OpenAIChatStreamEncoder(string clientModel, bool includeUsage, long created) : IClientStreamEncoder
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private Utf8JsonWriter? _writer;
    private string? _id;
    private bool _started;
    private bool _finished;
    private bool _ended;
    private bool _signatureWritten;
    private IrUsage? _usage;

    public void Encode(IrStreamEvent ev, IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        switch (ev)
        {
            case IrStreamStart start:
                // Adopt the upstream's id only while nothing is written yet: every chunk must carry the same id.
                _id ??= start.Id;
                _usage = start.Usage is null ? _usage : (_usage ?? new IrUsage()).Merge(start.Usage);
                EnsureStarted(output);
                break;
            case IrTextDelta text when text.Text.Length > 0:
                WriteDelta(output, "content"u8, text.Text);
                break;
            case IrThinkingSignature signature when Upstream.OpenAIResponses.ResponsesReasoningSignature.Is(signature.Signature):
                // OpenAI's encrypted reasoning, for the client to send back (docs/translation.md, reasoning_signature).
                WriteDelta(output, OpenAIChatReasoningSignature.Field, _signatureWritten ? "\n" + signature.Signature : signature.Signature);
                _signatureWritten = true;
                break;
            case IrThinkingDelta thinking when thinking.Text.Length > 0:
                WriteDelta(output, "reasoning_content"u8, thinking.Text);
                break;
            case IrToolCallStart call:
                WriteToolCallStart(output, call);
                break;
            case IrToolCallArgumentsDelta args when args.Delta.Length > 0:
                WriteToolCallArguments(output, args);
                break;
            case IrUsageUpdate update:
                _usage = (_usage ?? new IrUsage()).Merge(update.Usage);
                break;
            case IrFinish finish:
                WriteFinish(output, finish.Reason);
                break;
            case IrStreamError error:
                Fail(error.Error, output);
                break;
            // Thinking signatures and redacted thinking cannot cross to a chat client (no field carries them);
            // block stops need no event in this protocol.
        }
    }

    public void Complete(IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        WriteFinish(output, null);
        if (includeUsage && _usage is not null)
        {
            var writer = BeginChunk(output);
            writer.WriteStartArray("choices"u8);
            writer.WriteEndArray();
            OpenAIChatUsage.Write(writer, _usage);
            EndChunk(writer, output);
        }

        SseWriter.WriteDone(output);
        _ended = true;
    }

    public void Fail(IrError error, IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        SseWriter.BeginEvent(output, null);
        OpenAIError.Write(output, error.Message, error.Type, error.Code);
        SseWriter.EndEvent(output);
        _ended = true;
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _id ??= OpenAIChatResponseEncoder.NewId();
        var writer = BeginChoice(output);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("content"u8, ""u8);
        EndChoice(writer, output, null);
    }

    private void WriteDelta(IBufferWriter<byte> output, ReadOnlySpan<byte> field, string text)
    {
        EnsureStarted(output);
        var writer = BeginChoice(output);
        writer.WriteString(field, text);
        EndChoice(writer, output, null);
    }

    private void WriteToolCallStart(IBufferWriter<byte> output, IrToolCallStart call)
    {
        EnsureStarted(output);
        // OpenAI numbers tool calls among themselves, not among all output blocks.
        var k = _toolIndexByBlock.Count;
        _toolIndexByBlock[call.Index] = k;
        var writer = BeginChoice(output);
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, k);
        writer.WriteString("id"u8, call.Id);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, call.Name);
        writer.WriteString("arguments"u8, ""u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndChoice(writer, output, null);
    }

    private void WriteToolCallArguments(IBufferWriter<byte> output, IrToolCallArgumentsDelta args)
    {
        if (!_toolIndexByBlock.TryGetValue(args.Index, out var k))
        {
            return; // arguments of a call that never started have no tool call to belong to
        }

        var writer = BeginChoice(output);
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, k);
        writer.WriteStartObject("function"u8);
        writer.WriteString("arguments"u8, args.Delta);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndChoice(writer, output, null);
    }

    private void WriteFinish(IBufferWriter<byte> output, IrFinishReason? reason)
    {
        if (_finished)
        {
            return;
        }

        EnsureStarted(output);
        _finished = true;
        var writer = BeginChoice(output);
        EndChoice(writer, output, OpenAIChatFinishReasons.ToWire(reason, _toolIndexByBlock.Count > 0));
    }

    private Utf8JsonWriter BeginChunk(IBufferWriter<byte> output)
    {
        SseWriter.BeginEvent(output, null);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, OpenAIChatJson.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        _writer.WriteStartObject();
        _writer.WriteString("id"u8, _id);
        _writer.WriteString("object"u8, "chat.completion.chunk"u8);
        _writer.WriteNumber("created"u8, created);
        _writer.WriteString("model"u8, clientModel);
        return _writer;
    }

    private static void EndChunk(Utf8JsonWriter writer, IBufferWriter<byte> output)
    {
        writer.WriteEndObject();
        writer.Flush();
        SseWriter.EndEvent(output);
    }

    /// <summary>Opens a chunk with one choice and its <c>delta</c> object, ready for the delta's members.</summary>
    private Utf8JsonWriter BeginChoice(IBufferWriter<byte> output)
    {
        var writer = BeginChunk(output);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("delta"u8);
        return writer;
    }

    private static void EndChoice(Utf8JsonWriter writer, IBufferWriter<byte> output, string? finishReason)
    {
        writer.WriteEndObject();
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason"u8);
        }
        else
        {
            writer.WriteString("finish_reason"u8, finishReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        EndChunk(writer, output);
    }
}
