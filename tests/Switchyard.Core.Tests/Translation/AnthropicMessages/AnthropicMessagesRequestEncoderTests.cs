using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

/// <summary>IR from other client protocols (OpenAI-shaped conversations) → Anthropic's stricter request rules.</summary>
public class AnthropicMessagesRequestEncoderTests
{
    private static JsonNode Encode(IrRequest request) => JsonNode.Parse(AnthropicMessagesUpstreamCodec.Instance.EncodeRequest(request, "claude-test"))!;

    private static JsonElement Json(string json) => JsonElement.Parse(json);

    private static IrRequest OpenAIStyleToolConversation()
    {
        var r = new IrRequest { Model = "alias" };
        r.System.Add(new IrTextPart("be brief"));
        r.Messages.Add(new IrMessage(IrRole.Developer, [new IrTextPart("answer in French")]));
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("weather in Paris and Rome?")]));
        r.Messages.Add(new IrMessage(IrRole.Assistant,
        [
            new IrThinkingPart("unsigned reasoning from another vendor"),
            new IrTextPart(""),
            new IrToolCallPart("call_1", "weather", "{\"city\":\"Paris\"}"),
            new IrToolCallPart("call_2", "weather", "{\"city\":\"Rome\"}"),
        ]));
        r.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("call_1", [new IrTextPart("18C")])]));
        r.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("call_2", [new IrTextPart("boom")]) { IsError = true }]));
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("and tomorrow?")]));
        r.Tools.Add(new IrTool("weather", "Weather by city", null));
        return r;
    }

    [Fact]
    public void EncodeRequest_OpenAIStyleConversation_FollowsAnthropicTurnRules()
    {
        var body = Encode(OpenAIStyleToolConversation());

        var expected = JsonNode.Parse("""
            {"model":"claude-test","max_tokens":4096,
             "system":[{"type":"text","text":"be brief"},{"type":"text","text":"answer in French"}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"weather in Paris and Rome?"}]},
               {"role":"assistant","content":[
                 {"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}},
                 {"type":"tool_use","id":"call_2","name":"weather","input":{"city":"Rome"}}]},
               {"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
                 {"type":"tool_result","tool_use_id":"call_2","content":"boom","is_error":true},
                 {"type":"text","text":"and tomorrow?"}]}],
             "tools":[{"name":"weather","description":"Weather by city","input_schema":{"type":"object"}}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
    }

    [Fact]
    public void EncodeRequest_TextBeforeToolResultsInOneTurn_PutsResultsFirst()
    {
        var r = new IrRequest();
        r.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart("t1", "f", "{}")]));
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("note"), new IrToolResultPart("t1", [])]));

        var content = Encode(r)["messages"]![1]!["content"]!.AsArray();

        Assert.Equal(["tool_result", "text"], content.Select(b => (string?)b!["type"]));
        Assert.Null(content[0]!["content"]);
    }

    [Theory]
    [InlineData(IrToolChoiceKind.Auto, null, """{"type":"auto","disable_parallel_tool_use":true}""")]
    [InlineData(IrToolChoiceKind.Required, null, """{"type":"any","disable_parallel_tool_use":true}""")]
    [InlineData(IrToolChoiceKind.Named, "f", """{"type":"tool","name":"f","disable_parallel_tool_use":true}""")]
    [InlineData(IrToolChoiceKind.None, null, """{"type":"none"}""")]
    public void EncodeRequest_ToolChoiceWithoutParallelCalls_MapsToAnthropicChoice(IrToolChoiceKind kind, string? name, string expected)
    {
        var r = new IrRequest { ToolChoice = new IrToolChoice(kind, name), ParallelToolCalls = false };
        r.Tools.Add(new IrTool("f", null, Json("""{"type":"object","properties":{}}""")));
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("x")]));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), Encode(r)["tool_choice"]));
    }

    [Fact]
    public void EncodeRequest_ToolChoiceWithoutTools_IsOmitted()
    {
        var r = new IrRequest { ToolChoice = IrToolChoice.None };
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("x")]));

        var body = Encode(r);

        Assert.Null(body["tool_choice"]);
        Assert.Null(body["tools"]);
    }

    [Theory]
    [InlineData("minimal", null, 1024)]
    [InlineData("low", null, 2048)]
    [InlineData("medium", null, 8192)]
    [InlineData("high", null, 24576)]
    [InlineData(null, 500, 1024)]
    [InlineData(null, 3000, 3000)]
    [InlineData(null, -1, 8192)]
    public void EncodeRequest_Reasoning_BecomesAThinkingBudgetBelowMaxTokens(string? effort, int? budget, int expected)
    {
        var r = new IrRequest { MaxTokens = 2000, Reasoning = new IrReasoning { Effort = effort, BudgetTokens = budget } };
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("x")]));

        var body = Encode(r);

        Assert.Equal(expected, (int)body["thinking"]!["budget_tokens"]!);
        Assert.Equal(expected >= 2000 ? expected + 4096 : 2000, (int)body["max_tokens"]!);
    }

    [Theory]
    [InlineData("none", null, true)]
    [InlineData(null, 0, true)]
    [InlineData("high", null, false)]
    public void EncodeRequest_ReasoningOff_SendsNoThinking(string? effort, int? budget, bool enabled)
    {
        var r = new IrRequest { Reasoning = new IrReasoning { Effort = effort, BudgetTokens = budget, Enabled = enabled } };
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("x")]));

        Assert.Null(Encode(r)["thinking"]);
    }

    [Fact]
    public void EncodeRequest_JsonSchema_BecomesOutputConfigFormat()
    {
        var schema = """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}""";
        var r = new IrRequest { ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonSchema) { Schema = Json(schema), SchemaName = "x", Strict = true } };
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("x")]));

        var format = Encode(r)["output_config"]!["format"]!;

        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(schema), format["schema"]));
    }

    [Fact]
    public void EncodeRequest_JsonObject_IsATranslationError()
    {
        var r = new IrRequest { ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonObject) };
        r.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("x")]));

        var ex = Assert.Throws<TranslationException>(() => Encode(r));
        Assert.Contains("json_object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeRequest_ImagesAndSamplingAndUser_AreCarried()
    {
        var r = new IrRequest { Temperature = 0.2, TopP = 0.9, TopK = 5, User = "u-1", Stream = true };
        r.StopSequences.Add("END");
        r.Messages.Add(new IrMessage(IrRole.User,
        [
            new IrImagePart { Url = "https://example.com/a.png" },
            new IrImagePart { Base64 = "iVBORw0KGgoAAAANSUhEUg==" },
            new IrTextPart("what is this?") { CacheControl = Json("""{"type":"ephemeral"}""") },
        ]));

        var body = Encode(r);

        var content = body["messages"]![0]!["content"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"url","url":"https://example.com/a.png"}"""), content[0]!["source"]));
        Assert.Equal("image/png", (string?)content[1]!["source"]!["media_type"]);
        Assert.Equal("ephemeral", (string?)content[2]!["cache_control"]!["type"]);
        Assert.Equal(0.2, (double)body["temperature"]!);
        Assert.Equal(0.9, (double)body["top_p"]!);
        Assert.Equal(5, (int)body["top_k"]!);
        Assert.Equal("END", (string?)body["stop_sequences"]![0]);
        Assert.Equal("u-1", (string?)body["metadata"]!["user_id"]);
        Assert.True((bool)body["stream"]!);
    }
}
