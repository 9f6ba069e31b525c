using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

public class AnthropicMessagesRequestTests
{
    /// <summary>Cassettes whose requests use only what crosses protocols (no server tools, no effort).</summary>
    public static TheoryData<string, int> PortableRequests()
    {
        var data = new TheoryData<string, int>();
        foreach (var cassette in new[]
        {
            "llmanth__test_prompt_with_prefill_and_stop_sequences.yaml", "llmanth__test_schema_prompt.yaml",
            "llmanth__test_stream_events_text.yaml", "llmanth__test_stream_events_thinking.yaml",
            "llmanth__test_stream_events_tool_calls.yaml", "llmanth__test_thinking_prompt.yaml", "llmanth__test_tools.yaml",
            "pydai__test_anthropic_model_thinking_part_redacted_stream.yaml", "pydai__test_anthropic_model_thinking_part_stream.yaml",
            "pydai__test_anthropic_tool_with_thinking.yaml", "pydai__test_multiple_parallel_tool_calls.yaml",
        })
        {
            for (var i = 0; i < AnthropicFixtures.CassetteRequests(cassette).Count; i++)
            {
                data.Add(cassette, i);
            }
        }

        return data;
    }

    internal static IrRequest DecodeOk(JsonNode body)
    {
        Assert.True(AnthropicMessagesClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), out var request, out var error), error?.Message);
        return request!;
    }

    private static JsonNode Reencode(IrRequest request, string model)
        => JsonNode.Parse(AnthropicMessagesUpstreamCodec.Instance.EncodeRequest(request, model))!;

    /// <summary>Equivalent spellings made equal: string content ↔ one text block, is_error false ↔ absent, stream false ↔ absent.</summary>
    private static JsonNode Normalize(JsonNode body)
    {
        var r = body.DeepClone().AsObject();
        if (r["stream"] is JsonValue s && !s.GetValue<bool>())
        {
            r.Remove("stream");
        }

        if (r["system"] is JsonValue system)
        {
            r["system"] = TextBlocks(system.GetValue<string>());
        }

        foreach (var message in r["messages"]!.AsArray())
        {
            if (message!["content"] is JsonValue text)
            {
                message["content"] = TextBlocks(text.GetValue<string>());
            }

            foreach (var block in message["content"]!.AsArray())
            {
                if ((string?)block!["type"] == "tool_result")
                {
                    if (block["content"] is JsonValue resultText)
                    {
                        block["content"] = TextBlocks(resultText.GetValue<string>());
                    }

                    if (block["is_error"] is JsonValue e && !e.GetValue<bool>())
                    {
                        block.AsObject().Remove("is_error");
                    }
                }
            }
        }

        return r;
    }

    private static JsonArray TextBlocks(string text) => [new JsonObject { ["type"] = "text", ["text"] = text }];

    [Theory]
    [MemberData(nameof(PortableRequests))]
    public void RequestRoundTrip_RecordedRequest_UpstreamBodyMeansTheSame(string cassette, int interaction)
    {
        var original = AnthropicFixtures.CassetteRequests(cassette)[interaction];

        var encoded = Reencode(DecodeOk(original), (string)original["model"]!);

        var want = Normalize(original);
        var got = Normalize(encoded);
        Assert.True(JsonNode.DeepEquals(want, got), $"want {want.ToJsonString()}\n got {got.ToJsonString()}");
    }

    [Fact]
    public void RequestDecoder_ParallelToolResults_OneToolMessageEachAndOneUserTurnUpstream()
    {
        var original = AnthropicFixtures.CassetteRequests("pydai__test_multiple_parallel_tool_calls.yaml")[1];
        var results = original["messages"]![2]!["content"]!.AsArray();

        var ir = DecodeOk(original);

        var toolMessages = ir.Messages.Where(m => m.Role == IrRole.Tool).ToList();
        Assert.Equal(results.Count, toolMessages.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var part = Assert.IsType<IrToolResultPart>(Assert.Single(toolMessages[i].Parts));
            Assert.Equal((string?)results[i]!["tool_use_id"], part.ToolCallId);
            Assert.Equal((string?)results[i]!["content"], Assert.IsType<IrTextPart>(Assert.Single(part.Content)).Text);
        }

        var calls = ir.Messages[1].Parts.OfType<IrToolCallPart>().ToList();
        Assert.Equal(original["messages"]![1]!["content"]!.AsArray().Count(b => (string?)b!["type"] == "tool_use"), calls.Count);
        Assert.Equal((string?)original["system"], Assert.Single(ir.System).Text);
        Assert.Equal(IrToolChoice.Auto, ir.ToolChoice);
        Assert.Equal((int?)original["max_tokens"], ir.MaxTokens);
    }

    [Fact]
    public void RequestDecoder_ThinkingHistory_KeepsSignatureAndBudget()
    {
        var original = AnthropicFixtures.CassetteRequests("pydai__test_anthropic_tool_with_thinking.yaml")[1];
        var thinkingBlock = original["messages"]![1]!["content"]![0]!;

        var ir = DecodeOk(original);

        var thinking = Assert.IsType<IrThinkingPart>(ir.Messages[1].Parts[0]);
        Assert.Equal((string?)thinkingBlock["thinking"], thinking.Text);
        Assert.Equal((string?)thinkingBlock["signature"], thinking.Signature);
        Assert.Equal((int?)original["thinking"]!["budget_tokens"], ir.Reasoning!.BudgetTokens);
    }

    [Theory]
    [InlineData("llmanth__test_web_search.yaml", "web_search")]
    [InlineData("pydai__test_anthropic_native_tool_search_streaming.yaml", "tool_search_tool_bm25")]
    public void RequestDecoder_ServerTool_Is400NamingTheTool(string cassette, string tool)
    {
        var body = AnthropicFixtures.CassetteRequests(cassette)[0];

        Assert.False(AnthropicMessagesClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), out _, out var error));

        Assert.Equal(400, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Contains(tool, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestRoundTrip_ServerToolBlocksInHistory_SurviveAsUnknownParts()
    {
        // Second turn of the tool-search conversation, without the server tool itself (which cannot cross).
        var original = AnthropicFixtures.CassetteRequests("pydai__test_anthropic_native_tool_search_streaming.yaml")[1];
        var tools = original["tools"]!.AsArray();
        foreach (var t in tools.Where(t => t!["type"] is not null || t["defer_loading"] is not null).ToList())
        {
            tools.Remove(t);
        }

        var ir = DecodeOk(original);
        Assert.Contains(ir.Messages.SelectMany(m => m.Parts), p => p is IrUnknownPart { Type: "server_tool_use" });
        var encoded = Reencode(ir, (string)original["model"]!);

        Assert.True(JsonNode.DeepEquals(Normalize(original)["messages"], Normalize(encoded)["messages"]));
    }

    [Fact]
    public void RequestEncoder_EffortOnly_UsesTheBudgetTableAndRaisesMaxTokens()
    {
        var original = AnthropicFixtures.CassetteRequests("pydai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml")[0];
        var ir = DecodeOk(original);
        Assert.Equal((string?)original["output_config"]!["effort"], ir.Reasoning!.Effort);

        var encoded = Reencode(ir, "claude-x");

        Assert.Equal("enabled", (string?)encoded["thinking"]!["type"]);
        var budget = (int)encoded["thinking"]!["budget_tokens"]!;
        Assert.Equal(27648, budget);
        Assert.Equal(budget + 4096, (int)encoded["max_tokens"]!);
        Assert.Null(encoded["output_config"]);
    }

    [Fact]
    public void RequestDecoder_MissingMaxTokens_Is400()
    {
        Assert.False(AnthropicMessagesClientCodec.Instance.TryDecodeRequest("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray(), out _, out var error));
        Assert.Equal(400, error!.Status);
        Assert.Contains("max_tokens", error.Message, StringComparison.Ordinal);
    }
}
