using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

public class OpenAIChatRequestDecoderTests
{
    private static IrRequest Decode(string json)
    {
        Assert.True(OpenAIChatClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request!;
    }

    private static IrError Refuse(string json)
    {
        Assert.False(OpenAIChatClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(json), out var request, out var error));
        Assert.Null(request);
        Assert.Equal(400, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
        return error;
    }

    [Fact]
    public void TryDecodeRequest_SystemAndDeveloperAnywhere_AllInstructionsInOrder()
    {
        var request = Decode("""
            {"model":"m","messages":[
              {"role":"system","content":"A"},
              {"role":"developer","content":[{"type":"text","text":"B"},{"type":"text","text":"C"}]},
              {"role":"user","content":"hi"},
              {"role":"system","content":"D"}]}
            """);
        Assert.Equal(["A", "B", "C", "D"], request.System.Select(s => s.Text));
        Assert.Equal(IrRole.User, Assert.Single(request.Messages).Role);
    }

    [Fact]
    public void TryDecodeRequest_UserParts_TextImagesByUrlAndDataAndUnknownKeptRaw()
    {
        var request = Decode("""
            {"messages":[{"role":"user","name":"ann","content":[
              {"type":"text","text":"look"},
              {"type":"image_url","image_url":{"url":"https://x.test/a.png","detail":"low"}},
              {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,QUJD"}},
              {"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]}]}
            """);
        var message = Assert.Single(request.Messages);
        Assert.Equal("ann", message.Name);
        Assert.Equal("look", Assert.IsType<IrTextPart>(message.Parts[0]).Text);
        var byUrl = Assert.IsType<IrImagePart>(message.Parts[1]);
        Assert.Equal(("https://x.test/a.png", "low"), (byUrl.Url, byUrl.Detail));
        var inline = Assert.IsType<IrImagePart>(message.Parts[2]);
        Assert.Equal((null, "QUJD", "image/jpeg"), (inline.Url, inline.Base64, inline.MediaType));
        var audio = Assert.IsType<IrUnknownPart>(message.Parts[3]);
        Assert.Equal("input_audio", audio.Type);
        Assert.Equal("wav", audio.Raw.GetProperty("input_audio").GetProperty("format").GetString());
    }

    [Fact]
    public void TryDecodeRequest_AssistantHistory_ThinkingTextAndToolCallsInOrder_ToolResultsSeparate()
    {
        var request = Decode("""
            {"messages":[
              {"role":"user","content":"q"},
              {"role":"assistant","content":"checking","reasoning_content":"think","tool_calls":[
                {"id":"c1","type":"function","function":{"name":"a","arguments":"{\"x\":1}"}},
                {"id":"c2","type":"function","function":{"name":"b","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"one"},
              {"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"two"}]}]}
            """);
        var assistant = request.Messages[1];
        Assert.Equal("think", Assert.IsType<IrThinkingPart>(assistant.Parts[0]).Text);
        Assert.Equal("checking", Assert.IsType<IrTextPart>(assistant.Parts[1]).Text);
        Assert.Equal(new IrToolCallPart("c1", "a", "{\"x\":1}"), assistant.Parts[2]);
        Assert.Equal(new IrToolCallPart("c2", "b", "{}"), assistant.Parts[3]);
        Assert.Equal(4, request.Messages.Count);
        foreach (var (message, id, text) in new[] { (request.Messages[2], "c1", "one"), (request.Messages[3], "c2", "two") })
        {
            Assert.Equal(IrRole.Tool, message.Role);
            var result = Assert.IsType<IrToolResultPart>(Assert.Single(message.Parts));
            Assert.Equal(id, result.ToolCallId);
            Assert.Equal(text, Assert.IsType<IrTextPart>(Assert.Single(result.Content)).Text);
        }
    }

    [Fact]
    public void TryDecodeRequest_Parameters_AllCarried()
    {
        var request = Decode("""
            {"model":"m","messages":[{"role":"user","content":"x"}],
             "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
             "max_tokens":10,"max_completion_tokens":20,"temperature":0.2,"top_p":0.9,"stop":"END",
             "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"},"strict":true}},
             "reasoning_effort":"high","stream":true,"stream_options":{"include_usage":true},"user":"u1"}
            """);
        var tool = Assert.Single(request.Tools);
        Assert.Equal(("f", "d", true), (tool.Name, tool.Description, tool.Strict));
        Assert.Equal("object", tool.ParametersSchema!.Value.GetProperty("type").GetString());
        Assert.Equal(new IrToolChoice(IrToolChoiceKind.Named, "f"), request.ToolChoice);
        Assert.False(request.ParallelToolCalls);
        Assert.Equal(20, request.MaxTokens);
        Assert.Equal((0.2, 0.9), (request.Temperature, request.TopP));
        Assert.Equal(["END"], request.StopSequences);
        Assert.Equal((IrResponseFormatKind.JsonSchema, "s", true), (request.ResponseFormat!.Kind, request.ResponseFormat.SchemaName, request.ResponseFormat.Strict));
        Assert.Equal("high", request.Reasoning!.Effort);
        Assert.True(request.Stream);
        Assert.Equal("u1", request.User);
    }

    [Theory]
    [InlineData("auto", IrToolChoiceKind.Auto)]
    [InlineData("none", IrToolChoiceKind.None)]
    [InlineData("required", IrToolChoiceKind.Required)]
    public void TryDecodeRequest_ToolChoiceString_Mapped(string value, IrToolChoiceKind kind)
        => Assert.Equal(kind, Decode($$"""{"messages":[{"role":"user","content":"x"}],"tool_choice":"{{value}}"}""").ToolChoice!.Kind);

    [Fact]
    public void TryDecodeRequest_ReasoningEffortNone_ThinkingOff()
        => Assert.False(Decode("""{"messages":[{"role":"user","content":"x"}],"reasoning_effort":"none"}""").Reasoning!.Enabled);

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"model\":\"m\"}", "'messages'")]
    [InlineData("{\"messages\":{}}", "'messages'")]
    [InlineData("{\"messages\":[{\"content\":\"x\"}]}", "role")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "content")]
    [InlineData("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "tool_call_id")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "'temperature'")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[1]}", "'stop'")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}", "'n'")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"custom\",\"custom\":{}}]}", "custom")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"sometimes\"}", "tool_choice")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png,abc\"}}]}]}", "base64")]
    [InlineData("{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x\"}}]}]}", "text parts")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} trailing", "not valid JSON")]
    public void TryDecodeRequest_InvalidBody_400NamingTheProblem(string json, string mention)
        => Assert.Contains(mention, Refuse(json).Message, StringComparison.Ordinal);
}
