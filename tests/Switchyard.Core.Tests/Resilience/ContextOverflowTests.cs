using System.Text;
using Switchyard.Core.Resilience;

namespace Switchyard.Core.Tests.Resilience;

/// <summary>
/// The context-overflow recogniser against each provider's real error text (as reported in public issues; the
/// sources are in src/Switchyard.Core/Resilience/context-overflow.json), and against look-alikes it must not take.
/// </summary>
public class ContextOverflowTests
{
    public static TheoryData<string, int, string> RealOverflows => new()
    {
        // OpenAI chat completions (https://github.com/chathub-dev/chathub/issues/126)
        { "openai", 400, """{"error":{"message":"This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""" },
        // OpenAI Responses error event (https://github.com/dyad-sh/dyad/issues/1672)
        { "openai-responses", 400, """{"type":"error","sequence_number":2,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"Your input exceeds the context window of this model. Please adjust your input and try again.","param":"input"}}""" },
        // Anthropic (https://github.com/anthropics/claude-code/issues/59696)
        { "anthropic", 400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 203284 tokens > 200000 maximum"},"request_id":"req_011Cb691naMZfUYHaJNPd2Xh"}""" },
        // Gemini (https://github.com/google-gemini/gemini-cli/issues/6678)
        { "gemini", 400, """{"error":{"code":400,"message":"The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).","errors":[{"message":"The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).","domain":"global","reason":"badRequest"}],"status":"INVALID_ARGUMENT"}}""" },
        // Bedrock ValidationException (https://github.com/aws-samples/assessment-generator/issues/2)
        { "bedrock", 400, """{"message":"Input is too long for requested model."}""" },
        // Bedrock relaying Claude's text (https://github.com/aaif-goose/goose/pull/7504)
        { "bedrock-claude", 400, """{"message":"The model returned the following errors: prompt is too long: 227255 tokens > 200000 maximum"}""" },
        // DeepSeek: the generic code, only the message tells (https://github.com/bytedance/deer-flow/issues/66)
        { "deepseek", 400, """{"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 87731 tokens (87731 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}""" },
        // vLLM's OpenAI server (body shape; https://github.com/bytedance/deer-flow/issues/66, a comment)
        { "vllm", 400, """{"object":"error","message":"This model's maximum context length is 131072 tokens. However, you requested 219523 tokens in the messages, Please reduce the length of the messages.","type":"BadRequestError","param":null,"code":400}""" },
        // Groq (https://github.com/OpenHands/OpenHands/issues/1902)
        { "groq", 400, """{"error":{"message":"Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""" },
        // OpenRouter (https://github.com/refly-ai/refly/issues/1177)
        { "openrouter", 400, """{"error":{"message":"This endpoint's maximum context length is 32768 tokens. However, you requested about 42832 tokens (42832 of text input). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.","code":400}}""" },
    };

    [Theory]
    [MemberData(nameof(RealOverflows))]
    public void Matches_EachProvidersRealOverflowText(string provider, int status, string body)
    {
        Assert.True(ContextOverflow.Matches(status, Encoding.UTF8.GetBytes(body)), provider);
    }

    [Fact]
    public void Matches_EveryExampleInTheDataFile_AndEachHasASource()
    {
        Assert.NotEmpty(ContextOverflow.All);
        foreach (var p in ContextOverflow.All)
        {
            Assert.True(ContextOverflow.Matches(400, Encoding.UTF8.GetBytes(p.Example)), p.Provider);
            Assert.StartsWith("https://", p.Source.Split(' ').First(s => s.StartsWith("http", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, int, string> LookAlikes => new()
    {
        // Groq's tokens-per-minute limit is a rate limit, not the context window (https://github.com/continuedev/continue/issues/10218)
        { "groq-tpm", 413, """{"error":{"message":"Request too large for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 12000, Requested 14137, please reduce your message size and try again.","type":"tokens","code":"rate_limit_exceeded"}}""" },
        // DeepSeek's max_tokens range (https://github.com/CherryHQ/cherry-studio/issues/4377)
        { "deepseek-max-tokens", 400, """{"error":{"message":"Invalid max_tokens value, the valid range of max_tokens is [1, 8192]","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}""" },
        // An outage whose body happens to quote the words: only 400/413/422 carry an overflow.
        { "503", 503, """{"error":{"message":"context_length_exceeded upstream busy","code":503}}""" },
        { "empty", 400, "" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Matches_NotOtherErrors(string what, int status, string body)
    {
        Assert.False(ContextOverflow.Matches(status, Encoding.UTF8.GetBytes(body)), what);
    }

    [Fact]
    public void Matches_ErrorEvent_ByCodeOrMessage()
    {
        Assert.True(ContextOverflow.Matches(400, "context_length_exceeded", "Your input exceeds the context window of this model."));
        Assert.True(ContextOverflow.Matches(400, null, "prompt is too long: 208656 tokens > 200000 maximum"));
        Assert.False(ContextOverflow.Matches(529, "overloaded_error", "Overloaded"));
        Assert.False(ContextOverflow.Matches(500, "context_length_exceeded", null));
    }

    [Fact]
    public void FailureTable_ContextOverflow_GoesToContextFallbacks_AndIsNotTheEndpointsFault()
    {
        Assert.Equal(FailureAction.ContextFallback, FailureTable.Decide(FailureCause.ContextOverflow, 400, CredentialOwner.Gateway, CommitPhase.BeforeCommit));
        Assert.Equal(FailureAction.ContextFallback, FailureTable.Decide(FailureCause.ContextOverflow, 413, CredentialOwner.Client, CommitPhase.BeforeCommit));
        Assert.Equal(FailureAction.Final, FailureTable.Decide(FailureCause.ContextOverflow, 400, CredentialOwner.Gateway, CommitPhase.AfterCommit));
        Assert.False(FailureTable.IsUpstreamFault(FailureCause.ContextOverflow, 400, CredentialOwner.Gateway));
    }
}
