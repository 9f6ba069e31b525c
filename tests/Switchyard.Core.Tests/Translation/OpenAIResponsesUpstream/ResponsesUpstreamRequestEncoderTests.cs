using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Translation.OpenAIResponses;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIResponses;

namespace Switchyard.Core.Tests.Translation.OpenAIResponsesUpstream;

/// <summary>IR → Responses request, checked against the requests simonw/llm recorded against api.openai.com.</summary>
public class ResponsesUpstreamRequestEncoderTests
{
    private const string Question = "What is 1231 * 2331? Use the multiply tool.";
    private const string CallId = "call_nJmCK7SJe3ajdYYplIbH0KgL";
    private const string Schema = """{"properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"],"type":"object"}""";

    internal static IrRequest Chat(string json)
    {
        Assert.True(OpenAIChatClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request!;
    }

    internal static IrRequest Anthropic(string json)
    {
        Assert.True(AnthropicMessagesClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request!;
    }

    internal static JsonNode Encode(IrRequest request, string model = "gpt-5.5")
        => JsonNode.Parse(OpenAIResponsesUpstreamCodec.Instance.EncodeRequest(request, model))!;

    private static JsonNode Recorded(int interaction)
        => JsonNode.Parse(ResponsesFixtures.RequestBodies("llm__test_responses_tool_use.yaml")[interaction].GetRawText())!;

    [Fact]
    public void Encode_ChatToolTurn_IsTheRecordedResponsesRequest()
    {
        var chat = $$$"""
            {"model":"gpt-5.5","reasoning_effort":"low",
             "messages":[{"role":"user","content":"{{{Question}}}"},
                         {"role":"assistant","content":null,"tool_calls":[{"id":"{{{CallId}}}","type":"function","function":{"name":"multiply","arguments":"{\"a\": 1231, \"b\": 2331}"}}]},
                         {"role":"tool","tool_call_id":"{{{CallId}}}","content":"2869461"}],
             "tools":[{"type":"function","function":{"name":"multiply","description":"Multiply two numbers.","parameters":{{{Schema}}}}}]}
            """;
        var body = Encode(Chat(chat));
        var recorded = Recorded(1);

        Assert.True(JsonNode.DeepEquals(recorded["input"], body["input"]), body["input"]!.ToJsonString());
        Assert.Equal("gpt-5.5", (string?)body["model"]);
        Assert.True(JsonNode.DeepEquals(recorded["reasoning"], body["reasoning"]));
        Assert.True(JsonNode.DeepEquals(recorded["include"], body["include"]));
        Assert.False((bool)body["store"]!);
        Assert.Null(body["stream"]); // recorded sends false; absent means the same
        var tool = body["tools"]![0]!;
        var recordedTool = recorded["tools"]![0]!;
        foreach (var key in new[] { "type", "name", "description", "parameters" })
        {
            Assert.True(JsonNode.DeepEquals(recordedTool[key], tool[key]), key);
        }

        // The chat client did not ask for strict; Responses would default to strict, so it is said explicitly.
        Assert.False((bool)tool["strict"]!);
    }

    [Fact]
    public void Encode_ChatFirstTurn_IsTheRecordedResponsesRequest()
    {
        var body = Encode(Chat($$"""{"model":"gpt-5.5","reasoning_effort":"low","messages":[{"role":"user","content":"{{Question}}"}]}"""));
        Assert.True(JsonNode.DeepEquals(Recorded(0)["input"], body["input"]));
    }

    [Fact]
    public void Encode_AnthropicToolTurn_ToolResultInsideUserTurnBecomesFunctionCallOutput()
    {
        var anthropic = $$$"""
            {"model":"gpt-5.5","max_tokens":1024,
             "messages":[{"role":"user","content":"{{{Question}}}"},
                         {"role":"assistant","content":[{"type":"tool_use","id":"{{{CallId}}}","name":"multiply","input":{"a": 1231, "b": 2331}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{CallId}}}","content":"2869461"}]}],
             "tools":[{"name":"multiply","description":"Multiply two numbers.","input_schema":{{{Schema}}}}]}
            """;
        var body = Encode(Anthropic(anthropic));
        var input = body["input"]!.AsArray();
        var recorded = Recorded(1)["input"]!.AsArray();
        Assert.Equal(3, input.Count);
        Assert.True(JsonNode.DeepEquals(recorded[0], input[0]));
        Assert.True(JsonNode.DeepEquals(recorded[2], input[2]));
        Assert.Equal("function_call", (string?)input[1]!["type"]);
        Assert.Equal(CallId, (string?)input[1]!["call_id"]);
        Assert.Equal(1231, JsonNode.Parse((string)input[1]!["arguments"]!)!["a"]!.GetValue<int>());
        Assert.Equal(1024, (int)body["max_output_tokens"]!);
    }

    [Fact]
    public void Encode_ChatRequest_MapsEveryField()
    {
        var body = Encode(Chat("""
            {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"Use metric."},
              {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
              {"role":"assistant","content":"A cat."},{"role":"user","content":"Sure?"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{},"additionalProperties":false},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}},
             "max_completion_tokens":300,"temperature":0.5,"top_p":0.9,"stop":["END"],"stream":true,"user":"u1"}
            """));

        Assert.Equal("Be brief.\n\nUse metric.", (string?)body["instructions"]);
        var input = body["input"]!.AsArray();
        Assert.Equal(3, input.Count);
        Assert.Equal("input_text", (string?)input[0]!["content"]![0]!["type"]);
        Assert.Equal("input_image", (string?)input[0]!["content"]![1]!["type"]);
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", (string?)input[0]!["content"]![1]!["image_url"]);
        Assert.Equal("low", (string?)input[0]!["content"]![1]!["detail"]);
        Assert.Equal("assistant", (string?)input[1]!["role"]);
        Assert.Equal("output_text", (string?)input[1]!["content"]![0]!["type"]);
        Assert.Equal("A cat.", (string?)input[1]!["content"]![0]!["text"]);
        Assert.Equal("Sure?", (string?)input[2]!["content"]);
        Assert.True((bool)body["tools"]![0]!["strict"]!);
        Assert.Equal("f", (string?)body["tools"]![0]!["name"]);
        Assert.Equal("function", (string?)body["tool_choice"]!["type"]);
        Assert.Equal("f", (string?)body["tool_choice"]!["name"]);
        Assert.False((bool)body["parallel_tool_calls"]!);
        Assert.Equal("json_schema", (string?)body["text"]!["format"]!["type"]);
        Assert.Equal("answer", (string?)body["text"]!["format"]!["name"]);
        Assert.True((bool)body["text"]!["format"]!["strict"]!);
        Assert.Equal(300, (int)body["max_output_tokens"]!);
        Assert.Equal(0.5, (double)body["temperature"]!);
        Assert.Equal(0.9, (double)body["top_p"]!);
        Assert.Null(body["stop"]); // no Responses field: dropped, as documented
        Assert.True((bool)body["stream"]!);
        Assert.False((bool)body["store"]!);
        Assert.Null(body["reasoning"]);
        Assert.Null(body["include"]);
        Assert.Equal("u1", (string?)body["user"]);
    }

    [Fact]
    public void Encode_ClientAskedForStorage_StoresAndAsksForNoEncryptedReasoning()
    {
        var body = Encode(Chat("""{"model":"m","store":true,"reasoning_effort":"high","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.True((bool)body["store"]!);
        Assert.Equal("high", (string?)body["reasoning"]!["effort"]);
        Assert.Null(body["reasoning"]!["summary"]);
        Assert.Null(body["include"]);
    }

    [Fact]
    public void Encode_AnthropicThinking_AsksForEffortSummaryAndEncryptedReasoning()
    {
        var body = Encode(Anthropic("""
            {"model":"m","max_tokens":8000,"thinking":{"type":"enabled","budget_tokens":4096},"tool_choice":{"type":"any"},
             "tools":[{"name":"t","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}
            """));
        Assert.Equal("medium", (string?)body["reasoning"]!["effort"]);
        Assert.Equal("auto", (string?)body["reasoning"]!["summary"]);
        Assert.Equal("reasoning.encrypted_content", (string?)body["include"]![0]);
        Assert.Equal("required", (string?)body["tool_choice"]);
    }

    [Fact]
    public void Encode_ThinkingDisabled_SendsNoReasoning()
    {
        var body = Encode(Anthropic("""{"model":"m","max_tokens":10,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Null(body["reasoning"]);
        Assert.Null(body["include"]);
    }

    [Fact]
    public void Encode_ErrorToolResultWithImage_KeepsBothInTheOutput()
    {
        var body = Encode(Anthropic("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"draw"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"draw","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,"content":[{"type":"text","text":"bad"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},{"type":"text","text":"why?"}]}]}
            """));
        var input = body["input"]!.AsArray();
        Assert.Equal(4, input.Count);
        var output = input[2]!["output"]!.AsArray();
        Assert.Equal("function_call_output", (string?)input[2]!["type"]);
        Assert.Equal("Error", (string?)output[0]!["text"]);
        Assert.Equal("bad", (string?)output[1]!["text"]);
        Assert.Equal("data:image/png;base64,AAAA", (string?)output[2]!["image_url"]);
        Assert.Equal("why?", (string?)input[3]!["content"]);
    }
}
