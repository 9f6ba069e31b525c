using System.Buffers;
using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

/// <summary>Envelope guarantees of the Anthropic stream encoder for streams other protocols produce.</summary>
public class AnthropicMessagesStreamEncoderTests
{
    private static AnthropicStreamAccumulator Run(Action<Switchyard.Core.Translation.IClientStreamEncoder, IBufferWriter<byte>> drive, params string[] allowedProblems)
    {
        var encoder = AnthropicMessagesClientCodec.Instance.CreateStreamEncoder("m", includeUsage: false);
        var output = new ArrayBufferWriter<byte>();
        drive(encoder, output);
        var acc = AnthropicStreamAccumulator.From(AnthropicFixtures.ParseSse(output.WrittenSpan));
        Assert.Equal(allowedProblems, acc.Problems);
        return acc;
    }

    [Fact]
    public void Complete_WithNoEvents_WritesAWholeEmptyMessage()
    {
        var acc = Run((e, o) => e.Complete(o));

        Assert.Equal(1, acc.MessageStarts);
        Assert.Equal(1, acc.MessageStops);
        Assert.Empty(acc.Blocks);
        Assert.Equal("end_turn", acc.StopReason);
        Assert.StartsWith("msg_", acc.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_InterleavedOpenAIStyleBlocks_GetConsecutiveIndexesAndMatchedStops()
    {
        // OpenAI-like numbering (reasoning 0, text 1, tools 5 and 6) and no explicit block stops.
        var acc = Run((e, o) =>
        {
            e.Encode(new IrStreamStart("chatcmpl-1", "gpt") { Usage = new IrUsage { InputTokens = 10, CachedInputTokens = 4 } }, o);
            e.Encode(new IrThinkingDelta(0, "think"), o);
            e.Encode(new IrTextDelta(1, "Hel"), o);
            e.Encode(new IrTextDelta(1, "lo"), o);
            e.Encode(new IrToolCallStart(5, "call_a", "f"), o);
            e.Encode(new IrToolCallArgumentsDelta(5, "{\"x\":"), o);
            e.Encode(new IrToolCallArgumentsDelta(5, "1}"), o);
            e.Encode(new IrToolCallStart(6, "call_b", "g"), o);
            e.Encode(new IrToolCallArgumentsDelta(6, "{}"), o);
            e.Encode(new IrFinish(IrFinishReason.ToolCalls), o);
            e.Encode(new IrUsageUpdate(new IrUsage { OutputTokens = 9 }), o);
            e.Complete(o);
        });

        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], acc.Blocks.Select(b => b.Type));
        Assert.Equal("Hello", acc.Blocks[1].Text.ToString());
        Assert.Equal("{\"x\":1}", acc.Blocks[2].Json.ToString());
        Assert.Equal("call_b", acc.Blocks[3].Id);
        Assert.Equal("tool_use", acc.StopReason);
        Assert.Equal(6, acc.UsageInt("input_tokens"));
        Assert.Equal(4, acc.UsageInt("cache_read_input_tokens"));
        Assert.Equal(9, acc.UsageInt("output_tokens"));
        Assert.Equal("msg_chatcmpl-1", acc.Id); // another vendor's id, msg_-prefixed (docs/translation.md)
    }

    [Fact]
    public void Encode_LateArgumentsForAClosedToolCall_GoToItsOwnIndex()
    {
        // The one departure from Anthropic's ordering: a fragment after the block moved on is neither dropped nor
        // spliced into the next call; SDKs accumulate by index, so the input stays whole.
        var acc = Run(
            (e, o) =>
            {
                e.Encode(new IrToolCallStart(0, "call_a", "f"), o);
                e.Encode(new IrToolCallArgumentsDelta(0, "{\"x\":"), o);
                e.Encode(new IrToolCallStart(1, "call_b", "g"), o);
                e.Encode(new IrToolCallArgumentsDelta(0, "1}"), o);
                e.Complete(o);
            },
            "input_json_delta for stopped block 0");

        Assert.Equal("{\"x\":1}", acc.Blocks[0].Json.ToString());
        Assert.Equal("", acc.Blocks[1].Json.ToString());
    }

    [Fact]
    public void Fail_WithABlockOpen_ClosesItThenErrorsWithoutMessageStop()
    {
        var acc = Run((e, o) =>
        {
            e.Encode(new IrTextDelta(0, "partial"), o);
            e.Fail(new IrError(502, "upstream_error", "upstream cut the stream"), o);
            e.Encode(new IrTextDelta(0, "ignored"), o);
            e.Complete(o);
        });

        Assert.Equal(1, acc.MessageStarts);
        Assert.Equal(0, acc.MessageStops);
        Assert.True(acc.Blocks[0].Stopped);
        Assert.Equal("partial", acc.Blocks[0].Text.ToString());
        Assert.Equal("api_error", (string?)acc.Error!["type"]);
        Assert.Equal("upstream cut the stream", (string?)acc.Error!["message"]);
    }

    [Fact]
    public void Encode_StreamErrorEvent_EndsTheStreamWithTheUpstreamType()
    {
        var acc = Run((e, o) =>
        {
            e.Encode(new IrStreamStart("msg_1", "m"), o);
            e.Encode(new IrStreamError(new IrError(529, "overloaded_error", "Overloaded")), o);
            e.Complete(o);
        });

        Assert.Equal(0, acc.MessageStops);
        Assert.Equal("overloaded_error", (string?)acc.Error!["type"]);
    }

    [Fact]
    public void Encode_RedactedThinkingAndSignature_AreCarried()
    {
        var acc = Run((e, o) =>
        {
            e.Encode(new IrRedactedThinking(0, "opaque"), o);
            e.Encode(new IrBlockStop(0), o);
            e.Encode(new IrThinkingSignature(1, "sig"), o);
            e.Encode(new IrBlockStop(1), o);
            e.Encode(new IrFinish(IrFinishReason.StopSequence) { StopSequence = "###" }, o);
            e.Complete(o);
        });

        Assert.Equal("opaque", acc.Blocks[0].Data);
        Assert.Equal("sig", acc.Blocks[1].Signature.ToString());
        Assert.Equal("stop_sequence", acc.StopReason);
        Assert.Equal("###", acc.StopSequence);
    }

    [Fact]
    public void Encode_EveryEvent_HasItsEventLine()
    {
        var encoder = AnthropicMessagesClientCodec.Instance.CreateStreamEncoder("m", includeUsage: false);
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(new IrTextDelta(0, "a\nb"), output);
        encoder.Complete(output);

        var events = Encoding.UTF8.GetString(output.WrittenSpan).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, events.Length);
        Assert.All(events, ev => Assert.Matches("^event: [a-z_]+\ndata: \\{[^\n]*\\}$", ev));
    }
}
