using System.Text;
using Switchyard.Core.Limits;
using Switchyard.Core.State.RateLimits;

namespace Switchyard.Core.Tests.Limits;

public class TokenEstimatorTests
{
    [Theory]
    [InlineData("gpt-4o", TokenCounting.O200kBase)]
    [InlineData("gpt-4o-mini-2024-07-18", TokenCounting.O200kBase)]
    [InlineData("openai/gpt-4.1", TokenCounting.O200kBase)]
    [InlineData("gpt-5", TokenCounting.O200kBase)]
    [InlineData("o3-mini", TokenCounting.O200kBase)]
    [InlineData("o1", TokenCounting.O200kBase)]
    [InlineData("gpt-oss-120b", TokenCounting.O200kBase)]
    [InlineData("gpt-4", TokenCounting.Cl100kBase)]
    [InlineData("gpt-4-turbo", TokenCounting.Cl100kBase)]
    [InlineData("gpt-3.5-turbo", TokenCounting.Cl100kBase)]
    [InlineData("gpt-35-turbo", TokenCounting.Cl100kBase)]
    [InlineData("claude-sonnet-4-5", TokenCounting.ByteRatio)]
    [InlineData("gemini-2.5-flash", TokenCounting.ByteRatio)]
    [InlineData("llama3", TokenCounting.ByteRatio)]
    [InlineData("omni-moderation", TokenCounting.ByteRatio)]
    [InlineData(null, TokenCounting.ByteRatio)]
    public void CountingFor_ModelFamilies(string? model, TokenCounting expected)
        => Assert.Equal(expected, TokenEstimator.CountingFor(model));

    [Fact]
    public void CountText_OpenAIModels_UseTheRealTokenizer()
    {
        // "How many tokens does this sentence have?" is 8 tokens in cl100k_base (the figure tiktoken's own tests use).
        Assert.Equal(8, TokenEstimator.CountText("How many tokens does this sentence have?", "gpt-3.5-turbo"));
        Assert.Equal(8, TokenEstimator.CountText("How many tokens does this sentence have?", "gpt-4o"));
        Assert.Equal(3, TokenEstimator.CountText("hello world!", "gpt-4o")); // hello, ' world', !
    }

    [Fact]
    public void CountText_OtherModels_FourBytesPerTokenRoundedUp()
    {
        Assert.Equal(10, TokenEstimator.CountText(new string('a', 40), "claude-sonnet-4-5"));
        Assert.Equal(11, TokenEstimator.CountText(new string('a', 41), "claude-sonnet-4-5"));
        Assert.Equal(3, TokenEstimator.CountText("日本語の", "claude-sonnet-4-5")); // 12 UTF-8 bytes
    }

    [Fact]
    public void Estimate_OpenAIChat_CountsMessageTextAndRoleOverheadNotStructure()
    {
        var body = Body("""{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello world!"}],"max_tokens":100}""");

        var e = TokenEstimator.Estimate(body, "gpt-4o");

        // "Be brief." = 4 tokens (Be, ' brief', '.'... counted by the tokenizer), "hello world!" = 3, + 2 × 4 overhead.
        var text = TokenEstimator.CountText("Be brief.", "gpt-4o") + TokenEstimator.CountText("hello world!", "gpt-4o");
        Assert.Equal(text + (2 * TokenEstimator.MessageOverheadTokens), e.PromptTokens);
        Assert.Equal(100, e.MaxOutputTokens);
        Assert.Equal(e.PromptTokens + 100, e.Total);
    }

    [Fact]
    public void Estimate_AnthropicMessagesForClaude_ByteRatioOverTextOnly()
    {
        var text = new string('x', 400);
        var body = Body($$"""{"model":"claude-sonnet-4-5","max_tokens":1024,"system":"{{text}}","messages":[{"role":"user","content":[{"type":"text","text":"{{text}}"}]}]}""");

        var e = TokenEstimator.Estimate(body, "claude-sonnet-4-5");

        Assert.Equal(100 + 100 + TokenEstimator.MessageOverheadTokens, e.PromptTokens);
        Assert.Equal(1024, e.MaxOutputTokens);
    }

