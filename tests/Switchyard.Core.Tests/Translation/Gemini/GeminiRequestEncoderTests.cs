using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.Gemini;

namespace Switchyard.Core.Tests.Translation.Gemini;

public class GeminiRequestEncoderTests
{
    private static JsonElement Encode(IrRequest request, string model = "gemini-2.5-flash") => GeminiRequestEncoderCassetteTests.Encode(request, model);

    private static IrRequest UserSays(string text)
    {
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart(text)]));
        return request;
    }

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static IrRequest ToolHistory()
    {
        var request = UserSays("weather in Paris and Rome?");
        request.Messages.Add(new IrMessage(IrRole.Assistant,
            [new IrToolCallPart("c1", "weather", """{"city":"Paris"}"""), new IrToolCallPart("c2", "weather", """{"city":"Rome"}""")]));
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("c1", [new IrTextPart("""{"temp":21}""")])]));
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("c2", [new IrTextPart("no data")]) { IsError = true }]));
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("thanks")]));
        return request;
    }

    [Fact]
    public void EncodeRequest_ToolResults_OneUserTurnWithNamesFromTheCalls()
    {
        var body = Encode(ToolHistory());

        var contents = body.GetProperty("contents");
        Assert.Equal(["user", "model", "user"], contents.EnumerateArray().Select(c => c.GetProperty("role").GetString()));
        var parts = contents[2].GetProperty("parts");
        Assert.Equal(3, parts.GetArrayLength()); // both results and the follow-up text merged into one turn
        var ok = parts[0].GetProperty("functionResponse");
        Assert.Equal(("c1", "weather"), (ok.GetProperty("id").GetString(), ok.GetProperty("name").GetString()));
        Assert.Equal(21, ok.GetProperty("response").GetProperty("output").GetProperty("temp").GetInt32()); // JSON text → JSON
        var failed = parts[1].GetProperty("functionResponse").GetProperty("response");
        Assert.Equal("no data", failed.GetProperty("error").GetString());
        Assert.False(failed.TryGetProperty("output", out _));
        Assert.Equal("thanks", parts[2].GetProperty("text").GetString());
    }

    [Fact]
    public void EncodeRequest_Gemini3CallsWithoutSignature_FirstCallGetsThePlaceholder()
    {
        var parts = Encode(ToolHistory(), "gemini-3-pro-preview").GetProperty("contents")[1].GetProperty("parts");

        Assert.Equal(GeminiContentsEncoder.SkipSignatureValidator, parts[0].GetProperty("thoughtSignature").GetString());
        Assert.False(parts[1].TryGetProperty("thoughtSignature", out _));
        Assert.Equal("Paris", parts[0].GetProperty("functionCall").GetProperty("args").GetProperty("city").GetString());
    }

    [Theory]
    [InlineData("gemini-2.5-flash", false)]
    [InlineData("models/gemini-2.0-flash", false)]
    [InlineData("gemini-1.5-pro", false)]
    [InlineData("gemma-3-27b-it", false)]
    [InlineData("gemini-3-flash-preview", true)]
    [InlineData("gemini-flash-latest", true)]
    public void RequiresThoughtSignatures_ByModelFamily(string model, bool expected)
    {
        Assert.Equal(expected, GeminiRequestEncoder.RequiresThoughtSignatures(model));
    }

    [Fact]
    public void EncodeRequest_ThinkingParts_SignedTextAsThoughtUnsignedAndRedactedDropped()
    {
        var request = UserSays("hi");
        request.Messages.Add(new IrMessage(IrRole.Assistant,
        [
            new IrThinkingPart("unsigned summary"),
            new IrRedactedThinkingPart("opaque"),
            new IrThinkingPart("signed thought") { Signature = "S1" },
            new IrThinkingPart("") { Signature = "S2" },
            new IrTextPart("answer"),
            new IrThinkingPart("") { Signature = "S3" },
        ]));

        var parts = Encode(request).GetProperty("contents")[1].GetProperty("parts");

        Assert.Equal(3, parts.GetArrayLength());
        Assert.Equal(("signed thought", true, "S1"), (parts[0].GetProperty("text").GetString(), parts[0].GetProperty("thought").GetBoolean(), parts[0].GetProperty("thoughtSignature").GetString()));
        Assert.Equal(("answer", "S2"), (parts[1].GetProperty("text").GetString(), parts[1].GetProperty("thoughtSignature").GetString()));
        Assert.Equal(("", "S3"), (parts[2].GetProperty("text").GetString(), parts[2].GetProperty("thoughtSignature").GetString()));
    }

    [Fact]
    public void EncodeRequest_SystemAndDeveloperMessages_JoinSystemInstructionInOrder()
    {
        var request = new IrRequest();
        request.System.Add(new IrTextPart("one"));
        request.Messages.Add(new IrMessage(IrRole.Developer, [new IrTextPart("two")]));
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("a")]));
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("b")]));

        var body = Encode(request);

        Assert.Equal(["one", "two"], body.GetProperty("systemInstruction").GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        var turn = Assert.Single(body.GetProperty("contents").EnumerateArray());
        Assert.Equal(2, turn.GetProperty("parts").GetArrayLength());
    }

    [Theory]
    [InlineData(IrToolChoiceKind.Auto, "AUTO")]
    [InlineData(IrToolChoiceKind.None, "NONE")]
    [InlineData(IrToolChoiceKind.Required, "ANY")]
    [InlineData(IrToolChoiceKind.Named, "ANY")]
    public void EncodeRequest_ToolChoice_FunctionCallingMode(IrToolChoiceKind kind, string mode)
    {
        var request = UserSays("x");
        request.Tools.Add(new IrTool("lookup", "Looks up", Json("""{"type":"object","properties":{"q":{"type":"string"}},"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}""")));
        request.ToolChoice = new IrToolChoice(kind, kind == IrToolChoiceKind.Named ? "lookup" : null);

        var body = Encode(request);

        var config = body.GetProperty("toolConfig").GetProperty("functionCallingConfig");
        Assert.Equal(mode, config.GetProperty("mode").GetString());
        Assert.Equal(kind == IrToolChoiceKind.Named, config.TryGetProperty("allowedFunctionNames", out var names));
        if (kind == IrToolChoiceKind.Named)
        {
            Assert.Equal("lookup", Assert.Single(names.EnumerateArray()).GetString());
        }

        // The schema goes unchanged (JSON Schema keywords included) as parametersJsonSchema.
        var declared = body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.True(GeminiFixtures.JsonEquals(request.Tools[0].ParametersSchema!.Value, declared.GetProperty("parametersJsonSchema")));
    }

    [Fact]
    public void EncodeRequest_SamplingAndJsonSchema_InGenerationConfig()
    {
        var request = UserSays("x");
        request.MaxTokens = 300;
        request.Temperature = 0.2;
        request.TopP = 0.9;
        request.TopK = 40;
        request.StopSequences.Add("END");
        var schema = Json("""{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}""");
        request.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonSchema) { SchemaName = "s", Schema = schema };

        var config = Encode(request).GetProperty("generationConfig");

        Assert.Equal(300, config.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(0.2, config.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, config.GetProperty("topP").GetDouble());
        Assert.Equal(40, config.GetProperty("topK").GetInt32());
        Assert.Equal("END", Assert.Single(config.GetProperty("stopSequences").EnumerateArray()).GetString());
        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.True(GeminiFixtures.JsonEquals(schema, config.GetProperty("responseJsonSchema")));
    }

    [Fact]
    public void EncodeRequest_JsonObjectMode_MimeTypeOnly()
    {
        var request = UserSays("x");
        request.ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonObject);

        var config = Encode(request).GetProperty("generationConfig");

        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.False(config.TryGetProperty("responseJsonSchema", out _));
    }

    [Theory]
    [InlineData("minimal", null, true, 512)]
    [InlineData("low", null, true, 1024)]
    [InlineData("medium", null, true, 8192)]
    [InlineData("high", null, true, 24576)]
    [InlineData("high", 2048, true, 2048)]
    [InlineData(null, 4000, true, 4000)]
    [InlineData("none", null, true, 0)]
    [InlineData("high", null, false, 0)]
    public void EncodeRequest_Reasoning_ThinkingBudgetTable(string? effort, int? budget, bool enabled, int expected)
    {
        var request = UserSays("x");
        request.Reasoning = new IrReasoning { Effort = effort, BudgetTokens = budget, Enabled = enabled };

        var thinking = Encode(request).GetProperty("generationConfig").GetProperty("thinkingConfig");

        Assert.Equal(expected, thinking.GetProperty("thinkingBudget").GetInt32());
        Assert.Equal(expected > 0, thinking.TryGetProperty("includeThoughts", out var include) && include.GetBoolean());
    }

    [Fact]
    public void EncodeRequest_Images_InlineDataAndFileData()
    {
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User,
        [
            new IrImagePart { Base64 = "iVBORw0KGgo=", MediaType = "image/png" },
            new IrImagePart { Url = "https://example.com/cat.JPG?size=2" },
            new IrImagePart { Url = "https://example.com/render" },
        ]));

        var parts = Encode(request).GetProperty("contents")[0].GetProperty("parts");

        var inline = parts[0].GetProperty("inlineData");
        Assert.Equal(("image/png", "iVBORw0KGgo="), (inline.GetProperty("mimeType").GetString(), inline.GetProperty("data").GetString()));
        var file = parts[1].GetProperty("fileData");
        Assert.Equal(("image/jpeg", "https://example.com/cat.JPG?size=2"), (file.GetProperty("mimeType").GetString(), file.GetProperty("fileUri").GetString()));
        Assert.False(parts[2].GetProperty("fileData").TryGetProperty("mimeType", out _));
    }

    [Fact]
    public void EncodeRequest_InlineImageWithoutMediaType_Throws()
    {
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User, [new IrImagePart { Base64 = "AAAA" }]));

        Assert.Throws<TranslationException>(() => GeminiUpstreamCodec.Instance.EncodeRequest(request, "gemini-2.5-flash"));
    }

    [Fact]
    public void EncodeRequest_ToolResultForUnknownCall_ThrowsWithTheId()
    {
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("missing-7", [new IrTextPart("x")])]));

        var ex = Assert.Throws<TranslationException>(() => GeminiUpstreamCodec.Instance.EncodeRequest(request, "gemini-2.5-flash"));
        Assert.Contains("missing-7", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{\"a\":")]
    public void EncodeRequest_ToolCallArgumentsNotAnObject_Throws(string args)
    {
        var request = UserSays("x");
        request.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart("c", "f", args)]));

        Assert.Throws<TranslationException>(() => GeminiUpstreamCodec.Instance.EncodeRequest(request, "gemini-2.5-flash"));
    }

    [Fact]
    public void EncodeRequest_EmptyArguments_SentAsEmptyObject()
    {
        var request = UserSays("x");
        request.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart("c", "f", "")]));

        var call = Encode(request).GetProperty("contents")[1].GetProperty("parts")[0].GetProperty("functionCall");

        Assert.Empty(call.GetProperty("args").EnumerateObject());
    }

    [Fact]
    public void EncodeRequest_GeminiUnknownPart_WrittenBackRaw_OtherProtocolsDropped()
    {
        var raw = Json("""{"executableCode":{"language":"PYTHON","code":"print(1)"}}""");
        var request = UserSays("x");
        request.Messages.Add(new IrMessage(IrRole.Assistant,
            [new IrUnknownPart("gemini", "executableCode", raw), new IrUnknownPart("anthropic", "server_tool_use", raw), new IrTextPart("done")]));

        var parts = Encode(request).GetProperty("contents")[1].GetProperty("parts");

        Assert.Equal(2, parts.GetArrayLength());
        Assert.True(GeminiFixtures.JsonEquals(raw, parts[0]));
    }
}
