using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.BedrockConverse;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

public sealed class BedrockConverseResponseDecoderTests
{
    public static IEnumerable<object[]> AnswerFiles() =>
        Directory.GetFiles(BedrockFixtureSupport.Directory, "pydai__*.json")
            .Select(Path.GetFileName)
            .Where(f => JsonDocument.Parse(BedrockFixtureSupport.Bytes(f!)).RootElement.TryGetProperty("output", out _))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f! });

    [Theory]
    [MemberData(nameof(AnswerFiles))]
    public void TryDecodeResponse_RecordedAnswer_ContentFinishAndUsageAsTheBodySays(string file)
    {
        var body = BedrockFixtureSupport.Bytes(file);
        var root = JsonNode.Parse(body)!;

        Assert.True(BedrockConverseUpstreamCodec.Instance.TryDecodeResponse(body, out var response, out var error), error?.Message);

        var blocks = root["output"]!["message"]!["content"]!.AsArray();
        Assert.Equal(blocks.Count, response!.Content.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i]!;
            switch (response.Content[i])
            {
                case IrTextPart text:
                    Assert.Equal((string)block["text"]!, text.Text);
                    break;
                case IrThinkingPart thinking:
                    Assert.Equal((string)block["reasoningContent"]!["reasoningText"]!["text"]!, thinking.Text);
                    Assert.Equal((string?)block["reasoningContent"]!["reasoningText"]!["signature"], thinking.Signature);
                    break;
                case IrToolCallPart call:
                    Assert.Equal((string)block["toolUse"]!["toolUseId"]!, call.Id);
                    Assert.Equal((string)block["toolUse"]!["name"]!, call.Name);
                    Assert.True(JsonNode.DeepEquals(block["toolUse"]!["input"], JsonNode.Parse(call.ArgumentsJson)));
                    break;
                default:
                    Assert.Fail($"block {i} decoded as {response.Content[i]}");
                    break;
            }
        }

        Assert.Equal(BedrockConverseStreamDecoderTests.ExpectedFinish((string)root["stopReason"]!), response.FinishReason);
        var usage = root["usage"]!;
        var cacheRead = (int?)usage["cacheReadInputTokens"];
        var cacheWrite = (int?)usage["cacheWriteInputTokens"];
        Assert.Equal((int)usage["inputTokens"]! + (cacheRead ?? 0) + (cacheWrite ?? 0), response.Usage!.InputTokens);
        Assert.Equal((int)usage["outputTokens"]!, response.Usage.OutputTokens);
        Assert.Equal(cacheRead, response.Usage.CachedInputTokens);
        Assert.Equal(cacheWrite, response.Usage.CacheWriteInputTokens);
    }

    [Fact]
    public void TryDecodeResponse_ThinkingAndToolAnswer_EqualsTheAssistantTurnTheClientSentBack()
    {
        // pydantic-ai sent the answer of interaction 0 back as the assistant turn of interaction 1.
        Assert.True(BedrockConverseUpstreamCodec.Instance.TryDecodeResponse(BedrockFixtureSupport.Bytes("pydai__test_bedrock_anthropic_tool_with_thinking.0.json"), out var answer, out _));
        var (_, next) = BedrockFixtureSupport.CassetteRequest("pydai__test_bedrock_anthropic_tool_with_thinking.yaml", 1);
        var assistant = next.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");

        StreamReassembly.AssertSameContent(BedrockConverseStreamDecoderTests.ResponseOf(assistant).Content, answer!.Content);
        Assert.Equal(["IrThinkingPart", "IrTextPart", "IrToolCallPart"], answer.Content.Select(p => p.GetType().Name));
    }

    [Fact]
    public void TryDecodeResponse_ServerToolAndUnknownBlocks_KeptAsBedrockUnknownParts()
    {
        var body = """
            {"output":{"message":{"role":"assistant","content":[
              {"toolUse":{"toolUseId":"t1","name":"nova_code_interpreter","type":"server_tool_use","input":{"snippet":"1+1"}}},
              {"toolResult":{"toolUseId":"t1","type":"nova_code_interpreter_result","status":"success","content":[{"json":{"stdOut":"2"}}]}},
              {"citationsContent":{"content":[{"text":"x"}]}},
              {"reasoningContent":{"redactedContent":"UkVEQUNURUQ="}},
              {"text":"2"}]}},
             "stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3}}
            """u8;

        Assert.True(BedrockConverseUpstreamCodec.Instance.TryDecodeResponse(body, out var response, out _));

        var unknown = response!.Content.OfType<IrUnknownPart>().ToList();
        Assert.Equal(["toolUse", "toolResult", "citationsContent"], unknown.Select(u => u.Type));
        Assert.All(unknown, u => Assert.Equal("bedrock-converse", u.Protocol));
        Assert.Equal(new IrRedactedThinkingPart("UkVEQUNURUQ="), response.Content[3]);
        Assert.Equal(new IrTextPart("2"), response.Content[4]);
    }

    [Theory]
    [InlineData("guardrail_intervened", "content_filter")]
    [InlineData("content_filtered", "content_filter")]
    [InlineData("stop_sequence", "stop_sequence")]
    [InlineData("model_context_window_exceeded", "length")]
    [InlineData("something_new", "something_new")]
    public void TryDecodeResponse_StopReasons_MappedToIr(string stopReason, string expected)
    {
        var body = $$$"""{"output":{"message":{"role":"assistant","content":[]}},"stopReason":"{{{stopReason}}}","additionalModelResponseFields":{"stop_sequence":"END"}}""";

        Assert.True(BedrockConverseUpstreamCodec.Instance.TryDecodeResponse(System.Text.Encoding.UTF8.GetBytes(body), out var response, out _));

        Assert.Equal(expected, response!.FinishReason!.Value.Value);
        Assert.Equal("END", response.StopSequence);
    }

    [Theory]
    [InlineData("pydai__test_bedrock_error.0.json")]
    [InlineData("pydai__test_bedrock_streaming_error.0.json")]
    public void DecodeError_RecordedInvalidModelError_InvalidRequestWithBedrocksMessage(string file)
    {
        var body = BedrockFixtureSupport.Bytes(file);

        var error = BedrockConverseUpstreamCodec.Instance.DecodeError(400, body);

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(JsonNode.Parse(body)!["message"]!.GetValue<string>(), error.Message);
        Assert.False(BedrockConverseUpstreamCodec.Instance.TryDecodeResponse(body, out _, out var notAnswer));
        Assert.Equal(502, notAnswer!.Status);
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(403, "permission_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(500, "api_error")]
    public void DecodeError_NonJsonOrTypedBody_TypeByStatusMessageKept(int status, string type)
    {
        var error = BedrockConverseUpstreamCodec.Instance.DecodeError(status, "<html>Bad Gateway</html>"u8);
        var typed = BedrockConverseUpstreamCodec.Instance.DecodeError(status, """{"__type":"com.amazon.coral.service#ThrottlingException","Message":"Rate exceeded"}"""u8);

        Assert.Equal((status, type, "<html>Bad Gateway</html>"), (error.Status, error.Type, error.Message));
        Assert.Equal(("Rate exceeded", "ThrottlingException"), (typed.Message, typed.Code));
    }
}
