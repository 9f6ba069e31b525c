using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Protocols.EventStream;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

public sealed class BedrockConverseStreamDecoderTests
{
    public static IEnumerable<object[]> StreamFiles() => BedrockFixtureSupport.StreamFiles();

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void Decode_RecordedStream_BlocksFinishAndUsageAsThePayloadsSay(string file)
    {
        var frames = BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes(file));
        var (expected, stopReason, usage) = StreamReassembly.FromPayloads(frames);

        var (events, complete) = BedrockFixtureSupport.Decode(frames);
        var stream = StreamReassembly.From(events);

        Assert.True(complete);
        Assert.Equal(expected, stream.Blocks);
        Assert.Equal(Enumerable.Range(0, expected.Count), stream.Stopped.Order());
        Assert.Empty(stream.Errors);
        Assert.Equal(ExpectedFinish(stopReason!), stream.Finish);
        var u = usage!.Value;
        var cached = u.TryGetProperty("cacheReadInputTokens", out var c) ? c.GetInt32() : 0;
        var written = u.TryGetProperty("cacheWriteInputTokens", out var wr) ? wr.GetInt32() : 0;
        Assert.Equal(u.GetProperty("inputTokens").GetInt32() + cached + written, stream.Usage!.InputTokens);
        Assert.Equal(u.GetProperty("outputTokens").GetInt32(), stream.Usage.OutputTokens);
        Assert.Equal(u.GetProperty("totalTokens").GetInt32(), stream.Usage.InputTokens + stream.Usage.OutputTokens);
    }

    [Theory]
    [InlineData("vercel__amazon-bedrock-text.chunks.txt")]
    [InlineData("vercel__amazon-bedrock-reasoning.chunks.txt")]
    [InlineData("vercel__amazon-bedrock-tool-call.1.chunks.txt")]
    public void Decode_VercelDecodedEvents_BlocksFinishAndUsageAsThePayloadsSay(string file)
    {
        var frames = BedrockFixtureSupport.ChunkFrames(file);
        var (expected, stopReason, usage) = StreamReassembly.FromPayloads(frames);

        var (events, complete) = BedrockFixtureSupport.Decode(frames);
        var stream = StreamReassembly.From(events);

        Assert.True(complete);
        Assert.Equal(expected, stream.Blocks);
        Assert.Equal(ExpectedFinish(stopReason!), stream.Finish);
        Assert.Equal(usage!.Value.GetProperty("inputTokens").GetInt32(), stream.Usage!.InputTokens);
    }

    [Fact]
    public void Decode_ThinkingStream_SignatureOnTheThinkingBlockThenText()
    {
        var (events, _) = BedrockFixtureSupport.Decode(BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_thinking_part_stream.0.bin")));
        var stream = StreamReassembly.From(events);

        Assert.Equal(["thinking", "text"], stream.Blocks.Select(b => b.Kind));
        Assert.StartsWith("Eu0CCkgIBxAB", stream.Blocks[0].Signature, StringComparison.Ordinal);
        Assert.Equal("Hello! It's nice to meet you. How can I help you today?", stream.Blocks[1].Text);
        Assert.Single(events.OfType<IrThinkingSignature>());
    }

    [Fact]
    public void Decode_EmptyTextDelta_NoBlockForIt()
    {
        // gpt-oss opens block 0 with an empty text delta and stops it: the client must not see an empty block.
        var (events, _) = BedrockFixtureSupport.Decode(BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_stream_empty_text_delta.0.bin")));
        var stream = StreamReassembly.From(events);

        Assert.Equal(["thinking", "text"], stream.Blocks.Select(b => b.Kind));
        Assert.DoesNotContain(events, e => e is IrTextDelta { Text.Length: 0 });
        Assert.Equal("Hello! How can I help you today?", stream.Blocks[1].Text);
    }

    [Fact]
    public void Decode_RedactedThinking_EachRedactedBlockWholeWithItsBase64()
    {
        var frames = BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_thinking_part_redacted_stream.0.bin"));
        var recorded = frames
            .Where(f => f.EventType == "contentBlockDelta")
            .Select(f => JsonDocument.Parse(f.Data).RootElement.GetProperty("delta"))
            .Where(d => d.TryGetProperty("reasoningContent", out _))
            .Select(d => d.GetProperty("reasoningContent").GetProperty("redactedContent").GetString())
            .ToList();

        var (events, _) = BedrockFixtureSupport.Decode(frames);

        var redacted = events.OfType<IrRedactedThinking>().ToList();
        Assert.Equal(recorded, redacted.Select(r => r.Data));
        Assert.Equal([0, 1], redacted.Select(r => r.Index));
        Assert.All(events.OfType<IrTextDelta>(), d => Assert.Equal(2, d.Index));
    }

    [Fact]
    public void Decode_ServerToolBlocks_OnlyTheClientToolCallReachesTheClient()
    {
        var (events, _) = BedrockFixtureSupport.Decode(BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_code_execution_tool_stream.0.bin")));

        var start = Assert.Single(events.OfType<IrToolCallStart>());
        Assert.Equal((0, "final_result", "tooluse_ptgCcZ0uQu-UUMz0abqoWw"), (start.Index, start.Name, start.Id));
        Assert.Equal("{\"result\":7006652.0}", string.Concat(events.OfType<IrToolCallArgumentsDelta>().Select(d => d.Delta)));
        Assert.Equal(IrFinishReason.ToolCalls, events.OfType<IrFinish>().Single().Reason);
    }

    [Fact]
    public void Decode_StreamWithText_ReassemblesToTheAssistantTurnTheClientSentBack()
    {
        // pydantic-ai replayed the streamed answer of interaction 0 as the assistant turn of interaction 1.
        var (events, _) = BedrockFixtureSupport.Decode(BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_iter_stream.0.bin")));
        var (_, next) = BedrockFixtureSupport.CassetteRequest("pydai__test_bedrock_model_iter_stream.yaml", 1);
        var assistant = next.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");

        var replayed = ResponseOf(assistant);

        StreamReassembly.AssertSameContent(replayed.Content, StreamReassembly.From(events).Content());
    }

    [Theory]
    [InlineData("throttlingException", 429, "rate_limit_error")]
    [InlineData("validationException", 400, "invalid_request_error")]
    [InlineData("serviceUnavailableException", 503, "overloaded_error")]
    [InlineData("modelStreamErrorException", 500, "api_error")]
    [InlineData("internalServerException", 500, "api_error")]
    public void Decode_ExceptionFrameMidStream_StreamErrorWithMappedStatus(string exception, int status, string type)
    {
        // A recorded stream cut after its first text deltas by an exception frame carrying Bedrock's error body.
        var recorded = BedrockFixtureSupport.Bytes("pydai__test_stream_cancel.0.bin");
        var body = BedrockFixtureSupport.Bytes("pydai__test_bedrock_streaming_error.0.json");
        var frames = BedrockFixtureSupport.Frames(recorded).Take(5).ToList();
        var cut = frames.Select(f => EventStreamWriter.Event(f.EventType!, f.Data.Span)).Append(EventStreamWriter.Exception(exception, body)).SelectMany(b => b).ToArray();

        var (events, complete) = BedrockFixtureSupport.Decode(BedrockFixtureSupport.Frames(cut));

        Assert.False(complete);
        Assert.Equal(4, events.OfType<IrTextDelta>().Count());
        var error = Assert.IsType<IrStreamError>(events[^1]).Error;
        Assert.Equal((status, type, exception), (error.Status, error.Type, error.Code));
        Assert.Equal(JsonDocument.Parse(body).RootElement.GetProperty("message").GetString(), error.Message);
    }

    [Fact]
    public void Decode_StreamEndingBeforeMessageStop_NotComplete()
    {
        var frames = BedrockFixtureSupport.Frames(BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_stream.0.bin"));

        var (_, complete) = BedrockFixtureSupport.Decode(frames.Take(frames.Count - 2));

        Assert.False(complete);
    }

    internal static IrResponse ResponseOf(JsonElement message)
    {
        var json = System.Text.Encoding.UTF8.GetBytes("{\"output\":{\"message\":" + message.GetRawText() + "}}");
        Assert.True(Switchyard.Core.Translation.Upstream.BedrockConverse.BedrockConverseUpstreamCodec.Instance.TryDecodeResponse(json, out var response, out var error), error?.Message);
        return response!;
    }

    internal static IrFinishReason ExpectedFinish(string stopReason) => stopReason switch
    {
        "end_turn" => IrFinishReason.Stop,
        "tool_use" => IrFinishReason.ToolCalls,
        "max_tokens" => IrFinishReason.Length,
        _ => throw new InvalidOperationException("no expectation for " + stopReason),
    };
}