    [Fact]
    public void Estimate_ResponsesMaxOutputTokens_AndChatMaxCompletionTokens()
    {
        Assert.Equal(77, TokenEstimator.Estimate(Body("""{"model":"gpt-4o","input":"hi","max_output_tokens":77}"""), "gpt-4o").MaxOutputTokens);
        Assert.Equal(55, TokenEstimator.Estimate(Body("""{"model":"o3","messages":[],"max_completion_tokens":55}"""), "o3").MaxOutputTokens);
        Assert.Null(TokenEstimator.Estimate(Body("""{"model":"gpt-4o","messages":[{"role":"user","content":"x","max_tokens":9}]}"""), "gpt-4o").MaxOutputTokens);
    }

    [Fact]
    public void Estimate_ImagesCountAFlatAttachmentNotTheirBase64()
    {
        var image = new string('A', 100_000);
        var body = Body($$$"""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{image}}}"}}]}]}""");
        var anthropic = Body($$$"""{"model":"claude-x","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{image}}}"}}]}]}""");

        Assert.Equal(TokenEstimator.AttachmentTokens + TokenEstimator.MessageOverheadTokens, TokenEstimator.Estimate(body, "gpt-4o").PromptTokens);
        Assert.Equal(TokenEstimator.AttachmentTokens + TokenEstimator.MessageOverheadTokens, TokenEstimator.Estimate(anthropic, "claude-x").PromptTokens);
    }

    [Fact]
    public void Estimate_ToolSchemasCountTheirNamesAndText()
    {
        var without = TokenEstimator.Estimate(Body("""{"model":"m","messages":[]}"""), "m").PromptTokens;
        var with = TokenEstimator.Estimate(Body("""{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}"""), "m").PromptTokens;

        // name (11 bytes) + description (18) + property names function, name, description, parameters, properties, city, type...
        Assert.True(with > without + 7, $"{with} vs {without}");
    }

    [Fact]
    public void Estimate_EscapedStringsAreUnescapedBeforeCounting()
    {
        var plain = TokenEstimator.Estimate(Body("""{"messages":[{"role":"user","content":"line one\nline two"}]}"""), "gpt-4o");
        var escaped = TokenEstimator.Estimate(Body("""{"messages":[{"role":"user","content":"line one\u000Aline two"}]}"""), "gpt-4o");

        Assert.Equal(plain.PromptTokens, escaped.PromptTokens);
    }

    [Fact]
    public void Estimate_LongText_ExactUpToTheBudgetThenExtrapolatedAtTheSamplesDensity()
    {
        var text = string.Concat(Enumerable.Range(0, 400).Select(i => $"Sentence number {i} talks about routing, limits and tokens. "));
        var body = Body($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{text}}"}]}""");

        var exact = TokenEstimator.Estimate(body, "gpt-4o", exactChars: int.MaxValue).PromptTokens;
        var bounded = TokenEstimator.Estimate(body, "gpt-4o").PromptTokens;
        var noSample = TokenEstimator.Estimate(body, "gpt-4o", exactChars: 0).PromptTokens;

        Assert.Equal(TokenEstimator.CountText(text, "gpt-4o") + TokenEstimator.MessageOverheadTokens, exact);
        Assert.InRange(bounded, exact * 0.9, exact * 1.1); // calibrated by its first 512 characters
        Assert.Equal((long)Math.Ceiling(Encoding.UTF8.GetByteCount(text) / TokenEstimator.BytesPerToken) + TokenEstimator.MessageOverheadTokens, noSample);
    }

    [Fact]
    public void Estimate_NotJson_FallsBackToTheByteRatioOfWhatIsLeft()
    {
        var e = TokenEstimator.Estimate(Body(new string('z', 40)), "gpt-4o");

        Assert.Equal(10, e.PromptTokens);
        Assert.Null(e.MaxOutputTokens);
    }

    private static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);
}
