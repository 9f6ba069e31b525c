using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Translation.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIResponsesUpstream;

/// <summary>
/// Recorded Responses streams → IR → what chat and Anthropic clients receive, checked against what the recording
/// itself says (text deltas, reasoning summary deltas, function calls and their streamed arguments, usage with cached
/// and reasoning tokens, outcome).
/// </summary>
public class ResponsesUpstreamStreamDecoderTests
{
    /// <summary>(file, stream number within it): every recorded stream that ends with response.completed.</summary>
    public static TheoryData<string, int> Streams => new()
    {
        { "llm__test_responses_basic_streaming.0.sse", 0 },           // text
        { "llm__test_responses_tool_use_streaming.0.sse", 0 },        // streamed function-call arguments
        { "llm__test_responses_tool_use_streaming.1.sse", 0 },        // answer after a tool result
        { "pydai__test_openai_responses_stream.0.sse", 0 },
        { "pydai__test_openai_responses_stream.1.sse", 0 },
        { "pydai__test_openai_responses_streaming_usage.0.sse", 0 },  // encrypted reasoning item + reasoning tokens
        { "pydai__test_openai_responses_moderation_stream.0.sse", 0 },
        { "vercel__openai-reasoning-encrypted-content.1.chunks.txt", 0 }, // reasoning summary deltas, then a call
        { "vercel__openai-reasoning-encrypted-content.1.chunks.txt", 1 },
        { "vercel__openai-reasoning-encrypted-content.1.chunks.txt", 2 },
        { "vercel__openai-reasoning-encrypted-content.1.chunks.txt", 3 },
        // vercel__parallel-tool-call-wrapper is left out: its response.created line is cut short (not JSON).
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Decode_RecordedStream_IrCarriesTheRecordedAnswer(string file, int stream)
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync(file))[stream];
        var expected = ResponsesUpstreamFixtures.Expected(frames);
        var events = ResponsesUpstreamFixtures.Decode(frames, out var complete);
        var ir = IrStreamAssembler.From(events);

