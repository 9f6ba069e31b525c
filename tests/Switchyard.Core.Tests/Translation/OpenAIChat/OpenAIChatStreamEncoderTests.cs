using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

public class OpenAIChatStreamEncoderTests
{
    public static TheoryData<string> Streams => OpenAIChatStreamDecoderTests.Streams;

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Encode_RecordedStreamThroughTheIr_ClientReassemblesTheSameAnswer(string fixture)
    {
        var expected = ChatAnswer.FromChunks(await OpenAIChatFixtures.ChunksAsync(fixture));
        var events = ClientStream.Encode(await OpenAIChatStreamDecoderTests.DecodeAsync(fixture), includeUsage: true);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = ClientStream.Chunks(events);
        var got = ChatAnswer.FromChunks(chunks);
        Assert.Equal(expected.Text, got.Text);
        Assert.Equal(expected.Reasoning, got.Reasoning);
        Assert.Equal(expected.Tools.Count, got.Tools.Count);
        for (var i = 0; i < expected.Tools.Count; i++)
        {
            Assert.Equal(expected.Tools[i].Name, got.Tools[i].Name);
            Assert.Equal(expected.Tools[i].Arguments, got.Tools[i].Arguments);
            Assert.Equal(expected.Tools[i].Id ?? got.Tools[i].Id, got.Tools[i].Id);
            Assert.NotNull(got.Tools[i].Id);
        }

        Assert.Equal(1, got.FinishCount);
        Assert.Equal(expected.Finish ?? (expected.Tools.Count > 0 ? "tool_calls" : "stop"), got.Finish);
        Assert.Equal(expected.Usage, got.Usage);
        AssertEnvelope(chunks, usageChunk: expected.Usage is not null);
    }

