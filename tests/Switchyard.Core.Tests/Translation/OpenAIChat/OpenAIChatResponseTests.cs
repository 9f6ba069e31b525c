using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

public class OpenAIChatResponseTests
{
    /// <summary>Every recorded 200 chat.completion body across the OpenAI-compatible providers.</summary>
    public static TheoryData<string> Completions => new()
    {
        "openai/envoy__chat-basic.0.json",
        "openai/envoy__chat-json-mode.0.json",
        "openai/envoy__chat-parallel-tools.0.json",
        "openai/envoy__chat-reasoning.0.json",
        "openai/envoy__chat-tools.0.json",
        "openai/llm__test_tool_use_chain_of_two_calls.0.json",
        "openai/llm__test_tool_use_chain_of_two_calls.1.json",
        "openai/llm__test_tool_use_chain_of_two_calls.2.json",
        "openai/vercel__openai-text.json",
        "deepseek/vercel__deepseek-reasoning.json",
        "deepseek/vercel__deepseek-tool-call.json",
        "mistral/pydai__test_mistral_forwards_penalties.0.json",
        "mistral/vercel__mistral-tool-call.json",
        "groq/pydai__test_groq_native_output.0.json",
        "groq/vercel__groq-tool-call.json",
        "xai/vercel__xai-text.json",
        "zhipu/pydai__test_zai_model_simple.0.json",
        "qwen/vercel__alibaba-tool-call.json",
        "moonshot/vercel__moonshotai-tool-call.json",
        "ollama/pydai__test_ollama_cloud_tool_output.0.json",
        "ollama/pydai__test_ollama_cloud_tool_output.1.json",
        "ollama/pydai__test_ollama_local_native_output_uses_json_schema.0.json",
        "azure/envoy__azure-chat-basic.0.json",
        "azure/pydai__test_azure_provider_call.0.json",
        "gemini-openai-compat/pydai__test_compatible_api_with_tool_calls_without_id.0.json",
        "gemini-openai-compat/pydai__test_compatible_api_with_tool_calls_without_id.1.json",
    };

    private static IrResponse Decode(string fixture)
    {
        Assert.True(OpenAIChatUpstreamCodec.Instance.TryDecodeResponse(OpenAIChatFixtures.Bytes(fixture), out var response, out var error), error?.Message);
        return response!;
    }

    [Theory]
    [MemberData(nameof(Completions))]
    public void TryDecodeResponse_RecordedCompletion_IrCarriesTheFixturesContent(string fixture)
    {
        var json = JsonDocument.Parse(OpenAIChatFixtures.Bytes(fixture)).RootElement;
        var expected = ChatAnswer.FromCompletion(json);
        var response = Decode(fixture);

        Assert.Equal(json.GetProperty("id").GetString(), response.Id);
        Assert.Equal(json.GetProperty("model").GetString(), response.Model);
        Assert.Equal(expected.Text, string.Concat(response.Content.OfType<IrTextPart>().Select(t => t.Text)));
        Assert.Equal(expected.Reasoning, string.Concat(response.Content.OfType<IrThinkingPart>().Select(t => t.Text)));
        var calls = response.Content.OfType<IrToolCallPart>().ToList();
        Assert.Equal(expected.Tools.Count, calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            Assert.Equal(expected.Tools[i].Name, calls[i].Name);
            Assert.Equal(expected.Tools[i].Arguments, calls[i].ArgumentsJson);
            Assert.Equal(expected.Tools[i].Id ?? calls[i].Id, calls[i].Id);
            Assert.NotEmpty(calls[i].Id);
        }

        Assert.Equal(expected.Finish, response.FinishReason == IrFinishReason.ToolCalls ? "tool_calls" : response.FinishReason?.Value);
        Assert.Equal(expected.Usage, ChatAnswer.FromIr(response.Usage));
        // Thinking comes first, tool calls last (the IR's output order).
        var kinds = response.Content.Select(p => p switch { IrThinkingPart => 0, IrTextPart => 1, _ => 2 }).ToList();
        Assert.Equal(kinds.Order(), kinds);
    }

