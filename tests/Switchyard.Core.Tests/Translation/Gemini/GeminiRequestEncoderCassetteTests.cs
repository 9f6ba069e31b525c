using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.Gemini;

namespace Switchyard.Core.Tests.Translation.Gemini;

/// <summary>IR built to mirror requests recorded against the real API; the encoded body must say the same thing.</summary>
public class GeminiRequestEncoderCassetteTests
{
    internal static JsonElement Encode(IrRequest request, string model)
    {
        using var doc = JsonDocument.Parse(GeminiUpstreamCodec.Instance.EncodeRequest(request, model));
        return doc.RootElement.Clone();
    }

    private static JsonElement Parts(JsonElement body, int turn) => body.GetProperty("contents")[turn].GetProperty("parts");

    private static JsonElement Schema(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static void AssertContents(JsonElement recorded, JsonElement encoded)
    {
        var expected = GeminiCassettes.NormalizedContents(recorded);
        var actual = JsonNode.Parse(encoded.GetProperty("contents").GetRawText())!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Fact]
    public void EncodeRequest_LlmGeminiToolLoop_MatchesRecordedContents()
    {
        var recorded = GeminiCassettes.RequestBody("llmgem__test_tools.yaml", 2);
        var call1 = Parts(recorded, 1)[0];
        var call2 = Parts(recorded, 3)[0];
        var id1 = call1.GetProperty("function_call").GetProperty("id").GetString()!;
        var id2 = call2.GetProperty("function_call").GetProperty("id").GetString()!;
        var declared = recorded.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        var name = declared.GetProperty("name").GetString()!;
        var request = new IrRequest { Reasoning = new IrReasoning() };
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart(Parts(recorded, 0)[0].GetProperty("text").GetString()!)]));
        request.Messages.Add(new IrMessage(IrRole.Assistant,
            [new IrThinkingPart("") { Signature = call1.GetProperty("thoughtSignature").GetString() }, new IrToolCallPart(id1, name, "{}")]));
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart(id1, [new IrTextPart("Charles")])]));
        request.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart(id2, name, "{}")]));
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart(id2, [new IrTextPart("Sammy")])]));
        request.Tools.Add(new IrTool(name, null, declared.GetProperty("parameters").Clone()));

        var body = Encode(request, "gemini-2.5-flash");

        AssertContents(recorded, body);
        Assert.True(GeminiFixtures.JsonEquals(recorded.GetProperty("generationConfig"), body.GetProperty("generationConfig")));
        var tool = body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.Equal(name, tool.GetProperty("name").GetString());
        Assert.False(tool.TryGetProperty("description", out _));
        Assert.True(GeminiFixtures.JsonEquals(declared.GetProperty("parameters"), tool.GetProperty("parametersJsonSchema")));
    }

    [Fact]
    public void EncodeRequest_Gemini3SignedCallWithoutIds_MatchesRecordedContents()
    {
        var recorded = GeminiCassettes.RequestBody("llmgem__test_tools_with_gemini_3_thought_signatures.yaml", 1);
        var callPart = Parts(recorded, 1)[1];
        var call = callPart.GetProperty("function_call");
        var declared = recorded.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        var name = call.GetProperty("name").GetString()!;
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart(Parts(recorded, 0)[0].GetProperty("text").GetString()!)]));
        request.Messages.Add(new IrMessage(IrRole.Assistant,
        [
            new IrTextPart(""),
            new IrThinkingPart("") { Signature = callPart.GetProperty("thoughtSignature").GetString() },
            new IrToolCallPart("", name, call.GetProperty("args").GetRawText()),
        ]));
        var output = Parts(recorded, 2)[0].GetProperty("function_response").GetProperty("response").GetProperty("output").GetString()!;
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("", [new IrTextPart(output)]) { Name = name }]));
        request.Tools.Add(new IrTool(name, declared.GetProperty("description").GetString(), declared.GetProperty("parameters").Clone()));

        var body = Encode(request, "gemini-3-flash-preview");

        AssertContents(recorded, body);
        Assert.False(body.TryGetProperty("generationConfig", out _));
        var tool = body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.Equal(declared.GetProperty("description").GetString(), tool.GetProperty("description").GetString());
    }

    [Fact]
    public void EncodeRequest_PydanticToolLoopWithSystem_MatchesRecordedContentsAndSystem()
    {
        var recorded = GeminiCassettes.RequestBody("pydai__test_google_model_iter_stream.yaml", 2);
        var request = new IrRequest();
        request.System.Add(new IrTextPart(recorded.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString()!));
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart(Parts(recorded, 0)[0].GetProperty("text").GetString()!)]));
        for (var turn = 1; turn < recorded.GetProperty("contents").GetArrayLength(); turn += 2)
        {
            var call = Parts(recorded, turn)[0].GetProperty("functionCall");
            var id = call.GetProperty("id").GetString()!;
            request.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart(id, call.GetProperty("name").GetString()!, call.GetProperty("args").GetRawText())]));
            var result = Parts(recorded, turn + 1)[0].GetProperty("functionResponse").GetProperty("response").GetProperty("return_value").GetString()!;
            request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart(id, [new IrTextPart(result)])]));
        }

        foreach (var declared in recorded.GetProperty("tools")[0].GetProperty("functionDeclarations").EnumerateArray())
        {
            var property = declared.GetProperty("parameters").GetProperty("properties").EnumerateObject().Single();
            request.Tools.Add(new IrTool(declared.GetProperty("name").GetString()!, declared.GetProperty("description").GetString(),
                Schema($$$"""{"type":"object","properties":{"{{{property.Name}}}":{"type":"string","description":"{{{property.Value.GetProperty("description").GetString()}}}"}},"required":["{{{property.Name}}}"]}""")));
        }

        var body = Encode(request, "gemini-2.0-flash");

        AssertContents(recorded, body);
        Assert.True(GeminiFixtures.JsonEquals(recorded.GetProperty("systemInstruction").GetProperty("parts"), body.GetProperty("systemInstruction").GetProperty("parts")));
        Assert.Empty(recorded.GetProperty("generationConfig").EnumerateObject());
        Assert.False(body.TryGetProperty("generationConfig", out _));
        var names = body.GetProperty("tools")[0].GetProperty("functionDeclarations").EnumerateArray().Select(d => d.GetProperty("name").GetString());
        Assert.Equal(recorded.GetProperty("tools")[0].GetProperty("functionDeclarations").EnumerateArray().Select(d => d.GetProperty("name").GetString()), names);
    }

    [Fact]
    public void EncodeRequest_PydanticGemini3SignedCall_SignatureAndJsonSchemaAsRecorded()
    {
        var recorded = GeminiCassettes.RequestBody("pydai__test_google_streaming_tool_call_thought_signature.yaml", 1);
        var callPart = Parts(recorded, 1)[0];
        var call = callPart.GetProperty("functionCall");
        var id = call.GetProperty("id").GetString()!;
        var declared = recorded.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart(Parts(recorded, 0)[0].GetProperty("text").GetString()!)]));
        request.Messages.Add(new IrMessage(IrRole.Assistant,
        [
            new IrThinkingPart("") { Signature = callPart.GetProperty("thoughtSignature").GetString() },
            new IrToolCallPart(id, call.GetProperty("name").GetString()!, "{}"),
        ]));
        var result = Parts(recorded, 2)[0].GetProperty("functionResponse").GetProperty("response").GetProperty("return_value").GetString()!;
        request.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart(id, [new IrTextPart(result)])]));
        request.Tools.Add(new IrTool(declared.GetProperty("name").GetString()!, "", declared.GetProperty("parameters_json_schema").Clone()));

        var body = Encode(request, "gemini-3-pro-preview");

        AssertContents(recorded, body);
        var tool = body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.True(GeminiFixtures.JsonEquals(declared.GetProperty("parameters_json_schema"), tool.GetProperty("parametersJsonSchema")));
    }

    [Fact]
    public void EncodeRequest_PydanticThinkingRequest_SystemAndThinkingConfigAsRecorded()
    {
        var recorded = GeminiCassettes.RequestBody("pydai__test_google_model_thinking_part_iter.yaml", 0);
        var request = new IrRequest { Reasoning = new IrReasoning() };
        request.System.Add(new IrTextPart(recorded.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString()!));
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart(Parts(recorded, 0)[0].GetProperty("text").GetString()!)]));

        var body = Encode(request, "gemini-2.5-pro");

        AssertContents(recorded, body);
        Assert.True(GeminiFixtures.JsonEquals(recorded.GetProperty("generationConfig"), body.GetProperty("generationConfig")));
        Assert.True(GeminiFixtures.JsonEquals(recorded.GetProperty("systemInstruction").GetProperty("parts"), body.GetProperty("systemInstruction").GetProperty("parts")));
    }

    [Fact]
    public void EncodeRequest_DecodedAnswerSentBack_SignaturesReturnToTheirParts()
    {
        // Round trip: the recorded Gemini 3 answer, decoded, then sent back as history, carries each signature on
        // the same part it arrived on.
        Assert.True(GeminiUpstreamCodec.Instance.TryDecodeResponse(GeminiFixtures.Bytes("llmgem__test_tools.0.json"), out var answer, out _));
        var request = new IrRequest();
        request.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("Two names for a pet pelican")]));
        request.Messages.Add(new IrMessage(IrRole.Assistant, answer!.Content));

        var body = Encode(request, "gemini-2.5-flash");

        var oracle = new GeminiOracle(GeminiFixtures.Chunks("llmgem__test_tools.0.json"));
        var part = Assert.Single(Parts(body, 1).EnumerateArray()); // the unsigned thought summary is not sent back
        Assert.Equal(oracle.Signatures[0], part.GetProperty("thoughtSignature").GetString());
        Assert.Equal(oracle.Calls[0].Name, part.GetProperty("functionCall").GetProperty("name").GetString());
    }
}
