using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.BedrockConverse;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

public sealed class BedrockConverseRequestEncoderTests
{
    /// <summary>Every recorded request but the code-execution one (its Nova system tool has no IR form).</summary>
    public static IEnumerable<object[]> RecordedRequests()
    {
        foreach (var cassette in Directory.GetFiles(BedrockFixtureSupport.Directory, "pydai__*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (cassette!.Contains("code_execution", StringComparison.Ordinal))
            {
                continue;
            }

            var count = File.ReadAllLines(Path.Combine(BedrockFixtureSupport.Directory, cassette)).Count(l => l == "- request:");
            for (var i = 0; i < count; i++)
            {
                yield return [cassette, i];
            }
        }
    }

    [Theory]
    [MemberData(nameof(RecordedRequests))]
    public void EncodeRequest_IrOfARecordedRequest_SameConverseBodyTheClientSent(string cassette, int index)
    {
        var (uri, recorded) = BedrockFixtureSupport.CassetteRequest(cassette, index);
        var ir = ConverseRequestToIr.Read(recorded);

        var body = BedrockConverseUpstreamCodec.Instance.EncodeRequest(ir, BedrockFixtureSupport.ModelId(uri));

        var expected = JsonNode.Parse(recorded.GetRawText())!.AsObject();
        var actual = JsonNode.Parse(body)!.AsObject();
        // pydantic-ai always sends these two, empty when unused; the encoder leaves empty sections out.
        if (expected["system"] is JsonArray { Count: 0 })
        {
            expected.Remove("system");
        }

        if (ir.Reasoning is not null && expected["inferenceConfig"]?["maxTokens"] is null)
        {
            // Claude thinking needs maxTokens above budget_tokens; the client left it to Bedrock's default.
            Assert.Equal(BedrockConverseRequestEncoder.DefaultMaxTokensWithThinking, (int)actual["inferenceConfig"]!["maxTokens"]!);
            actual["inferenceConfig"]!.AsObject().Remove("maxTokens");
        }

        foreach (var obj in new[] { expected, actual })
        {
            if (obj["inferenceConfig"] is JsonObject { Count: 0 })
            {
                obj.Remove("inferenceConfig");
            }
        }

        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Fact]
    public void EncodeRequest_ToolResultsAfterUserText_ToolResultsFirstInOneUserTurn()
    {
        var ir = new IrRequest();
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("hi")]));
        ir.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart("c1", "f", "{\"a\":1}"), new IrToolCallPart("c2", "f", "")]));
        ir.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("c1", [new IrTextPart("one")])]));
        ir.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("c2", [new IrTextPart("two")]) { IsError = true }]));
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("and?"), new IrTextPart("")]));
        ir.Tools.Add(new IrTool("f", null, null));

        var body = Encode(ir, "amazon.nova-micro-v1:0");

        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string)m!["role"]!));
        Assert.Equal("""[{"toolResult":{"toolUseId":"c1","content":[{"text":"one"}],"status":"success"}},{"toolResult":{"toolUseId":"c2","content":[{"text":"two"}],"status":"error"}},{"text":"and?"}]""", messages[2]!["content"]!.ToJsonString());
        Assert.Equal("""{"a":1}""", messages[1]!["content"]![0]!["toolUse"]!["input"]!.ToJsonString());
        Assert.Equal("{}", messages[1]!["content"]![1]!["toolUse"]!["input"]!.ToJsonString());
        Assert.Equal("""{"type":"object","properties":{}}""", body["toolConfig"]!["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!.ToJsonString());
    }

    [Fact]
    public void EncodeRequest_SystemAndDeveloperMessages_MovedToSystemAfterTheInstructions()
    {
        var ir = new IrRequest();
        ir.System.Add(new IrTextPart("first") { CacheControl = JsonDocument.Parse("""{"type":"ephemeral"}""").RootElement });
        ir.Messages.Add(new IrMessage(IrRole.Developer, [new IrTextPart("second")]));
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));

        var body = Encode(ir, "anthropic.claude-3-haiku-20240307-v1:0");

        Assert.Equal("""[{"text":"first"},{"cachePoint":{"type":"default"}},{"text":"second"}]""", body["system"]!.ToJsonString());
        Assert.Single(body["messages"]!.AsArray());
    }

    [Fact]
    public void EncodeRequest_ImageByUrl_TranslationException()
    {
        var ir = new IrRequest();
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrImagePart { Url = "https://example.com/cat.png" }]));

        var e = Assert.Throws<Switchyard.Core.Translation.TranslationException>(() => BedrockConverseUpstreamCodec.Instance.EncodeRequest(ir, "amazon.nova-lite-v1:0"));
        Assert.Contains("base64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeRequest_InlineImage_ImageBlockWithFormatAndBytes()
    {
        var ir = new IrRequest();
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrImagePart { Base64 = "iVBORw0KGgo=", MediaType = "image/png" }, new IrTextPart("what is it?")]));

        var body = Encode(ir, "amazon.nova-lite-v1:0");

        Assert.Equal("""{"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}""", body["messages"]![0]!["content"]![0]!.ToJsonString());
    }

    [Theory]
    [InlineData("auto", """{"auto":{}}""")]
    [InlineData("required", """{"any":{}}""")]
    [InlineData("named", """{"tool":{"name":"f"}}""")]
    public void EncodeRequest_ToolChoice_ConverseUnionMember(string kind, string expected)
    {
        var ir = new IrRequest
        {
            ToolChoice = kind switch { "auto" => IrToolChoice.Auto, "required" => IrToolChoice.Required, _ => new IrToolChoice(IrToolChoiceKind.Named, "f") },
        };
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));
        ir.Tools.Add(new IrTool("f", "does f", JsonDocument.Parse("""{"type":"object"}""").RootElement));

        var body = Encode(ir, "anthropic.claude-3-haiku-20240307-v1:0");

        Assert.Equal(expected, body["toolConfig"]!["toolChoice"]!.ToJsonString());
    }

    [Fact]
    public void EncodeRequest_ToolChoiceNone_ToolsLeftOutUnlessTheHistoryUsesThem()
    {
        var fresh = new IrRequest { ToolChoice = IrToolChoice.None };
        fresh.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));
        fresh.Tools.Add(new IrTool("f", null, null));
        var later = new IrRequest { ToolChoice = IrToolChoice.None };
        later.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));
        later.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart("c1", "g", "{}")]));
        later.Messages.Add(new IrMessage(IrRole.Tool, [new IrToolResultPart("c1", [new IrTextPart("r")])]));
        later.Tools.Add(new IrTool("f", null, null));

        Assert.Null(Encode(fresh, "amazon.nova-micro-v1:0")["toolConfig"]);
        var config = Encode(later, "amazon.nova-micro-v1:0")["toolConfig"]!;
        Assert.Null(config["toolChoice"]);
        Assert.Equal(["f", "g"], config["tools"]!.AsArray().Select(t => (string)t!["toolSpec"]!["name"]!));
    }

    [Theory]
    [InlineData("us.anthropic.claude-sonnet-4-20250514-v1:0", "high", null, """{"thinking":{"type":"enabled","budget_tokens":24576},"top_k":40}""")]
    [InlineData("us.amazon.nova-2-lite-v1:0", "minimal", null, """{"reasoningConfig":{"type":"enabled","maxReasoningEffort":"low"},"inferenceConfig":{"topK":40}}""")]
    [InlineData("openai.gpt-oss-120b-1:0", null, 9000, """{"reasoning_effort":"high","top_k":40}""")]
    [InlineData("moonshot.kimi-k2-thinking", "high", null, """{"top_k":40}""")]
    public void EncodeRequest_ReasoningAndTopK_InTheModelFamilysAdditionalFields(string model, string? effort, int? budget, string expected)
    {
        var ir = new IrRequest { TopK = 40, Reasoning = new IrReasoning { Effort = effort, BudgetTokens = budget } };
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));

        var body = Encode(ir, model);

        Assert.Equal(expected, body["additionalModelRequestFields"]!.ToJsonString());
    }

    [Fact]
    public void EncodeRequest_ClaudeThinkingBudgetAboveMaxTokens_MaxTokensRaisedAboveIt()
    {
        var ir = new IrRequest { MaxTokens = 1000, Reasoning = new IrReasoning { BudgetTokens = 2000 } };
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));

        var body = Encode(ir, "anthropic.claude-3-7-sonnet-20250219-v1:0");

        Assert.Equal(2000 + BedrockConverseRequestEncoder.AnswerRoomAboveBudget, (int)body["inferenceConfig"]!["maxTokens"]!);
    }

    [Fact]
    public void EncodeRequest_HistoryThinking_SentBackToClaudeUnsignedDroppedForOthers()
    {
        var ir = new IrRequest();
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));
        ir.Messages.Add(new IrMessage(IrRole.Assistant, [new IrThinkingPart("hmm"), new IrRedactedThinkingPart("UkVE"), new IrTextPart("a")]));
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q2")]));

        var claude = Encode(ir, "us.anthropic.claude-sonnet-4-20250514-v1:0")["messages"]![1]!["content"]!.ToJsonString();
        var kimi = Encode(ir, "moonshot.kimi-k2-thinking")["messages"]![1]!["content"]!.ToJsonString();

        Assert.Equal("""[{"reasoningContent":{"reasoningText":{"text":"hmm"}}},{"reasoningContent":{"redactedContent":"UkVE"}},{"text":"a"}]""", claude);
        Assert.Equal("""[{"reasoningContent":{"redactedContent":"UkVE"}},{"text":"a"}]""", kimi);
    }

    [Fact]
    public void EncodeRequest_JsonSchemaResponseFormat_OutputConfigWithSchemaAsString()
    {
        var ir = new IrRequest
        {
            ResponseFormat = new IrResponseFormat(IrResponseFormatKind.JsonSchema) { SchemaName = "city", Schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string"}}}""").RootElement },
            StopSequences = { "END" },
        };
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));

        var body = Encode(ir, "amazon.nova-pro-v1:0");

        var schema = body["outputConfig"]!["textFormat"]!["structure"]!["jsonSchema"]!;
        Assert.Equal("json_schema", (string)body["outputConfig"]!["textFormat"]!["type"]!);
        Assert.Equal("city", (string)schema["name"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ir.ResponseFormat.Schema!.Value.GetRawText()), JsonNode.Parse((string)schema["schema"]!)));
        Assert.Equal("""["END"]""", body["inferenceConfig"]!["stopSequences"]!.ToJsonString());
    }

    [Fact]
    public void EncodeRequest_InvalidToolArguments_TranslationException()
    {
        var ir = new IrRequest();
        ir.Messages.Add(new IrMessage(IrRole.User, [new IrTextPart("q")]));
        ir.Messages.Add(new IrMessage(IrRole.Assistant, [new IrToolCallPart("c1", "f", "{\"a\":")]));

        Assert.Throws<Switchyard.Core.Translation.TranslationException>(() => BedrockConverseUpstreamCodec.Instance.EncodeRequest(ir, "amazon.nova-micro-v1:0"));
    }

    private static JsonObject Encode(IrRequest ir, string model) =>
        JsonNode.Parse(BedrockConverseUpstreamCodec.Instance.EncodeRequest(ir, model))!.AsObject();
}
