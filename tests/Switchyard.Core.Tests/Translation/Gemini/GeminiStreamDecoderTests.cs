using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.Gemini;

namespace Switchyard.Core.Tests.Translation.Gemini;

public class GeminiStreamDecoderTests
{
    public static TheoryData<string> StreamFixtures() =>
    [
        "gaijs__streaming-success-basic-reply-short.txt",
        "gaijs__streaming-success-basic-reply-long.txt",
        "gaijs__streaming-success-function-call-short.txt",
        "gaijs__streaming-success-utf8.txt",
        "gaijs__streaming-success-citations.txt",
        "gaijs__streaming-failure-finish-reason-safety.txt",
        "gaijs__streaming-failure-prompt-blocked-safety.txt",
        "gaijs__streaming-failure-empty-content.txt",
        "pydai__test_google_model_stream.0.sse",
        "pydai__test_google_model_iter_stream.0.sse",
        "pydai__test_google_model_iter_stream.1.sse",
        "pydai__test_google_model_iter_stream.2.sse",
        "pydai__test_google_model_thinking_part_iter.0.sse",
        "pydai__test_google_stream_usage_is_live_mid_stream.0.sse",
        "pydai__test_google_streaming_tool_call_thought_signature.0.sse",
        "pydai__test_google_streaming_tool_call_thought_signature.1.sse",
        "vercel__google-tool-call.chunks.txt",
        "vercel__google-reasoning-gemini3.chunks.txt",
        "llmgem__test_prompt.0.json",
        "llmgem__test_tools.0.json",
        "llmgem__test_tools.1.json",
        "llmgem__test_tools.2.json",
        "llmgem__test_tools_with_gemini_3_thought_signatures.0.json",
        "llmgem__test_tools_with_gemini_3_thought_signatures.1.json",
    ];

    [Theory]
    [MemberData(nameof(StreamFixtures))]
    public void Decode_RecordedStream_MatchesFixtureContent(string fixture)
    {
        var oracle = new GeminiOracle(GeminiFixtures.Chunks(fixture));
        var (events, complete) = GeminiFixtures.Stream(fixture);
        var answer = GeminiStreamAssembly.Assemble(events);

        Assert.Equal(oracle.ResponseId, answer.Id);
        Assert.Equal(oracle.ModelVersion, answer.Model);
        Assert.Equal(oracle.Text, string.Concat(answer.Content.OfType<IrTextPart>().Select(p => p.Text)));
        Assert.Equal(oracle.Thoughts, string.Concat(answer.Content.OfType<IrThinkingPart>().Select(p => p.Text)));
        Assert.Equal(oracle.Signatures, answer.Content.OfType<IrThinkingPart>().Where(p => p.Signature is not null).Select(p => p.Signature!));

        var calls = answer.Content.OfType<IrToolCallPart>().ToList();
        Assert.Equal(oracle.Calls.Count, calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            Assert.Equal(oracle.Calls[i].Name, calls[i].Name);
            Assert.True(GeminiFixtures.JsonEquals(oracle.Calls[i].Args, calls[i].ArgumentsJson));
            Assert.False(string.IsNullOrEmpty(calls[i].Id));
        }

        Assert.Equal(calls.Count, calls.Select(c => c.Id).Distinct().Count());
        Assert.Equal(ExpectedFinish(oracle), answer.FinishReason);
        Assert.Equal(oracle.Finish is not null || oracle.BlockReason is not null, complete);
        Assert.Equal(oracle.Prompt, answer.Usage?.InputTokens);
        Assert.Equal(oracle.Output, answer.Usage?.OutputTokens);
        Assert.Equal(oracle.Thought, answer.Usage?.ReasoningTokens);
    }

    [Theory]
    [MemberData(nameof(StreamFixtures))]
    public void Decode_RecordedStream_ReassemblesToTheUnaryAnswer(string fixture)
    {
        // TryDecodeResponse takes the same chunks as one JSON array (what streamGenerateContent without alt=sse returns).
        Assert.True(GeminiUpstreamCodec.Instance.TryDecodeResponse(GeminiFixtures.AsArray(fixture), out var unary, out var error), error?.Message);
        var streamed = GeminiStreamAssembly.Assemble(GeminiFixtures.Stream(fixture).Events);

        // Tool-call ids are random when the response has no id; compare them only when they are derived.
        var sameIds = unary!.Id is not null;
        var expected = unary.Content.Where(p => p is not IrUnknownPart and not IrImagePart)
            .Select(p => !sameIds && p is IrToolCallPart c ? c with { Id = "" } : p).ToList();
        var actual = streamed.Content.Select(p => !sameIds && p is IrToolCallPart c ? c with { Id = "" } : p).ToList();
        // Also where old API versions repeat finishReason on every chunk: text after the first finishReason continues
        // the same block, as the unary answer holds it in one part.
        GeminiStreamAssembly.AssertSameContent(expected, actual);
        Assert.Equal(unary.FinishReason, streamed.FinishReason);
        Assert.Equal(unary.Usage, streamed.Usage);
        Assert.Equal(unary.Id, streamed.Id);
        Assert.Equal(unary.Model, streamed.Model);
    }