    [Theory]
    [MemberData(nameof(Completions))]
    public void EncodeResponse_DecodedCompletion_ClientReadsTheSameAnswer(string fixture)
    {
        var expected = ChatAnswer.FromCompletion(JsonDocument.Parse(OpenAIChatFixtures.Bytes(fixture)).RootElement);
        var body = JsonDocument.Parse(OpenAIChatClientCodec.Instance.EncodeResponse(Decode(fixture), "client-model")).RootElement;
        var got = ChatAnswer.FromCompletion(body);

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("client-model", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("created").GetInt64() > 1_700_000_000);
        Assert.Equal(expected.Text, got.Text);
        Assert.Equal(expected.Reasoning, got.Reasoning);
        Assert.Equal(expected.Tools.Select(t => (t.Name, t.Arguments)), got.Tools.Select(t => (t.Name, t.Arguments)));
        Assert.Equal(expected.Finish, got.Finish);
        Assert.Equal(expected.Usage, got.Usage);
        var message = body.GetProperty("choices")[0].GetProperty("message");
        if (expected.Tools.Count > 0 && expected.Text.Length == 0)
        {
            Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        }

        Assert.Equal(expected.Reasoning.Length > 0, message.TryGetProperty("reasoning_content", out _));
    }

    [Fact]
    public void TryDecodeResponse_GeminiToolCallsWithoutId_GetDistinctStableIds()
    {
        const string fixture = "gemini-openai-compat/pydai__test_compatible_api_with_tool_calls_without_id.0.json";
        var recorded = JsonDocument.Parse(OpenAIChatFixtures.Bytes(fixture)).RootElement;
        Assert.Equal("", recorded.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("id").GetString());

        var id = Decode(fixture).Content.OfType<IrToolCallPart>().Single().Id;
        Assert.Equal("call_" + recorded.GetProperty("id").GetString() + "_0", id);
        Assert.Equal(id, Decode(fixture).Content.OfType<IrToolCallPart>().Single().Id);
    }

    [Fact]
    public void TryDecodeResponse_XaiReasoningOutsideCompletionTokens_IsFoldedIntoOutput()
    {
        var usage = JsonDocument.Parse(OpenAIChatFixtures.Bytes("xai/vercel__xai-text.json")).RootElement.GetProperty("usage");
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        var reasoning = usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        Assert.Equal(usage.GetProperty("total_tokens").GetInt32(), usage.GetProperty("prompt_tokens").GetInt32() + completion + reasoning);

        Assert.Equal(completion + reasoning, Decode("xai/vercel__xai-text.json").Usage!.OutputTokens);
    }

    [Theory]
    [InlineData("{\"object\":\"chat.completion\"}")]
    [InlineData("{\"choices\":[]}")]
    [InlineData("not json")]
    public void TryDecodeResponse_NotAChatCompletion_IsAnError(string body)
    {
        Assert.False(OpenAIChatUpstreamCodec.Instance.TryDecodeResponse(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.Equal(502, error!.Status);
    }

    [Fact]
    public void EncodeResponse_ToolCallsWithAStopReason_ReportsToolCalls()
    {
        var response = new IrResponse { FinishReason = IrFinishReason.Stop };
        response.Content.Add(new IrToolCallPart("c1", "f", "{}"));
        var choice = JsonDocument.Parse(OpenAIChatClientCodec.Instance.EncodeResponse(response, "m")).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("stop_sequence", "stop")]
    [InlineData("pause_turn", "stop")]
    [InlineData("content_filter", "content_filter")]
    [InlineData("length", "length")]
    [InlineData("SOMETHING_NEW", "stop")]
    public void EncodeResponse_FinishReason_MappedToOpenAIVocabulary(string ir, string wire)
    {
        var response = new IrResponse { FinishReason = new IrFinishReason(ir) };
        response.Content.Add(new IrTextPart("x"));
        var choice = JsonDocument.Parse(OpenAIChatClientCodec.Instance.EncodeResponse(response, "m")).RootElement.GetProperty("choices")[0];
        Assert.Equal(wire, choice.GetProperty("finish_reason").GetString());
    }
}
