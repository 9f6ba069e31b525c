using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

public class AnthropicMessagesStreamTests
{
    /// <summary>The documented stop_reason → IR table.</summary>
    private static readonly Dictionary<string, IrFinishReason> StopReasons = new()
    {
        ["end_turn"] = IrFinishReason.Stop,
        ["stop_sequence"] = IrFinishReason.StopSequence,
        ["max_tokens"] = IrFinishReason.Length,
        ["tool_use"] = IrFinishReason.ToolCalls,
        ["refusal"] = IrFinishReason.ContentFilter,
        ["pause_turn"] = IrFinishReason.PauseTurn,
    };

    public static TheoryData<string> StreamFiles() => AnthropicFixtures.StreamFiles();

    internal static (IrStreamCollector Ir, List<IrStreamEvent> Events, bool Complete) Decode(IEnumerable<UpstreamFrame> frames)
    {
        var decoder = AnthropicMessagesUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var f in frames)
        {
            decoder.Decode(f, events);
        }

        var collector = new IrStreamCollector();
        events.ForEach(collector.Add);
        return (collector, events, decoder.IsComplete);
    }

    internal static byte[] Encode(IEnumerable<IrStreamEvent> events, bool complete, string model = "client-model")
    {
        var encoder = AnthropicMessagesClientCodec.Instance.CreateStreamEncoder(model, includeUsage: false);
        var output = new ArrayBufferWriter<byte>();
        foreach (var ev in events)
        {
            encoder.Encode(ev, output);
        }

        if (complete)
        {
            encoder.Complete(output);
        }

        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void StreamDecoder_RecordedStream_IrHasTheFixturesContentUsageAndStop(string file)
    {
        var frames = AnthropicFixtures.Frames(file);
        var expected = AnthropicStreamAccumulator.From(frames);
        var (ir, _, complete) = Decode(frames);

        Assert.True(complete);
        Assert.Empty(ir.Problems);
        Assert.Null(ir.Error);
        Assert.Equal(expected.Id, ir.Start!.Id);
        var blocks = expected.PortableBlocks.ToList();
        Assert.Equal(blocks.Count, ir.Blocks.Count);
        Assert.Equal(Enumerable.Range(0, blocks.Count), ir.Blocks.Keys);
        for (var i = 0; i < blocks.Count; i++)
        {
            var want = blocks[i];
            var got = ir.Blocks[i];
            Assert.Equal(want.Type, got.Kind);
            Assert.True(got.Stopped);
            switch (want.Type)
            {
                case "text":
                    Assert.Equal(want.Text.ToString(), got.Text.ToString());
                    break;
                case "thinking":
                    Assert.Equal(want.Thinking.ToString(), got.Text.ToString());
                    Assert.Equal(want.Signature.ToString(), got.Signature.ToString());
                    break;
                case "redacted_thinking":
                    Assert.Equal(want.Data, got.Text.ToString());
                    break;
                case "tool_use":
                    Assert.Equal(want.Id, got.Id);
                    Assert.Equal(want.Name, got.Name);
                    Assert.True(JsonNode.DeepEquals(want.Input, JsonNode.Parse(got.Arguments.ToString())), $"{want.Input.ToJsonString()} vs {got.Arguments}");
                    break;
            }
        }

        Assert.Equal(StopReasons[expected.StopReason!], ir.Finish!.Reason);
        Assert.Equal(expected.StopSequence, ir.Finish.StopSequence);
        var cacheRead = expected.UsageInt("cache_read_input_tokens");
        var cacheWrite = expected.UsageInt("cache_creation_input_tokens");
        Assert.Equal(expected.UsageInt("input_tokens") + (cacheRead ?? 0) + (cacheWrite ?? 0), ir.Usage!.InputTokens);
        Assert.Equal(expected.UsageInt("output_tokens"), ir.Usage.OutputTokens);
        Assert.Equal(cacheRead, ir.Usage.CachedInputTokens);
        Assert.Equal(cacheWrite, ir.Usage.CacheWriteInputTokens);
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void StreamRoundTrip_RecordedStream_ClientStreamReassemblesToTheSameMessage(string file)
    {
        var frames = AnthropicFixtures.Frames(file);
        var expected = AnthropicStreamAccumulator.From(frames);
        var (_, events, complete) = Decode(frames);
        var bytes = Encode(events, complete, "my-alias");

        var got = AnthropicStreamAccumulator.From(AnthropicFixtures.ParseSse(bytes));
        Assert.Empty(got.Problems);
        Assert.Equal(1, got.MessageStarts);
        Assert.Equal(1, got.MessageStops);
        Assert.Null(got.Error);
        Assert.Equal(expected.Id, got.Id);
        Assert.Contains("\"model\":\"my-alias\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var want = expected.PortableBlocks.ToList();
        Assert.Equal(want.Select(b => b.Type), got.Blocks.Select(b => b.Type));
        for (var i = 0; i < want.Count; i++)
        {
            Assert.Equal(want[i].Text.ToString(), got.Blocks[i].Text.ToString());
            Assert.Equal(want[i].Thinking.ToString(), got.Blocks[i].Thinking.ToString());
            Assert.Equal(want[i].Signature.ToString(), got.Blocks[i].Signature.ToString());
            Assert.Equal(want[i].Data, got.Blocks[i].Data);
            Assert.Equal(want[i].Id, got.Blocks[i].Id);
            Assert.Equal(want[i].Name, got.Blocks[i].Name);
            if (want[i].Type == "tool_use")
            {
                Assert.True(JsonNode.DeepEquals(want[i].Input, got.Blocks[i].Input));
            }
        }

        Assert.Equal(expected.StopReason, got.StopReason);
        Assert.Equal(expected.StopSequence, got.StopSequence);
        foreach (var member in new[] { "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens" })
        {
            Assert.Equal(expected.UsageInt(member), got.UsageInt(member));
        }
    }

    [Fact]
    public void StreamDecoder_DuplicateMessageStartForTheSameMessage_IsIgnored()
    {
        var frames = AnthropicFixtures.Frames("vercel__duplicate-message-start.chunks.txt");
        var (ir, events, complete) = Decode(frames);

        Assert.True(complete);
        Assert.Empty(ir.Problems);
        Assert.Null(ir.Error);
        Assert.Single(events.OfType<IrStreamStart>());
        var expectedText = AnthropicStreamAccumulator.From(frames).Blocks[0].Text.ToString();
        Assert.Equal(expectedText, ir.Blocks[0].Text.ToString());
        Assert.Equal(IrFinishReason.Stop, ir.Finish!.Reason);
    }

    [Fact]
    public void StreamDecoder_SplicedMessageStart_FailsWithoutFinishingOrSplicing()
    {
        var frames = AnthropicFixtures.Frames("vercel__spliced-message-start.chunks.txt");
        var (ir, events, complete) = Decode(frames);

        Assert.False(complete);
        Assert.NotNull(ir.Error);
        Assert.Contains("msg_second", ir.Error!.Message, StringComparison.Ordinal);
        Assert.IsType<IrStreamError>(events[^1]);
        Assert.Null(ir.Finish);
        Assert.Equal("msg_first", ir.Start!.Id);
        Assert.DoesNotContain(events, e => e is IrToolCallStart { Id: "toolu_second" });

        // The client sees the first message's blocks closed, then an error event and no message_stop.
        var got = AnthropicStreamAccumulator.From(AnthropicFixtures.ParseSse(Encode(events, complete)));
        Assert.Empty(got.Problems);
        Assert.Equal(0, got.MessageStops);
        Assert.NotNull(got.Error);
        Assert.All(got.Blocks, b => Assert.True(b.Stopped));
        Assert.Equal("api_error", (string?)got.Error!["type"]);
    }

    [Fact]
    public void StreamDecoder_ErrorEvent_BecomesIrStreamErrorWithAnthropicTypeAndStatus()
    {
        var frames = AnthropicFixtures.ParseSse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"u8);
        var (ir, _, complete) = Decode(frames);

        Assert.False(complete);
        Assert.Equal(new IrError(529, "overloaded_error", "Overloaded"), ir.Error);
    }
}
