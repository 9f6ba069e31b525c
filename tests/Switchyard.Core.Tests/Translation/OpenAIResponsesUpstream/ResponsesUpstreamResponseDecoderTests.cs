using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Translation.OpenAIResponses;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIResponses;

namespace Switchyard.Core.Tests.Translation.OpenAIResponsesUpstream;

/// <summary>Recorded Response objects → IR → chat completion / Anthropic Message, checked against the recording.</summary>
public class ResponsesUpstreamResponseDecoderTests
{
    private static IrResponse Decode(string file)
    {
        Assert.True(OpenAIResponsesUpstreamCodec.Instance.TryDecodeResponse(File.ReadAllBytes(ResponsesFixtures.PathOf(file)), out var response, out var error), error?.Message);
        return response!;
    }

    private static JsonElement Chat(IrResponse response) => JsonDocument.Parse(OpenAIChatClientCodec.Instance.EncodeResponse(response, "client-model")).RootElement;

    private static JsonNode Anthropic(IrResponse response) => JsonNode.Parse(AnthropicMessagesClientCodec.Instance.EncodeResponse(response, "client-model"))!;

    private static (string Text, JsonElement Recorded) RecordedText(string file)
    {
        var recorded = ResponsesFixtures.Json(file);
        var text = string.Concat(recorded.GetProperty("output").EnumerateArray()
            .Where(o => o.GetProperty("type").GetString() == "message")
            .SelectMany(o => o.GetProperty("content").EnumerateArray())
            .Select(c => c.GetProperty("text").GetString()));
        return (text, recorded);
    }

    [Theory]
    [InlineData("llm__test_responses_basic_non_streaming.0.json")]
    [InlineData("llm__test_responses_tool_use.1.json")]
    [InlineData("vercel__openai-reasoning-encrypted-content.1.json")]
    public void Decode_RecordedTextAnswer_ChatAndAnthropicClientsGetIt(string file)
    {
        var (text, recorded) = RecordedText(file);
        var usage = recorded.GetProperty("usage");
        var ir = Decode(file);
        Assert.Equal(recorded.GetProperty("id").GetString(), ir.Id);
        Assert.Equal(IrFinishReason.Stop, ir.FinishReason);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32(), ir.Usage!.InputTokens);
        Assert.Equal(usage.GetProperty("output_tokens").GetInt32(), ir.Usage.OutputTokens);
        Assert.Equal(usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32(), ir.Usage.CachedInputTokens);
        Assert.Equal(usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32(), ir.Usage.ReasoningTokens);

        var chat = Chat(ir);
        var choice = chat.GetProperty("choices")[0];
        Assert.Equal(text, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32(), chat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("output_tokens").GetInt32(), chat.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32(),
            chat.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());

        var message = Anthropic(ir);
        Assert.Equal("end_turn", (string?)message["stop_reason"]);
        Assert.Equal(text, string.Concat(message["content"]!.AsArray().Where(b => (string?)b!["type"] == "text").Select(b => (string?)b!["text"])));
        Assert.Equal(usage.GetProperty("output_tokens").GetInt32(), (int)message["usage"]!["output_tokens"]!);
    }

    [Fact]
    public void Decode_RecordedReasoning_SummaryBecomesThinking()
    {
        var recorded = ResponsesFixtures.Json("vercel__openai-reasoning-encrypted-content.1.json");
        var summary = recorded.GetProperty("output")[0].GetProperty("summary")[0].GetProperty("text").GetString();
        var ir = Decode("vercel__openai-reasoning-encrypted-content.1.json");

        var thinking = Assert.IsType<IrThinkingPart>(ir.Content[0]);
        Assert.Equal(summary, thinking.Text);
        Assert.IsType<IrTextPart>(ir.Content[1]);
        Assert.Equal(summary, Anthropic(ir)["content"]![0]!["thinking"]!.GetValue<string>());
    }

    [Fact]
    public void Decode_RecordedFunctionCall_ChatToolCallsAndAnthropicToolUse()
    {
        var item = ResponsesFixtures.Json("llm__test_responses_tool_use.0.json").GetProperty("output")[0];
        var ir = Decode("llm__test_responses_tool_use.0.json");
        Assert.Equal(IrFinishReason.ToolCalls, ir.FinishReason);

        var choice = Chat(ir).GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal(item.GetProperty("call_id").GetString(), call.GetProperty("id").GetString());
        Assert.Equal(item.GetProperty("name").GetString(), call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(item.GetProperty("arguments").GetString(), call.GetProperty("function").GetProperty("arguments").GetString());

        var message = Anthropic(ir);
        Assert.Equal("tool_use", (string?)message["stop_reason"]);
        var block = message["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
        Assert.Equal(item.GetProperty("call_id").GetString(), (string?)block["id"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(item.GetProperty("arguments").GetString()!), block["input"]));
    }

    [Fact]
    public void Decode_RecordedIncomplete_MaxOutputTokensIsLength()
    {
        // The recorded basic answer re-stated as cut by max_output_tokens (status and incomplete_details changed).
        var node = JsonNode.Parse(File.ReadAllBytes(ResponsesFixtures.PathOf("llm__test_responses_basic_non_streaming.0.json")))!;
        node["status"] = "incomplete";
        node["incomplete_details"] = new JsonObject { ["reason"] = "max_output_tokens" };
        Assert.True(OpenAIResponsesUpstreamCodec.Instance.TryDecodeResponse(Encoding.UTF8.GetBytes(node.ToJsonString()), out var ir, out _));
        Assert.Equal(IrFinishReason.Length, ir!.FinishReason);
        Assert.Equal("length", Chat(ir).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("max_tokens", (string?)Anthropic(ir)["stop_reason"]);
    }

    [Fact]
    public void Decode_FailedResponse_IsAnError()
    {
        var failed = JsonNode.Parse(File.ReadAllLines(ResponsesFixtures.PathOf("vercel__openai-error.1.chunks.txt"))[3])!["response"]!;
        Assert.False(OpenAIResponsesUpstreamCodec.Instance.TryDecodeResponse(Encoding.UTF8.GetBytes(failed.ToJsonString()), out _, out var error));
        Assert.Equal(429, error!.Status);
        Assert.Equal("insufficient_quota", error.Code);
    }
}
