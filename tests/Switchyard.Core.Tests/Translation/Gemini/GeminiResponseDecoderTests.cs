using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.Gemini;

namespace Switchyard.Core.Tests.Translation.Gemini;

public class GeminiResponseDecoderTests
{
    private static IrResponse Decode(byte[] body)
    {
        Assert.True(GeminiUpstreamCodec.Instance.TryDecodeResponse(body, out var response, out var error), error?.Message);
        return response!;
    }

    [Fact]
    public void TryDecodeResponse_GaijsUnaryReply_TextAndNoFinishReason()
    {
        var body = GeminiFixtures.Bytes("gaijs__unary-success-basic-reply-short.json");
        using var doc = JsonDocument.Parse(body);
        var expected = doc.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString();

        var response = Decode(body);

        Assert.Equal(expected, Assert.IsType<IrTextPart>(Assert.Single(response.Content)).Text);
        Assert.Null(response.FinishReason); // this recording has no finishReason: none is invented
        Assert.Null(response.Usage);
    }

    [Fact]
    public void TryDecodeResponse_PydaiUnary_TextUsageIdModelAndStop()
    {
        var body = GeminiFixtures.Bytes("pydai__test_google_extra_headers.0.json");
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var usage = root.GetProperty("usageMetadata");

        var response = Decode(body);

        Assert.Equal(root.GetProperty("responseId").GetString(), response.Id);
        Assert.Equal(root.GetProperty("modelVersion").GetString(), response.Model);
        Assert.Equal(root.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString(),
            Assert.IsType<IrTextPart>(Assert.Single(response.Content)).Text);
        Assert.Equal(IrFinishReason.Stop, response.FinishReason);
        Assert.Equal(usage.GetProperty("promptTokenCount").GetInt32(), response.Usage!.InputTokens);
        Assert.Equal(usage.GetProperty("candidatesTokenCount").GetInt32(), response.Usage.OutputTokens);
        Assert.Null(response.Usage.ReasoningTokens);
        Assert.Null(response.Usage.CachedInputTokens);
    }

    [Fact]
    public void TryDecodeResponse_PromptBlocked_ContentFilterWithNoContent()
    {
        var response = Decode(GeminiFixtures.Bytes("gaijs__unary-failure-prompt-blocked-safety.json"));

        Assert.Empty(response.Content);
        Assert.Equal(IrFinishReason.ContentFilter, response.FinishReason);
    }

    [Fact]
    public void TryDecodeResponse_ThinkingAnswerWithTrailingSignature_ThoughtTextThenSignatureCarrier()
    {
        const string fixture = "llmgem__test_prompt.0.json";
        var oracle = new GeminiOracle(GeminiFixtures.Chunks(fixture));

        var response = Decode(GeminiFixtures.Bytes(fixture));

        // [thought summary] [answer text] [the signature Gemini put on the closing empty text part]
        Assert.Collection(response.Content,
            p => Assert.Equal(new IrThinkingPart(oracle.Thoughts), p),
            p => Assert.Equal(new IrTextPart(oracle.Text), p),
            p => Assert.Equal(new IrThinkingPart("") { Signature = Assert.Single(oracle.Signatures) }, p));
        Assert.Equal(IrFinishReason.Stop, response.FinishReason);
        Assert.Equal(oracle.Prompt, response.Usage!.InputTokens);
        Assert.Equal(oracle.Output, response.Usage.OutputTokens);
        Assert.Equal(oracle.Thought, response.Usage.ReasoningTokens);
        Assert.Equal(oracle.ModelVersion, response.Model);
    }

    [Fact]
    public void TryDecodeResponse_FunctionCallWithSignature_ToolCallsFinishAndDerivedId()
    {
        const string fixture = "llmgem__test_tools.0.json";
        var oracle = new GeminiOracle(GeminiFixtures.Chunks(fixture));

        var response = Decode(GeminiFixtures.Bytes(fixture));

        Assert.Equal(3, response.Content.Count);
        Assert.Equal(oracle.Thoughts, Assert.IsType<IrThinkingPart>(response.Content[0]).Text);
        Assert.Equal(oracle.Signatures[0], Assert.IsType<IrThinkingPart>(response.Content[1]).Signature);
        var call = Assert.IsType<IrToolCallPart>(response.Content[2]);
        Assert.Equal(oracle.Calls[0].Name, call.Name);
        Assert.True(GeminiFixtures.JsonEquals(oracle.Calls[0].Args, call.ArgumentsJson));
        Assert.Equal($"call_{oracle.ResponseId}_0", call.Id);
        Assert.Equal(IrFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public void TryDecodeResponse_FunctionCallWithGeminiId_KeepsThatId()
    {
        var body = """{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"id":"fc-1","name":"f","args":{"a":1}}}]},"finishReason":"STOP"}],"responseId":"r"}"""u8.ToArray();

        var call = Assert.IsType<IrToolCallPart>(Assert.Single(Decode(body).Content));

        Assert.Equal("fc-1", call.Id);
    }

    [Theory]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("BLOCKLIST", "content_filter")]
    [InlineData("PROHIBITED_CONTENT", "content_filter")]
    [InlineData("SPII", "content_filter")]
    [InlineData("MALFORMED_FUNCTION_CALL", "MALFORMED_FUNCTION_CALL")]
    [InlineData("OTHER", "OTHER")]
    public void TryDecodeResponse_FinishReasons_MappedByTable(string gemini, string ir)
    {
        var body = System.Text.Encoding.UTF8.GetBytes($$"""{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"{{gemini}}"}]}""");

        Assert.Equal(new IrFinishReason(ir), Decode(body).FinishReason);
    }

    [Fact]
    public void TryDecodeResponse_CachedTokensAndUnknownParts_Kept()
    {
        var body = """
            {"candidates":[{"content":{"parts":[{"executableCode":{"language":"PYTHON","code":"print(1)"}},{"inlineData":{"mimeType":"image/png","data":"iVBO"}}]},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":100,"cachedContentTokenCount":60,"candidatesTokenCount":5}}
            """u8.ToArray();

        var response = Decode(body);

        var unknown = Assert.IsType<IrUnknownPart>(response.Content[0]);
        Assert.Equal(("gemini", "executableCode"), (unknown.Protocol, unknown.Type));
        Assert.Equal("print(1)", unknown.Raw.GetProperty("executableCode").GetProperty("code").GetString());
        var image = Assert.IsType<IrImagePart>(response.Content[1]);
        Assert.Equal(("image/png", "iVBO"), (image.MediaType, image.Base64));
        Assert.Equal(new IrUsage { InputTokens = 100, CachedInputTokens = 60, OutputTokens = 5 }, response.Usage);
    }

    [Fact]
    public void TryDecodeResponse_ErrorBody_FalseWithTheError()
    {
        Assert.False(GeminiUpstreamCodec.Instance.TryDecodeResponse(GeminiFixtures.Bytes("gaijs__unary-failure-image-rejected.json"), out var response, out var error));

        Assert.Null(response);
        Assert.Equal("invalid_request_error", error!.Type);
    }

    [Fact]
    public void TryDecodeResponse_NotJson_FalseWithBadGateway()
    {
        Assert.False(GeminiUpstreamCodec.Instance.TryDecodeResponse("<html>"u8, out _, out var error));

        Assert.Equal(502, error!.Status);
    }
}