    /// <summary>What openai-node's ChatCompletionStream relies on.</summary>
    private static void AssertEnvelope(List<JsonElement> chunks, bool usageChunk)
    {
        var first = chunks[0];
        Assert.Equal("assistant", first.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        foreach (var chunk in chunks)
        {
            Assert.Equal(first.GetProperty("id").GetString(), chunk.GetProperty("id").GetString());
            Assert.Equal(first.GetProperty("created").GetInt64(), chunk.GetProperty("created").GetInt64());
            Assert.Equal(ClientStream.ClientModel, chunk.GetProperty("model").GetString());
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
        }

        var finishAt = chunks.FindIndex(c => c.GetProperty("choices").GetArrayLength() > 0
            && c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String);
        var usageAt = chunks.FindIndex(c => c.TryGetProperty("usage", out _));
        if (usageChunk)
        {
            Assert.Equal(chunks.Count - 1, usageAt);
            Assert.Equal(0, chunks[usageAt].GetProperty("choices").GetArrayLength());
            Assert.Equal(chunks.Count - 2, finishAt);
        }
        else
        {
            Assert.Equal(-1, usageAt);
            Assert.Equal(chunks.Count - 1, finishAt);
        }

        // Tool calls are numbered 0,1,2… and each one's first delta carries id, type and name.
        var seen = new HashSet<int>();
        foreach (var chunk in chunks)
        {
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("tool_calls", out var calls))
                {
                    var call = Assert.Single(calls.EnumerateArray());
                    var index = call.GetProperty("index").GetInt32();
                    if (seen.Add(index))
                    {
                        Assert.Equal(seen.Count - 1, index);
                        Assert.Equal("function", call.GetProperty("type").GetString());
                        Assert.True(call.GetProperty("id").GetString() is { Length: > 0 });
                        Assert.True(call.GetProperty("function").GetProperty("name").GetString() is { Length: > 0 });
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData("openai/envoy__chat-streaming-detailed-usage.0.sse")]
    [InlineData("xai/vercel__xai-tool-call.chunks.txt")]
    public async Task Encode_ClientDidNotAskForUsage_NoUsageChunkIsShown(string fixture)
    {
        var chunks = ClientStream.Chunks(ClientStream.Encode(await OpenAIChatStreamDecoderTests.DecodeAsync(fixture), includeUsage: false));
        Assert.DoesNotContain(chunks, c => c.TryGetProperty("usage", out _));
        Assert.NotEqual(0, chunks[^1].GetProperty("choices").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Encode_StreamAndNonStreamOfTheSameAnswer_Agree(string fixture)
    {
        var ir = await OpenAIChatStreamDecoderTests.DecodeAsync(fixture);
        var streamed = ChatAnswer.FromChunks(ClientStream.Chunks(ClientStream.Encode(ir, includeUsage: true)));
        var body = OpenAIChatClientCodec.Instance.EncodeResponse(IrStreamAssembler.From(ir).ToResponse(), ClientStream.ClientModel);
        var whole = ChatAnswer.FromCompletion(JsonDocument.Parse(body).RootElement);

        Assert.Equal(whole.Text, streamed.Text);
        Assert.Equal(whole.Reasoning, streamed.Reasoning);
        Assert.Equal(whole.Tools, streamed.Tools);
        Assert.Equal(whole.Finish, streamed.Finish);
        Assert.Equal(whole.Usage, streamed.Usage);
    }

    [Fact]
    public async Task Encode_UpstreamErrorMidStream_EndsWithAnOpenAIErrorEventAndNoDone()
    {
        const string fixture = "groq/pydai__test_tool_use_failed_error_streaming.0.sse";
        var recorded = (await OpenAIChatFixtures.ChunksAsync(fixture)).Single(c => c.TryGetProperty("error", out _)).GetProperty("error");
        var events = ClientStream.Encode(await OpenAIChatStreamDecoderTests.DecodeAsync(fixture), includeUsage: true);

        Assert.DoesNotContain("[DONE]", events);
        var error = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
        Assert.Equal(recorded.GetProperty("message").GetString(), error.GetProperty("message").GetString());
        Assert.Equal(recorded.GetProperty("type").GetString(), error.GetProperty("type").GetString());
        Assert.Equal(recorded.GetProperty("code").GetString(), error.GetProperty("code").GetString());
        // The reasoning streamed before the error reached the client first.
        Assert.NotEmpty(ChatAnswer.FromChunks(ClientStream.Chunks(events[..^1])).Reasoning);
    }

    [Fact]
    public void Fail_BeforeAnyEvent_IsOnlyTheErrorEvent()
    {
        var encoder = OpenAIChatClientCodec.Instance.CreateStreamEncoder("m", includeUsage: true);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        encoder.Fail(new IrError(529, "overloaded_error", "Overloaded") { Code = "529" }, output);
        encoder.Complete(output); // ignored: the stream already ended
        var events = ClientStream.Split(System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
        var error = JsonDocument.Parse(Assert.Single(events)).RootElement.GetProperty("error");
        Assert.Equal("Overloaded", error.GetProperty("message").GetString());
        Assert.Equal("overloaded_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public void Complete_EmptyStream_StillAWholeCompletion()
    {
        var chunks = ClientStream.Chunks(ClientStream.Encode([], includeUsage: true));
        var answer = ChatAnswer.FromChunks(chunks);
        Assert.Equal("stop", answer.Finish);
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
    }

    [Fact]
    public void Encode_ToolBlocksAfterTextAndThinking_NumberedAmongToolCallsOnly()
    {
        IrStreamEvent[] events =
        [
            new IrStreamStart("msg_1", "claude"),
            new IrThinkingDelta(0, "hmm"),
            new IrThinkingSignature(0, "sig"),
            new IrBlockStop(0),
            new IrTextDelta(1, "Let me look."),
            new IrBlockStop(1),
            new IrToolCallStart(2, "toolu_a", "get_weather"),
            new IrToolCallArgumentsDelta(2, "{\"city\":"),
            new IrToolCallArgumentsDelta(2, "\"Paris\"}"),
            new IrBlockStop(2),
            new IrToolCallStart(3, "toolu_b", "get_time"),
            new IrBlockStop(3),
            new IrFinish(IrFinishReason.ToolCalls),
            new IrUsageUpdate(new IrUsage { InputTokens = 10, OutputTokens = 5, CacheWriteInputTokens = 3 }),
        ];
        var chunks = ClientStream.Chunks(ClientStream.Encode(events, includeUsage: true));
        var answer = ChatAnswer.FromChunks(chunks);

        Assert.Equal("msg_1", chunks[0].GetProperty("id").GetString());
        Assert.Equal("hmm", answer.Reasoning);
        Assert.Equal("Let me look.", answer.Text);
        Assert.Equal([new ToolCallInfo("toolu_a", "get_weather", "{\"city\":\"Paris\"}"), new ToolCallInfo("toolu_b", "get_time", "")], answer.Tools);
        Assert.Equal("tool_calls", answer.Finish);
        Assert.Equal(new UsageInfo(10, 5, null, null), answer.Usage);
        Assert.Equal(15, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
        AssertEnvelope(chunks, usageChunk: true);
    }
}
