using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

public class OpenAIChatStreamDecoderTests
{
    /// <summary>Every recorded chat-completions stream that ends normally, across the OpenAI-compatible providers.</summary>
    public static TheoryData<string> Streams => new()
    {
        "openai/envoy__chat-streaming.0.sse",
        "openai/envoy__chat-streaming-detailed-usage.0.sse",
        "openai/llm__test_tool_use_basic.0.sse",
        "openai/llm__test_tool_use_basic.1.sse",
        "openai/pydai__test_complex_agent_run.0.sse",
        "openai/pydai__test_complex_agent_run.1.sse",
        "openai/pydai__test_complex_agent_run.2.sse",
        "openai/pydai__test_run_stream_sync_streams_real_model.0.sse",
        "openai/pydai__test_run_stream_sync_streams_real_model.1.sse",
        "openai/vercel__openai-text.chunks.txt",
        "deepseek/vercel__deepseek-tool-call.chunks.txt",
        "mistral/pydai__test_mistral_model_thinking_part_iter.0.sse",
        "mistral/vercel__mistral-incremental-tool-call.chunks.txt",
        "mistral/vercel__mistral-reasoning.chunks.txt",
        "mistral/vercel__mistral-text.chunks.txt",
        "mistral/vercel__mistral-tool-call.chunks.txt",
        "groq/pydai__test_tool_use_failed_error_streaming.1.sse",
        "groq/pydai__test_tool_use_failed_error_streaming.2.sse",
        "groq/vercel__groq-tool-call.chunks.txt",
        "xai/vercel__xai-tool-call.chunks.txt",
        "zhipu/pydai__test_zai_thinking_stream.0.sse",
        "qwen/vercel__alibaba-tool-call.chunks.txt",
        "moonshot/llm__test_tools_streaming_variant_a.0.sse",
        "moonshot/llm__test_tools_streaming_variant_a.1.sse",
        "azure/vercel__azure-model-router.1.chunks.txt",
    };

    internal static async Task<List<IrStreamEvent>> DecodeAsync(string fixture, Action<IUpstreamStreamDecoder>? atEnd = null)
    {
        var decoder = OpenAIChatUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var frame in await OpenAIChatFixtures.FramesAsync(fixture))
        {
            decoder.Decode(frame, events);
        }

        atEnd?.Invoke(decoder);
        return events;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Decode_RecordedStream_IrCarriesTheFixturesContent(string fixture)
    {
        var expected = ChatAnswer.FromChunks(await OpenAIChatFixtures.ChunksAsync(fixture));
        var complete = false;
        var ir = IrStreamAssembler.From(await DecodeAsync(fixture, d => complete = d.IsComplete));

        Assert.True(complete, "[DONE] was seen");
        Assert.Null(ir.Error);
        Assert.Equal(expected.Text, ir.Text);
        Assert.Equal(expected.Reasoning, ir.Thinking);
        Assert.Equal(expected.Tools.Count, ir.Tools.Count);
        for (var i = 0; i < expected.Tools.Count; i++)
        {
            Assert.Equal(expected.Tools[i].Name, ir.Tools[i].Name);
            Assert.Equal(expected.Tools[i].Arguments, ir.Tools[i].Arguments);
            if (expected.Tools[i].Id is { } id)
            {
                Assert.Equal(id, ir.Tools[i].Id);
            }
        }

        // Kimi via OpenRouter never sends a finish_reason; the decoder infers it from what was generated.
        var expectedFinish = expected.Finish ?? (expected.Tools.Count > 0 ? "tool_calls" : "stop");
        Assert.Equal(expectedFinish, Wire(ir.Finish!.Reason));
        Assert.Equal(expected.Usage, ChatAnswer.FromIr(ir.Usage));
        var firstId = (await OpenAIChatFixtures.ChunksAsync(fixture)).Select(c => c.GetProperty("id").GetString()).First(id => id is { Length: > 0 });
        Assert.Equal(firstId, ir.Start!.Id);
    }

    /// <summary>The IR vocabulary back in OpenAI's words, to compare with the recorded finish_reason.</summary>
    private static string Wire(IrFinishReason reason) => reason == IrFinishReason.ToolCalls ? "tool_calls" : reason.Value;

    [Fact]
    public async Task Decode_DeepSeekReasoningThenToolCall_ThinkingTextAndToolAreSeparateBlocksInOrder()
    {
        var events = await DecodeAsync("deepseek/vercel__deepseek-tool-call.chunks.txt");
        var starts = events.OfType<IrThinkingDelta>().Select(e => e.Index).Distinct().ToList();
        Assert.Equal([0], starts);
        var toolStart = Assert.Single(events.OfType<IrToolCallStart>());
        Assert.True(toolStart.Index > 0);
        // The thinking block is stopped before the tool call starts, and the tool call before the finish.
        Assert.True(events.IndexOf(events.OfType<IrBlockStop>().First(s => s.Index == 0)) < events.IndexOf(toolStart));
        Assert.True(events.IndexOf(events.OfType<IrBlockStop>().Single(s => s.Index == toolStart.Index)) < events.FindIndex(e => e is IrFinish));
    }

    [Fact]
    public async Task Decode_ToolArgumentsStreamedInPieces_EachPieceIsForwardedAsItArrives()
    {
        const string fixture = "openai/llm__test_tool_use_basic.0.sse";
        var recordedPieces = (await OpenAIChatFixtures.ChunksAsync(fixture))
            .SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString())
            .OfType<string>()
            .Where(a => a.Length > 0)
            .ToList();
        Assert.True(recordedPieces.Count > 3);