    [Fact]
    public void Decode_ThinkingThenSignedText_SignatureTravelsAsItsOwnBlockBeforeTheText()
    {
        var (events, _) = GeminiFixtures.Stream("pydai__test_google_model_thinking_part_iter.0.sse");
        var answer = GeminiStreamAssembly.Assemble(events);
        var oracle = new GeminiOracle(GeminiFixtures.Chunks("pydai__test_google_model_thinking_part_iter.0.sse"));

        // thought run, then the signature Gemini put on the first answer text, then that text.
        Assert.Equal(3, answer.Content.Count);
        var thinking = Assert.IsType<IrThinkingPart>(answer.Content[0]);
        Assert.Equal(oracle.Thoughts, thinking.Text);
        Assert.Null(thinking.Signature);
        var carrier = Assert.IsType<IrThinkingPart>(answer.Content[1]);
        Assert.Equal("", carrier.Text);
        Assert.Equal(Assert.Single(oracle.Signatures), carrier.Signature);
        Assert.Equal(oracle.Text, Assert.IsType<IrTextPart>(answer.Content[2]).Text);
    }

    [Fact]
    public void Decode_Gemini3FunctionCall_SignatureBlockPrecedesTheToolCall()
    {
        var (events, complete) = GeminiFixtures.Stream("pydai__test_google_streaming_tool_call_thought_signature.0.sse");
        var oracle = new GeminiOracle(GeminiFixtures.Chunks("pydai__test_google_streaming_tool_call_thought_signature.0.sse"));

        Assert.True(complete);
        var sig = Assert.Single(events.OfType<IrThinkingSignature>());
        var start = Assert.Single(events.OfType<IrToolCallStart>());
        Assert.Equal(Assert.Single(oracle.Signatures), sig.Signature);
        Assert.True(sig.Index < start.Index);
        Assert.Equal($"call_{oracle.ResponseId}_0", start.Id);
        Assert.Equal(oracle.Calls[0].Name, start.Name);
        // The whole args object arrives as one delta (Gemini sends each call complete).
        Assert.Equal(oracle.Calls[0].Args, Assert.Single(events.OfType<IrToolCallArgumentsDelta>()).Delta);
        Assert.Equal(IrFinishReason.ToolCalls, Assert.Single(events.OfType<IrFinish>()).Reason);
    }

