using System.Text.Json;
using Switchyard.Core.Ir;
using static Switchyard.Core.Tests.Translation.OpenAIResponses.ResponsesTestSupport;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

public class ResponsesResponseEncoderTests
{
    [Theory]
    [InlineData("llm__test_responses_basic_non_streaming.0.json")]
    [InlineData("llm__test_responses_tool_use.0.json")]
    [InlineData("llm__test_responses_tool_use.1.json")]
    [InlineData("vercel__openai-reasoning-encrypted-content.1.json")]
    public void EncodeResponse_RecordedAnswer_OutputAndUsageMatchRecording(string file)
    {
        var recorded = ResponsesFixtures.Json(file);
        var codec = NewCodec(out _);
        var ours = Parse(codec.EncodeResponse(Decode(codec, """{"model":"m","input":"hi"}"""), RecordedIr.Response(recorded), "client-model"));

        Assert.Equal(recorded.GetProperty("output").EnumerateArray().Select(RecordedIr.ItemKey), ours.GetProperty("output").EnumerateArray().Select(RecordedIr.ItemKey));
        Assert.Equal(WithoutIds(recorded.GetProperty("usage")), WithoutIds(ours.GetProperty("usage")));
        Assert.Equal(recorded.GetProperty("status").GetString(), ours.GetProperty("status").GetString());
        Assert.Equal("response", ours.GetProperty("object").GetString());
        Assert.Equal("client-model", ours.GetProperty("model").GetString());
        Assert.StartsWith("resp_", ours.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1_778_037_177, ours.GetProperty("completed_at").GetInt64());

        // Every item carries what the SDK types require.
        foreach (var item in ours.GetProperty("output").EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(item.GetProperty("id").GetString()));
            switch (item.GetProperty("type").GetString())
            {
                case "message":
                    Assert.Equal("assistant", item.GetProperty("role").GetString());
                    Assert.Equal("completed", item.GetProperty("status").GetString());
                    Assert.Equal(JsonValueKind.Array, item.GetProperty("content")[0].GetProperty("annotations").ValueKind);
                    break;
                case "function_call":
                    Assert.Equal("completed", item.GetProperty("status").GetString());
                    break;
                case "reasoning":
                    Assert.Equal(JsonValueKind.Array, item.GetProperty("summary").ValueKind);
                    break;
            }
        }
    }

    [Fact]
    public void EncodeResponse_MaxTokensFinish_IsIncompleteWithReason()
    {
        var codec = NewCodec(out _);
        var answer = new IrResponse { FinishReason = IrFinishReason.Length, Usage = new IrUsage { InputTokens = 10, CachedInputTokens = 4, OutputTokens = 7, ReasoningTokens = 2, CacheWriteInputTokens = 3 } };
        answer.Content.Add(new IrTextPart("cut"));

        var ours = Parse(codec.EncodeResponse(Decode(codec, """{"model":"m","input":"hi"}"""), answer, "m"));

        Assert.Equal("incomplete", ours.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", ours.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, ours.GetProperty("completed_at").ValueKind);
        var usage = ours.GetProperty("usage");
        Assert.Equal(10, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(4, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("input_tokens_details").GetProperty("cache_write_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(17, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void EncodeResponse_WithoutRequest_WritesDefaultEchoAndStoresNothing()
    {
        var codec = NewCodec(out var store);
        var answer = new IrResponse();
        answer.Content.Add(new IrTextPart("x"));

        var ours = Parse(codec.EncodeResponse(answer, "m"));

        Assert.Equal("auto", ours.GetProperty("tool_choice").GetString());
        Assert.Equal(0, ours.GetProperty("tools").GetArrayLength());
        Assert.True(ours.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ours.GetProperty("usage").ValueKind);
        Assert.Equal(0, store.Count);
    }
}