        var deltas = (await DecodeAsync(fixture)).OfType<IrToolCallArgumentsDelta>().Select(d => d.Delta).ToList();
        Assert.Equal(recordedPieces, deltas);
    }

    [Fact]
    public async Task Decode_ParallelToolCalls_EachCallIsItsOwnBlockWithItsId()
    {
        const string fixture = "openai/pydai__test_complex_agent_run.0.sse";
        var expected = ChatAnswer.FromChunks(await OpenAIChatFixtures.ChunksAsync(fixture));
        Assert.True(expected.Tools.Count >= 2);
        var starts = (await DecodeAsync(fixture)).OfType<IrToolCallStart>().ToList();
        Assert.Equal(expected.Tools.Select(t => t.Id), starts.Select(s => s.Id));
        Assert.Equal(starts.Count, starts.Select(s => s.Index).Distinct().Count());
    }

    [Fact]
    public async Task Decode_ErrorEventInsideA200Stream_EndsWithStreamErrorKeepingStatusTypeAndCode()
    {
        const string fixture = "groq/pydai__test_tool_use_failed_error_streaming.0.sse";
        var recorded = (await OpenAIChatFixtures.ChunksAsync(fixture)).Single(c => c.TryGetProperty("error", out _)).GetProperty("error");
        var complete = true;
        var events = await DecodeAsync(fixture, d => complete = d.IsComplete);

        Assert.False(complete);
        var error = Assert.IsType<IrStreamError>(events[^1]).Error;
        Assert.Equal(recorded.GetProperty("status_code").GetInt32(), error.Status);
        Assert.Equal(recorded.GetProperty("type").GetString(), error.Type);
        Assert.Equal(recorded.GetProperty("message").GetString(), error.Message);
        Assert.Equal(recorded.GetProperty("code").GetString(), error.Code);
        Assert.Single(events.OfType<IrStreamError>());
        Assert.DoesNotContain(events, e => e is IrFinish);
    }

    [Fact]
    public void Decode_StreamCutBeforeDone_IsNotComplete()
    {
        var decoder = OpenAIChatUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        decoder.Decode(new UpstreamFrame(null, """{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"""u8.ToArray()), events);
        Assert.False(decoder.IsComplete);
        decoder.Decode(new UpstreamFrame(null, "[DONE]"u8.ToArray()), events);
        Assert.True(decoder.IsComplete);
    }

    [Fact]
    public void Decode_ToolCallWithoutId_GetsAStableSyntheticId()
    {
        var chunk = """{"id":"resp-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"""u8.ToArray();
        string Decode()
        {
            var events = new List<IrStreamEvent>();
            OpenAIChatUpstreamCodec.Instance.CreateStreamDecoder().Decode(new UpstreamFrame(null, chunk), events);
            return events.OfType<IrToolCallStart>().Single().Id;
        }

        Assert.Equal("call_resp-1_0", Decode());
        Assert.Equal(Decode(), Decode());
    }

    [Fact]
    public void Decode_NonJsonEvent_IsAStreamErrorNotSilence()
    {
        var events = new List<IrStreamEvent>();
        OpenAIChatUpstreamCodec.Instance.CreateStreamDecoder().Decode(new UpstreamFrame(null, Encoding.UTF8.GetBytes("<html>")), events);
        Assert.Equal(502, Assert.IsType<IrStreamError>(Assert.Single(events)).Error.Status);
    }

    [Fact]
    public void Decode_ChunksWithoutChoicesOrWithNullDelta_AreTolerated()
    {
        var events = new List<IrStreamEvent>();
        var decoder = OpenAIChatUpstreamCodec.Instance.CreateStreamDecoder();
        foreach (var json in new[]
        {
            """{"id":"","choices":[],"prompt_filter_results":[]}""",
            """{"id":"c","choices":[{"index":0,"delta":null,"finish_reason":null}]}""",
            """{"id":"c","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}],"usage":null}""",
        })
        {
            decoder.Decode(new UpstreamFrame(null, Encoding.UTF8.GetBytes(json)), events);
        }

        var ir = IrStreamAssembler.From(events);
        Assert.Equal("ok", ir.Text);
        Assert.Equal("c", ir.Start!.Id);
        Assert.Equal(IrFinishReason.Stop, ir.Finish!.Reason);
    }

    private static IrStreamAssembler DecodeJson(params string[] chunks)
    {
        var decoder = OpenAIChatUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var json in chunks)
        {
            decoder.Decode(new UpstreamFrame(null, Encoding.UTF8.GetBytes(json)), events);
        }

        return IrStreamAssembler.From(events);
    }

    [Fact]
    public void Decode_IndexlessCallsWithDifferentIds_AreTwoCalls()
    {
        // Mistral sends whole tool calls without an index; a second one in a later chunk has its own id.
        var ir = DecodeJson(
            """{"id":"m1","choices":[{"index":0,"delta":{"tool_calls":[{"id":"a1","function":{"name":"f","arguments":"{}"}}]}}]}""",
            """{"id":"m1","choices":[{"index":0,"delta":{"tool_calls":[{"id":"b2","function":{"name":"g","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}]}""",
            "[DONE]");
        Assert.Equal([new ToolCallInfo("a1", "f", "{}"), new ToolCallInfo("b2", "g", "{\"x\":1}")], ir.Tools);
    }

    [Fact]
    public void Decode_NameArrivesAfterArguments_CallStartsWithItsNameAndKeepsEveryPiece()
    {
        var ir = DecodeJson(
            """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t1","function":{"arguments":"{\"a\""}}]}}]}""",
            """{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":":1}"}}]}}]}""",
            """{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            "[DONE]");
        Assert.Equal([new ToolCallInfo("t1", "f", "{\"a\":1}")], ir.Tools);
    }
}