    [Fact]
    public void Decode_ThoughtRunSealedBySignatureOnlyPart_OneSignedThinkingBlockSameAsUnary()
    {
        string[] chunks =
        [
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"a","thought":true}]}}],"responseId":"r1"}""",
            """{"candidates":[{"content":{"role":"model","parts":[{"text":"b","thought":true}]}}],"responseId":"r1"}""",
            """{"candidates":[{"content":{"role":"model","parts":[{"thought":true,"thoughtSignature":"S"}]}}],"responseId":"r1"}""",
            """{"candidates":[{"content":{"role":"model","parts":[{"thought":true,"thoughtSignature":"T"},{"text":"answer"}]},"finishReason":"STOP"}],"responseId":"r1"}""",
        ];
        var decoder = GeminiUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var chunk in chunks)
        {
            decoder.Decode(new UpstreamFrame(null, Encoding.UTF8.GetBytes(chunk)), events);
        }

        decoder.End(events);
        var streamed = GeminiStreamAssembly.Assemble(events);
        Assert.True(GeminiUpstreamCodec.Instance.TryDecodeResponse(Encoding.UTF8.GetBytes("[" + string.Join(",", chunks) + "]"), out var unary, out _));

        IrPart[] expected = [new IrThinkingPart("ab") { Signature = "S" }, new IrThinkingPart("") { Signature = "T" }, new IrTextPart("answer")];
        GeminiStreamAssembly.AssertSameContent(expected, streamed.Content);
        GeminiStreamAssembly.AssertSameContent(expected, unary!.Content);
        // The signature-only block still opens with a (empty) delta before its signature.
        var sigIndex = events.OfType<IrThinkingSignature>().Last().Index;
        Assert.Contains(events, e => e is IrThinkingDelta { Text: "" } d && d.Index == sigIndex);
    }

    [Fact]
    public void Decode_UsageOnEveryChunk_EachChunkReportsIt()
    {
        const string fixture = "pydai__test_google_stream_usage_is_live_mid_stream.0.sse";
        var chunks = GeminiFixtures.Chunks(fixture);
        var (events, _) = GeminiFixtures.Stream(fixture);
        var updates = events.OfType<IrUsageUpdate>().ToList();

        Assert.Equal(chunks.Count, updates.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            var u = chunks[i].GetProperty("usageMetadata");
            Assert.Equal(u.GetProperty("candidatesTokenCount").GetInt32() + u.GetProperty("thoughtsTokenCount").GetInt32(), updates[i].Usage.OutputTokens);
        }
    }

    /// <summary>Recorded streams (old API versions) whose every chunk carries <c>finishReason: STOP</c>, text following it.</summary>
    public static TheoryData<string> FinishThenContentFixtures() =>
    [
        "gaijs__streaming-success-basic-reply-long.txt",
        "gaijs__streaming-success-utf8.txt",
        "gaijs__streaming-success-citations.txt",
    ];

    [Theory]
    [MemberData(nameof(FinishThenContentFixtures))]
    public void Decode_FinishReasonFollowedByContent_FinishOnceAtTheEndAndTextInOneBlock(string fixture)
    {
        var chunks = GeminiFixtures.Chunks(fixture);
        // The recording really has content after the first finishReason.
        Assert.True(chunks.Count(c => c.GetProperty("candidates")[0].TryGetProperty("finishReason", out _)) > 1);
        var (events, complete) = GeminiFixtures.Stream(fixture);

        Assert.True(complete);
        var finish = Assert.Single(events.OfType<IrFinish>());
        Assert.Same(finish, events[^1]);
        Assert.Equal(IrFinishReason.Stop, finish.Reason);
        Assert.Single(events.OfType<IrTextDelta>().Select(d => d.Index).Distinct());
        Assert.Equal(new GeminiOracle(chunks).Text, string.Concat(events.OfType<IrTextDelta>().Select(d => d.Text)));
    }

    [Fact]
    public void Decode_FinishReasonSeen_HeldBackUntilTheBodyEnds()
    {
        const string fixture = "gaijs__streaming-success-basic-reply-long.txt";
        var decoder = GeminiUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var frame in GeminiFixtures.Frames(fixture))
        {
            decoder.Decode(frame, events);
            Assert.True(decoder.IsComplete);
            Assert.Empty(events.OfType<IrFinish>());
            Assert.Empty(events.OfType<IrBlockStop>());
        }

        var before = events.Count;
        decoder.End(events);
        Assert.Collection(events.Skip(before),
            e => Assert.IsType<IrBlockStop>(e),
            e => Assert.Equal(IrFinishReason.Stop, Assert.IsType<IrFinish>(e).Reason));
    }

    [Fact]
    public void Decode_UsageOnEveryChunkThenFinish_LastChunkUsageBeforeTheFinish()
    {
        const string fixture = "pydai__test_google_stream_usage_is_live_mid_stream.0.sse";
        var last = GeminiFixtures.Chunks(fixture)[^1].GetProperty("usageMetadata");
        var (events, _) = GeminiFixtures.Stream(fixture);

        Assert.IsType<IrFinish>(events[^1]);
        var usage = events.OfType<IrUsageUpdate>().Last().Usage;
        Assert.Equal(last.GetProperty("promptTokenCount").GetInt32(), usage.InputTokens);
        Assert.Equal(last.GetProperty("candidatesTokenCount").GetInt32() + last.GetProperty("thoughtsTokenCount").GetInt32(), usage.OutputTokens);
    }

    [Fact]
    public void Decode_StreamWithoutFinishReason_IsNotComplete()
    {
        var (events, complete) = GeminiFixtures.Stream("gaijs__streaming-failure-empty-content.txt");

        Assert.False(complete);
        Assert.Empty(events.OfType<IrFinish>());
        Assert.IsType<IrStreamStart>(Assert.Single(events));
    }

    [Fact]
    public void Decode_PromptBlocked_FinishesWithContentFilterAndNoContent()
    {
        var (events, complete) = GeminiFixtures.Stream("gaijs__streaming-failure-prompt-blocked-safety.txt");

        Assert.True(complete);
        Assert.Collection(events, e => Assert.IsType<IrStreamStart>(e), e => Assert.Equal(IrFinishReason.ContentFilter, Assert.IsType<IrFinish>(e).Reason));
    }

    [Fact]
    public void Decode_ErrorBodyInsideStream_BecomesStreamError()
    {
        var body = GeminiFixtures.Bytes("vercel__google-429-retry-info.json");
        var decoder = GeminiUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();

        decoder.Decode(new UpstreamFrame(null, body), events);

        var error = Assert.IsType<IrStreamError>(Assert.Single(events)).Error;
        Assert.Equal(429, error.Status);
        Assert.Equal("rate_limit_error", error.Type);
        Assert.Equal("You exceeded your current quota, please check your plan.", error.Message);
        Assert.False(decoder.IsComplete);
    }

    [Fact]
    public void Decode_FrameThatIsNotJson_BecomesStreamError()
    {
        var decoder = GeminiUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();

        decoder.Decode(new UpstreamFrame(null, Encoding.UTF8.GetBytes("{\"candidates\": [")), events);

        Assert.IsType<IrStreamError>(Assert.Single(events));
    }

    private static IrFinishReason? ExpectedFinish(GeminiOracle oracle) => oracle.Finish switch
    {
        null => oracle.BlockReason is null ? null : IrFinishReason.ContentFilter,
        "STOP" => oracle.Calls.Count > 0 ? IrFinishReason.ToolCalls : IrFinishReason.Stop,
        "SAFETY" => IrFinishReason.ContentFilter,
        "MAX_TOKENS" => IrFinishReason.Length,
        var other => new IrFinishReason(other),
    };
}
