using System.Text.Json;
using Switchyard.Core.Ir;
using static Switchyard.Core.Tests.Translation.OpenAIResponses.ResponsesTestSupport;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

public class ResponsesStreamEncoderTests
{
    private const string Request = """{"model":"gpt-x","input":"hi"}""";

    // Every real recorded stream. Left out: vercel parallel-tool-call-wrapper and custom-tool, hand-written mocks
    // (a malformed line, no response.in_progress) of outputs no non-Responses upstream can produce.
    public static TheoryData<string, int> RecordedStreams()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in new[]
        {
            "llm__test_responses_basic_streaming.0.sse",
            "llm__test_responses_tool_use_streaming.0.sse",
            "llm__test_responses_tool_use_streaming.1.sse",
            "pydai__test_openai_responses_stream.0.sse",
            "pydai__test_openai_responses_stream.1.sse",
            "pydai__test_openai_responses_streaming_usage.0.sse",
            "pydai__test_openai_responses_moderation_stream.0.sse",
            "vercel__openai-reasoning-encrypted-content.1.chunks.txt",
            "vercel__openai-error.1.chunks.txt",
        })
        {
            for (var i = 0; i < ResponsesFixtures.Streams(file).Count; i++)
            {
                data.Add(file, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RecordedStreams))]
    public void Encode_RecordedStream_EventSequenceMatchesRecording(string file, int stream)
    {
        var recorded = ResponsesFixtures.Streams(file)[stream];
        var codec = NewCodec(out _);
        var ours = Run(codec.CreateStreamEncoder(Decode(codec, Request), "gpt-x"), RecordedIr.StreamEvents(recorded));

        Assert.Equal(recorded.Select(Type), ours.Select(e => Type(e.Data)));
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.Equal(Type(ours[i].Data), ours[i].Name);
            Assert.Equal(i, ours[i].Data.GetProperty("sequence_number").GetInt32());
            if (recorded[i].TryGetProperty("output_index", out var outputIndex))
            {
                Assert.Equal(outputIndex.GetInt32(), ours[i].Data.GetProperty("output_index").GetInt32());
            }

            switch (Type(recorded[i]))
            {
                case "response.output_item.done":
                    Assert.Equal(RecordedIr.ItemKey(recorded[i].GetProperty("item")), RecordedIr.ItemKey(ours[i].Data.GetProperty("item")));
                    break;
                case "response.output_text.delta" or "response.function_call_arguments.delta" or "response.reasoning_summary_text.delta":
                    Assert.Equal(recorded[i].GetProperty("delta").GetString(), ours[i].Data.GetProperty("delta").GetString());
                    break;
                case "response.output_text.done" or "response.reasoning_summary_text.done":
                    Assert.Equal(recorded[i].GetProperty("text").GetString(), ours[i].Data.GetProperty("text").GetString());
                    break;
                case "response.function_call_arguments.done":
                    Assert.Equal(recorded[i].GetProperty("arguments").GetString(), ours[i].Data.GetProperty("arguments").GetString());
                    break;
                case "response.completed":
                    AssertSameUsage(recorded[i].GetProperty("response").GetProperty("usage"), ours[i].Data.GetProperty("response").GetProperty("usage"));
                    Assert.Equal("completed", ours[i].Data.GetProperty("response").GetProperty("status").GetString());
                    break;
                case "error":
                    var error = recorded[i].GetProperty("error");
                    Assert.Equal(error.GetProperty("code").GetString(), ours[i].Data.GetProperty("code").GetString());
                    Assert.Equal(error.GetProperty("message").GetString(), ours[i].Data.GetProperty("message").GetString());
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(RecordedStreams))]
    public void Encode_RecordedStream_FinalResponseEqualsNonStreamEncoding(string file, int stream)
    {
        var irEvents = RecordedIr.StreamEvents(ResponsesFixtures.Streams(file)[stream]);
        var codec = NewCodec(out _);
        var request = Decode(codec, Request);
        var ours = Run(codec.CreateStreamEncoder(request, "gpt-x"), irEvents);
        var terminal = ours[^1].Data.GetProperty("response");
        if (Type(ours[^1].Data) == "response.failed")
        {
            Assert.DoesNotContain(ours, e => e.Name == "response.completed");
            Assert.Equal("failed", terminal.GetProperty("status").GetString());
            return;
        }

        var nonStream = Parse(codec.EncodeResponse(request, RecordedIr.Aggregate(irEvents), "gpt-x"));
        Assert.Equal(WithoutIds(nonStream.GetProperty("output")), WithoutIds(terminal.GetProperty("output")));
        Assert.Equal(WithoutIds(nonStream.GetProperty("usage")), WithoutIds(terminal.GetProperty("usage")));
        Assert.Equal(nonStream.GetProperty("status").GetString(), terminal.GetProperty("status").GetString());

        // Items are announced with the ids the final Response lists them under.
        var addedIds = ours.Where(e => e.Name == "response.output_item.added").Select(e => e.Data.GetProperty("item").GetProperty("id").GetString());
        Assert.Equal(terminal.GetProperty("output").EnumerateArray().Select(i => i.GetProperty("id").GetString()), addedIds);
    }

    [Fact]
    public void Fail_AfterPartialText_EndsWithErrorAndFailedNeverCompleted()
    {
        var codec = NewCodec(out var store);
        var encoder = codec.CreateStreamEncoder(Decode(codec, Request), "gpt-x");
        var events = Run(encoder, [new IrStreamStart("x", "m"), new IrTextDelta(0, "Hel")], complete: false);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        encoder.Fail(new IrError(502, "upstream_error", "connection reset") { Code = "upstream_cut" }, output);
        encoder.Complete(output); // ignored once failed
        events.AddRange(ResponsesFixtures.SseEvents(output.WrittenSpan));

        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta", "error", "response.failed"],
            events.Select(e => e.Name));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        var failed = events[^1].Data.GetProperty("response");
        Assert.Equal("upstream_cut", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("connection reset", failed.GetProperty("error").GetProperty("message").GetString());
        var item = Assert.Single(failed.GetProperty("output").EnumerateArray());
        Assert.Equal("incomplete", item.GetProperty("status").GetString());
        Assert.Equal("Hel", item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("connection reset", events[^2].Data.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Complete_WithOpenBlocksAndNoStart_WritesFullEnvelope()
    {
        var codec = NewCodec(out _);
        var events = Run(codec.CreateStreamEncoder(Decode(codec, Request), "gpt-x"),
            [new IrThinkingDelta(0, "hmm"), new IrThinkingSignature(0, "sig"), new IrTextDelta(1, "ok"), new IrToolCallStart(2, "call_1", "f"), new IrToolCallArgumentsDelta(2, "{}")]);

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed",
            ],
            events.Select(e => e.Name));
        var output = events[^1].Data.GetProperty("response").GetProperty("output");
        Assert.Equal("sig", output[0].GetProperty("encrypted_content").GetString());
        Assert.Equal("hmm", output[0].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal("call_1", output[2].GetProperty("call_id").GetString());
    }

    [Theory]
    [InlineData("length", "max_output_tokens")]
    [InlineData("content_filter", "content_filter")]
    public void Complete_TruncatedFinish_EndsWithResponseIncomplete(string finish, string reason)
    {
        var codec = NewCodec(out _);
        var events = Run(codec.CreateStreamEncoder(Decode(codec, Request), "gpt-x"),
            [new IrStreamStart(null, null), new IrTextDelta(0, "a"), new IrBlockStop(0), new IrFinish(new IrFinishReason(finish)), new IrUsageUpdate(new IrUsage { InputTokens = 3, OutputTokens = 1 })]);

        Assert.Equal("response.incomplete", events[^1].Name);
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal(reason, response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("completed_at").ValueKind);
        Assert.Equal(4, response.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void Encode_CreatedEvent_EchoesRequestSettings()
    {
        var codec = NewCodec(out _);
        var request = Decode(codec, """
            {"model":"gpt-x","input":"hi","instructions":"be brief","store":false,"temperature":0.5,"max_output_tokens":50,
             "tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],"tool_choice":"required","metadata":{"k":"v"}}
            """);
        var created = Run(codec.CreateStreamEncoder(request, "alias-model"), [new IrStreamStart(null, null)], complete: false)[0].Data.GetProperty("response");

        Assert.Equal("alias-model", created.GetProperty("model").GetString());
        Assert.Equal("be brief", created.GetProperty("instructions").GetString());
        Assert.False(created.GetProperty("store").GetBoolean());
        Assert.Equal(0.5, created.GetProperty("temperature").GetDouble());
        Assert.Equal(50, created.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("f", created.GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal("required", created.GetProperty("tool_choice").GetString());
        Assert.Equal("v", created.GetProperty("metadata").GetProperty("k").GetString());
        Assert.StartsWith("resp_", created.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1_778_037_177, created.GetProperty("created_at").GetInt64());
    }

    [Fact]
    public void CreateStreamEncoder_WithoutRequest_WritesValidEnvelopeAndStoresNothing()
    {
        var codec = NewCodec(out var store);
        var events = Run(codec.CreateStreamEncoder("m", includeUsage: false), [new IrTextDelta(0, "a"), new IrBlockStop(0)]);

        Assert.Equal("response.created", events[0].Name);
        Assert.Equal("response.completed", events[^1].Name);
        Assert.Equal("a", events[^1].Data.GetProperty("response").GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(0, store.Count);
    }

    private static string Type(JsonElement ev) => ev.GetProperty("type").GetString()!;

    private static void AssertSameUsage(JsonElement expected, JsonElement actual)
    {
        Assert.Equal(expected.GetProperty("input_tokens").GetInt32(), actual.GetProperty("input_tokens").GetInt32());
        Assert.Equal(expected.GetProperty("output_tokens").GetInt32(), actual.GetProperty("output_tokens").GetInt32());
        Assert.Equal(expected.GetProperty("total_tokens").GetInt32(), actual.GetProperty("total_tokens").GetInt32());
        Assert.Equal(expected.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32(), actual.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(expected.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32(), actual.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }
}