        Assert.True(complete, "response.completed ends the stream");
        Assert.Null(ir.Error);
        Assert.Equal(expected.Id, ir.Start!.Id);
        Assert.Equal(expected.Model, ir.Start.Model);
        Assert.Equal(expected.Text, ir.Text);
        Assert.Equal(expected.Thinking, ir.Thinking);
        Assert.Equal(expected.Tools, ir.Tools);
        Assert.Equal(expected.Finish, ir.Finish!.Reason.Value);
        Assert.Equal(expected.Usage, ChatAnswer.FromIr(ir.Usage));
        // Arguments are forwarded as they arrive: one IR delta per recorded delta, never held to the end.
        var recordedDeltas = frames.Count(f => ResponsesUpstreamFixtures.Type(f) == "response.function_call_arguments.delta");
        Assert.Equal(recordedDeltas, events.OfType<IrToolCallArgumentsDelta>().Count());
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Translate_RecordedStream_ChatClientGetsTheAnswer(string file, int stream)
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync(file))[stream];
        var expected = ResponsesUpstreamFixtures.Expected(frames);
        var sse = ResponsesUpstreamFixtures.Chat(ResponsesUpstreamFixtures.Decode(frames, out _));
        var answer = ChatAnswer.FromChunks(ClientStream.Chunks(sse));

        Assert.Equal("[DONE]", sse[^1]);
        Assert.Null(answer.Error);
        Assert.Equal(expected.Text, answer.Text);
        Assert.Equal(expected.Thinking, answer.Reasoning);
        Assert.Equal(expected.Tools, answer.Tools);
        Assert.Equal(expected.Finish, answer.Finish);
        Assert.Equal(1, answer.FinishCount);
        Assert.Equal(expected.Usage, answer.Usage);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Translate_RecordedStream_AnthropicClientGetsTheAnswer(string file, int stream)
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync(file))[stream];
        var expected = ResponsesUpstreamFixtures.Expected(frames);
        var acc = ResponsesUpstreamFixtures.Anthropic(ResponsesUpstreamFixtures.Decode(frames, out _));

        Assert.Empty(acc.Problems);
        Assert.Equal(1, acc.MessageStarts);
        Assert.Equal(1, acc.MessageStops);
        Assert.Null(acc.Error);
        Assert.Equal(expected.Text, string.Concat(acc.Blocks.Where(b => b.Type == "text").Select(b => b.Text.ToString())));
        Assert.Equal(expected.Thinking, string.Concat(acc.Blocks.Where(b => b.Type == "thinking").Select(b => b.Thinking.ToString())));
        var tools = acc.Blocks.Where(b => b.Type == "tool_use").ToList();
        Assert.Equal(expected.Tools.Count, tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            Assert.Equal(expected.Tools[i].Id, tools[i].Id);
            Assert.Equal(expected.Tools[i].Name, tools[i].Name);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.Tools[i].Arguments), tools[i].Input));
        }

        Assert.Equal(ResponsesUpstreamFixtures.AnthropicStopReason(expected.Finish), acc.StopReason);
        Assert.Equal(expected.Usage!.Output, acc.UsageInt("output_tokens"));
        Assert.Equal(expected.Usage.Input, acc.UsageInt("input_tokens") + (acc.UsageInt("cache_read_input_tokens") ?? 0));
    }

    [Fact]
    public async Task Decode_ErrorEvent_EndsTheStreamWithTheUpstreamsError()
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync("vercel__openai-error.1.chunks.txt"))[0];
        var events = ResponsesUpstreamFixtures.Decode(frames, out var complete);

        Assert.False(complete);
        var error = Assert.Single(events.OfType<IrStreamError>()).Error; // response.failed after it adds nothing
        Assert.IsType<IrStreamError>(events[^1]);
        Assert.Equal(429, error.Status);
        Assert.Equal("insufficient_quota", error.Code);
        Assert.Equal("insufficient_quota", error.Type);
        Assert.StartsWith("You exceeded your current quota", error.Message);
    }

    [Fact]
    public async Task Translate_ErrorEvent_ChatAndAnthropicClientsGetAnErrorInTheirProtocol()
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync("vercel__openai-error.1.chunks.txt"))[0];

        var chat = ResponsesUpstreamFixtures.Chat(ResponsesUpstreamFixtures.Decode(frames, out _));
        var last = JsonDocument.Parse(chat.Last(e => e != "[DONE]")).RootElement;
        Assert.StartsWith("You exceeded your current quota", last.GetProperty("error").GetProperty("message").GetString());

        var acc = ResponsesUpstreamFixtures.Anthropic(ResponsesUpstreamFixtures.Decode(frames, out _));
        Assert.NotNull(acc.Error);
        Assert.StartsWith("You exceeded your current quota", (string?)acc.Error!["message"]);
        Assert.Equal(0, acc.MessageStops);
    }

    [Fact]
    public void Decode_ResponseFailedAlone_IsAnError()
    {
        // The failed Response of the recording, without the error event before it.
        var failed = File.ReadAllLines(Path.Combine(OpenAIResponses.ResponsesFixtures.Directory, "vercel__openai-error.1.chunks.txt"))[3];
        var events = ResponsesUpstreamFixtures.Decode([new(null, System.Text.Encoding.UTF8.GetBytes(failed))], out var complete);
        Assert.False(complete);
        var error = Assert.Single(events.OfType<IrStreamError>()).Error;
        Assert.Equal("insufficient_quota", error.Code);
        Assert.Equal(429, error.Status);
    }

    [Fact]
    public void Decode_Incomplete_MaxOutputTokensIsLength()
    {
        // The recorded basic stream's terminal event, re-stated as an incomplete Response (the only change).
        var completed = File.ReadAllText(Path.Combine(OpenAIResponses.ResponsesFixtures.Directory, "llm__test_responses_basic_streaming.0.sse"))
            .Split("\n").Single(l => l.StartsWith("data: {\"type\":\"response.completed\"", StringComparison.Ordinal))["data: ".Length..];
        var node = JsonNode.Parse(completed)!;
        node["type"] = "response.incomplete";
        node["response"]!["status"] = "incomplete";
        node["response"]!["incomplete_details"] = new JsonObject { ["reason"] = "max_output_tokens" };
        var events = ResponsesUpstreamFixtures.Decode([new(null, System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()))], out var complete);
        Assert.True(complete);
        Assert.Equal(IrFinishReason.Length, events.OfType<IrFinish>().Single().Reason);
    }
}
