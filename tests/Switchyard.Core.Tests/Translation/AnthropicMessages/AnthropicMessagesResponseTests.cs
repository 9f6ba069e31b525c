using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

public class AnthropicMessagesResponseTests
{
    public static TheoryData<string> ResponseFiles() => new()
    {
        "pydai__test_anthropic_tool_with_thinking.0.json",
        "pydai__test_anthropic_tool_with_thinking.1.json",
        "pydai__test_multiple_parallel_tool_calls.0.json",
        "pydai__test_multiple_parallel_tool_calls.1.json",
        "vercel__anthropic-text.json",
    };

    private static IrResponse DecodeFixture(string file)
    {
        Assert.True(AnthropicMessagesUpstreamCodec.Instance.TryDecodeResponse(AnthropicFixtures.Bytes(file), out var response, out var error), error?.Message);
        return response!;
    }

    [Theory]
    [MemberData(nameof(ResponseFiles))]
    public void ResponseDecoder_RecordedMessage_IrHasEveryBlockUsageAndStop(string file)
    {
        var json = AnthropicFixtures.Json(file);
        var ir = DecodeFixture(file);

        var content = json["content"]!.AsArray();
        Assert.Equal(content.Count, ir.Content.Count);
        for (var i = 0; i < content.Count; i++)
        {
            var block = content[i]!;
            switch ((string?)block["type"])
            {
                case "text":
                    Assert.Equal((string?)block["text"], Assert.IsType<IrTextPart>(ir.Content[i]).Text);
                    break;
                case "thinking":
                    var thinking = Assert.IsType<IrThinkingPart>(ir.Content[i]);
                    Assert.Equal((string?)block["thinking"], thinking.Text);
                    Assert.Equal((string?)block["signature"], thinking.Signature);
                    break;
                case "tool_use":
                    var call = Assert.IsType<IrToolCallPart>(ir.Content[i]);
                    Assert.Equal((string?)block["id"], call.Id);
                    Assert.Equal((string?)block["name"], call.Name);
                    Assert.True(JsonNode.DeepEquals(block["input"], JsonNode.Parse(call.ArgumentsJson)));
                    break;
                default:
                    Assert.Fail($"fixture block {block["type"]} not covered");
                    break;
            }
        }

        var usage = json["usage"]!;
        var input = (int)usage["input_tokens"]!;
        var cacheRead = (int?)usage["cache_read_input_tokens"];
        var cacheWrite = (int?)usage["cache_creation_input_tokens"];
        Assert.Equal(input + (cacheRead ?? 0) + (cacheWrite ?? 0), ir.Usage!.InputTokens);
        Assert.Equal((int)usage["output_tokens"]!, ir.Usage.OutputTokens);
        Assert.Equal(cacheRead, ir.Usage.CachedInputTokens);
        Assert.Equal(cacheWrite, ir.Usage.CacheWriteInputTokens);
        Assert.Equal((string?)json["id"], ir.Id);
        Assert.Equal((string?)json["model"], ir.Model);
        var stop = (string?)json["stop_reason"];
        Assert.Equal(stop == "tool_use" ? IrFinishReason.ToolCalls : IrFinishReason.Stop, ir.FinishReason);
    }

    [Theory]
    [MemberData(nameof(ResponseFiles))]
    public void ResponseRoundTrip_RecordedMessage_ClientGetsTheSameContentStopAndUsage(string file)
    {
        var json = AnthropicFixtures.Json(file);
        var encoded = JsonNode.Parse(AnthropicMessagesClientCodec.Instance.EncodeResponse(DecodeFixture(file), "alias-model"))!;

        Assert.True(JsonNode.DeepEquals(json["content"], encoded["content"]), encoded["content"]!.ToJsonString());
        Assert.Equal((string?)json["id"], (string?)encoded["id"]);
        Assert.Equal("alias-model", (string?)encoded["model"]);
        Assert.Equal("message", (string?)encoded["type"]);
        Assert.Equal("assistant", (string?)encoded["role"]);
        Assert.Equal((string?)json["stop_reason"], (string?)encoded["stop_reason"]);
        Assert.Null(encoded["stop_sequence"]);
        foreach (var member in new[] { "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens" })
        {
            Assert.Equal((int?)json["usage"]![member], (int?)encoded["usage"]![member]);
        }
    }

    [Fact]
    public void ResponseEncoder_ForeignAnswer_MapsUsageStopAndInvalidArguments()
    {
        var ir = new IrResponse { FinishReason = IrFinishReason.Length, Usage = new IrUsage { InputTokens = 100, CachedInputTokens = 60, CacheWriteInputTokens = 10, OutputTokens = 7 } };
        ir.Content.Add(new IrThinkingPart("hmm"));
        ir.Content.Add(new IrToolCallPart("call_1", "f", "{\"a\":"));
        ir.Content.Add(new IrUnknownPart("gemini", "executableCode", default));

        var encoded = JsonNode.Parse(AnthropicMessagesClientCodec.Instance.EncodeResponse(ir, "m"))!;

        Assert.StartsWith("msg_", (string?)encoded["id"], StringComparison.Ordinal);
        Assert.Equal("max_tokens", (string?)encoded["stop_reason"]);
        Assert.Equal(30, (int?)encoded["usage"]!["input_tokens"]);
        Assert.Equal(60, (int?)encoded["usage"]!["cache_read_input_tokens"]);
        Assert.Equal(10, (int?)encoded["usage"]!["cache_creation_input_tokens"]);
        var content = encoded["content"]!.AsArray();
        Assert.Equal(2, content.Count);
        Assert.Equal("", (string?)content[0]!["signature"]);
        Assert.True(JsonNode.DeepEquals(new JsonObject(), content[1]!["input"]));
    }

    [Theory]
    [InlineData("stop", false, "end_turn")]
    [InlineData("stop", true, "tool_use")]
    [InlineData("tool_calls", true, "tool_use")]
    [InlineData("content_filter", false, "refusal")]
    [InlineData("stop_sequence", false, "stop_sequence")]
    [InlineData("pause_turn", false, "pause_turn")]
    [InlineData("RECITATION", false, "end_turn")]
    public void ResponseEncoder_FinishReason_MapsToAnthropicStopReason(string reason, bool withTool, string expected)
    {
        var ir = new IrResponse { FinishReason = new IrFinishReason(reason) };
        if (withTool)
        {
            ir.Content.Add(new IrToolCallPart("c", "f", "{}"));
        }

        Assert.Equal(expected, (string?)JsonNode.Parse(AnthropicMessagesClientCodec.Instance.EncodeResponse(ir, "m"))!["stop_reason"]);
    }

    [Fact]
    public void ResponseDecoder_ErrorObjectIn2xx_IsAnError()
    {
        var body = AnthropicFixtures.Bytes("pydai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.0.json");

        Assert.False(AnthropicMessagesUpstreamCodec.Instance.TryDecodeResponse(body, out _, out var error));
        Assert.Equal(400, error!.Status);
        Assert.Equal((string?)JsonNode.Parse(body)!["error"]!["message"], error.Message);
    }
}
