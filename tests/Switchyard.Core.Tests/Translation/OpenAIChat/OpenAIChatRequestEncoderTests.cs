using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

/// <summary>IR shaped as other client protocols produce it (Anthropic-style turns) → chat completions.</summary>
public class OpenAIChatRequestEncoderTests
{
    private static JsonElement Encode(IrRequest request, OpenAIChatUpstreamCodec? codec = null)
        => JsonDocument.Parse((codec ?? OpenAIChatUpstreamCodec.Instance).EncodeRequest(request, "up-model")).RootElement;

    private static IrRequest User(params IrPart[] parts)
    {
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User, parts));
        return request;
    }

    [Fact]
    public void EncodeRequest_SeveralInstructions_OneSystemMessageJoinedInOrder()
    {
        var request = User(new IrTextPart("hi"));
        request.System.Add(new IrTextPart("A"));
        request.System.Add(new IrTextPart("B"));
        var messages = Encode(request).GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("A\n\nB", messages[0].GetProperty("content").GetString());
        Assert.Equal("up-model", Encode(request).GetProperty("model").GetString());
    }

    [Fact]
    public void EncodeRequest_ToolResultsInsideAUserTurn_BecomeToolMessagesFirst()
    {
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.Assistant,
        [
            new IrThinkingPart("t") { Signature = "sig" },
            new IrToolCallPart("toolu_1", "f", "{\"a\":1}"),
        ]));
        request.Messages.Add(new IrMessage(IrRole.User,
        [
            new IrTextPart("and also"),
            new IrToolResultPart("toolu_1", [new IrTextPart("boom")]) { IsError = true },
            new IrToolResultPart("toolu_2", [new IrTextPart("line1"), new IrTextPart("line2")]),
        ]));
        var messages = Encode(request).GetProperty("messages");

        Assert.Equal(4, messages.GetArrayLength());
        var assistant = messages[0];
        Assert.Equal(JsonValueKind.Null, assistant.GetProperty("content").ValueKind);
        Assert.False(assistant.TryGetProperty("reasoning_content", out _)); // thinking does not go back upstream
        Assert.Equal("toolu_1", assistant.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("{\"a\":1}", assistant.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(("tool", "toolu_1", "Error: boom"), (messages[1].GetProperty("role").GetString(), messages[1].GetProperty("tool_call_id").GetString(), messages[1].GetProperty("content").GetString()));
        Assert.Equal("line1\nline2", messages[2].GetProperty("content").GetString());
        Assert.Equal(("user", "and also"), (messages[3].GetProperty("role").GetString(), messages[3].GetProperty("content").GetString()));
    }

    [Fact]
    public void EncodeRequest_ImageInAToolResult_FollowsAsAUserImage()
    {
        var request = User(new IrToolResultPart("c1", [new IrTextPart("shot"), new IrImagePart { Base64 = "QUJD", MediaType = "image/png" }]));
        var messages = Encode(request).GetProperty("messages");
        Assert.Equal("shot", messages[0].GetProperty("content").GetString());
        var image = messages[1].GetProperty("content")[0];
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal("data:image/png;base64,QUJD", image.GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void EncodeRequest_Images_UrlAndInlineData()
    {
        var messages = Encode(User(new IrTextPart("what"), new IrImagePart { Url = "https://x.test/a.png", Detail = "high" }, new IrImagePart { Base64 = "QUJD", MediaType = "image/webp" })).GetProperty("messages");
        var content = messages[0].GetProperty("content");
        Assert.Equal("what", content[0].GetProperty("text").GetString());
        Assert.Equal("https://x.test/a.png", content[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("high", content[1].GetProperty("image_url").GetProperty("detail").GetString());
        Assert.Equal("data:image/webp;base64,QUJD", content[2].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void EncodeRequest_ForeignUnknownContentFromTheUser_RefusedNotDropped()
    {
        var raw = JsonDocument.Parse("{\"type\":\"document\",\"source\":{}}").RootElement;
        var ex = Assert.Throws<TranslationException>(() => Encode(User(new IrUnknownPart("anthropic", "document", raw))));
        Assert.Contains("document", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, "low")]
    [InlineData(1025, "medium")]
    [InlineData(8192, "medium")]
    [InlineData(8193, "high")]
    public void EncodeRequest_ThinkingBudget_MappedToEffortByTheTable(int budget, string effort)
    {
        var request = User(new IrTextPart("x"));
        request.Reasoning = new IrReasoning { BudgetTokens = budget };
        Assert.Equal(effort, Encode(request).GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public void EncodeRequest_ThinkingOff_NoEffortSent()
    {
        var request = User(new IrTextPart("x"));
        request.Reasoning = new IrReasoning { BudgetTokens = 5000, Enabled = false };
        Assert.False(Encode(request).TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public void EncodeRequest_Parameters_Written()
    {
        var request = User(new IrTextPart("x"));
        request.MaxTokens = 100;
        request.Temperature = 0.5;
        request.TopP = 0.8;
        request.TopK = 40;
        request.StopSequences.Add("###");
        request.Stream = true;
        request.ToolChoice = IrToolChoice.Required;
        request.ParallelToolCalls = true;
        request.Tools.Add(new IrTool("f", null, JsonDocument.Parse("{\"type\":\"object\"}").RootElement) { Strict = true });
        request.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonSchema) { Schema = JsonDocument.Parse("{\"type\":\"object\"}").RootElement };
        request.User = "u";
        var body = Encode(request);

        Assert.Equal(100, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.8, body.GetProperty("top_p").GetDouble());
        Assert.False(body.TryGetProperty("top_k", out _));
        Assert.Equal("###", body.GetProperty("stop")[0].GetString());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("required", body.GetProperty("tool_choice").GetString());
        Assert.True(body.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("object", body.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.Equal("response", body.GetProperty("response_format").GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal("u", body.GetProperty("user").GetString());
        Assert.Equal(100, Encode(request, OpenAIChatUpstreamCodec.WithMaxCompletionTokens).GetProperty("max_completion_tokens").GetInt32());
        Assert.False(Encode(request, OpenAIChatUpstreamCodec.WithMaxCompletionTokens).TryGetProperty("max_tokens", out _));
    }
}
