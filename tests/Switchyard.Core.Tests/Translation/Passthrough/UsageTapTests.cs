using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Tests.Translation.Passthrough;

public sealed class UsageTapTests
{
    // ---- stream events --------------------------------------------------------------------------------------------

    [Fact]
    public void OnEvent_ChatChunksWithoutUsageOrWithUsageNull_UsageNull()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"id":"c1","choices":[{"index":0,"delta":{"content":"the usage is"}}]}"""));
        tap.OnEvent(Sse("""data: {"id":"c1","choices":[{"index":0,"delta":{}}],"usage":null}"""));
        tap.OnEvent(Sse("data: [DONE]"));

        Assert.Null(tap.Usage);
    }

    [Fact]
    public void OnEvent_ChatUsageChunk_ReadsEveryMember()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"id":"c1","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":30,"total_tokens":50,"prompt_tokens_details":{"cached_tokens":8},"completion_tokens_details":{"reasoning_tokens":12}}}"""));

        Assert.Equal(new IrUsage { InputTokens = 20, OutputTokens = 30, CachedInputTokens = 8, ReasoningTokens = 12 }, tap.Usage);
        Assert.Equal("gpt-4o-mini", tap.Model);
    }

    [Fact]
    public void OnEvent_UsageOnlyChunk_FlaggedSoARelayCanHideIt()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"id":"c1","choices":[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"""));
        Assert.False(tap.LastEventWasUsageOnlyChunk);

        tap.OnEvent(Sse("""data: {"id":"c1","choices":[],"usage":{"prompt_tokens":2,"completion_tokens":3}}"""));
        Assert.True(tap.LastEventWasUsageOnlyChunk);

        tap.OnEvent(Sse("data: [DONE]"));
        Assert.False(tap.LastEventWasUsageOnlyChunk);
        Assert.Equal(new IrUsage { InputTokens = 2, OutputTokens = 3 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_CrlfCommentsAndEventLines_ReadsAnthropicUsage()
    {
        using var tap = new UsageTap(UpstreamProtocol.AnthropicMessages);
        tap.OnEvent(Encoding.UTF8.GetBytes(": keep-alive, \"usage\": {\r\nevent: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":5,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}\r\n\r\n"));
        tap.OnEvent(Encoding.UTF8.GetBytes(": ping\r\nevent: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":40}}\r\n\r\n"));

        // Anthropic's input_tokens excludes cache reads and writes; the IR's includes them.
        Assert.Equal(new IrUsage { InputTokens = 17, OutputTokens = 40, CachedInputTokens = 5, CacheWriteInputTokens = 2 }, tap.Usage);
        Assert.Equal("claude-x", tap.Model);
    }

    [Fact]
    public void OnEvent_UsageSpreadOverSeveralDataLines_JoinsThem()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Encoding.UTF8.GetBytes("data: {\"id\":\"c1\",\"usage\":\ndata: {\"prompt_tokens\":3,\ndata:\"completion_tokens\":4}}\n\n"));

        Assert.Equal(new IrUsage { InputTokens = 3, OutputTokens = 4 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_GroqUsageUnderXGroq_ReadsIt()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"queue_time":0.1,"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}}"""));

        Assert.Equal(new IrUsage { InputTokens = 9, OutputTokens = 2 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_DeepSeekCacheHitTokens_CountAsCached()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":5,"total_tokens":105,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}}"""));

        Assert.Equal(new IrUsage { InputTokens = 100, OutputTokens = 5, CachedInputTokens = 64 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_XaiReasoningCountedApart_FoldedIntoOutput()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":22,"completion_tokens_details":{"reasoning_tokens":7}}}"""));

        Assert.Equal(new IrUsage { InputTokens = 10, OutputTokens = 12, ReasoningTokens = 7 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_AnthropicDeltaRepeatsInputTokens_LaterValuesWin()
    {
        using var tap = new UsageTap(UpstreamProtocol.AnthropicMessages);
        tap.OnEvent(Sse("""data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":43,"output_tokens":1}}}"""));
        tap.OnEvent(Sse("""data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":61,"output_tokens":2}}"""));

        Assert.Equal(new IrUsage { InputTokens = 61, OutputTokens = 2 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_AnthropicRepeatedMessageStart_OnlyTheFirstCounts()
    {
        using var tap = new UsageTap(UpstreamProtocol.AnthropicMessages);
        tap.OnEvent(Sse("""data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":17,"output_tokens":1}}}"""));
        tap.OnEvent(Sse("""data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":99,"output_tokens":9}}}"""));
        tap.OnEvent(Sse("""data: {"type":"message_delta","usage":{"output_tokens":5}}"""));

        Assert.Equal(new IrUsage { InputTokens = 17, OutputTokens = 5 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_AnthropicPayloadWithoutType_UsesTheEventLine()
    {
        using var tap = new UsageTap(UpstreamProtocol.AnthropicMessages);
        tap.OnEvent(Encoding.UTF8.GetBytes("event: message_delta\ndata: {\"usage\":{\"output_tokens\":7}}\n\n"));

        Assert.Equal(new IrUsage { OutputTokens = 7 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_AnthropicSplicedSecondMessage_RecordsWhatTheClientSaw()
    {
        // vercel__spliced-message-start: the decoder fails at the second message_start; the relayed stream goes on.
        using var tap = new UsageTap(UpstreamProtocol.AnthropicMessages);
        foreach (var ev in UsageTapRecordings.RawEvents("anthropic", "vercel__spliced-message-start.chunks.txt"))
        {
            tap.OnEvent(ev);
        }

        Assert.Equal(new IrUsage { InputTokens = 17, OutputTokens = 65 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_ResponsesIncomplete_ReadsUsageWithCacheWrites()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIResponses);
        tap.OnEvent(Sse("""data: {"type":"response.created","response":{"id":"r","model":"gpt-5","usage":null}}"""));
        tap.OnEvent(Sse("""data: {"type":"response.incomplete","response":{"id":"r","model":"gpt-5","status":"incomplete","usage":{"input_tokens":30,"input_tokens_details":{"cached_tokens":10,"cache_write_tokens":4},"output_tokens":50,"output_tokens_details":{"reasoning_tokens":20},"total_tokens":80}}}"""));

        Assert.Equal(new IrUsage { InputTokens = 30, OutputTokens = 50, CachedInputTokens = 10, CacheWriteInputTokens = 4, ReasoningTokens = 20 }, tap.Usage);
        Assert.Equal("gpt-5", tap.Model);
    }

    [Fact]
    public void OnEvent_RecordedResponsesStream_HandReadValues()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIResponses);
        foreach (var ev in UsageTapRecordings.RawEvents("openai-responses", "pydai__test_openai_responses_streaming_usage.0.sse"))
        {
            tap.OnEvent(ev);
        }

        Assert.Equal(new IrUsage { InputTokens = 53, OutputTokens = 469, CachedInputTokens = 0, ReasoningTokens = 448 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_GeminiThoughts_CountAsOutputAndLaterMembersWin()
    {
        using var tap = new UsageTap(UpstreamProtocol.Gemini);
        tap.OnEvent(Sse("""data: {"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata": {"promptTokenCount": 12,"totalTokenCount": 12}}"""));
        tap.OnEvent(Sse("""data: {"candidates":[{"finishReason":"STOP"}],"usageMetadata": {"promptTokenCount": 12,"candidatesTokenCount": 30,"thoughtsTokenCount": 100,"cachedContentTokenCount": 4},"modelVersion":"gemini-2.5-pro"}"""));

        Assert.Equal(new IrUsage { InputTokens = 12, OutputTokens = 130, CachedInputTokens = 4, ReasoningTokens = 100 }, tap.Usage);
        Assert.Equal("gemini-2.5-pro", tap.Model);
    }

    [Fact]
    public void OnEventStreamMessage_Metadata_AddsCacheReadsAndWritesToInput()
    {
        using var tap = new UsageTap(UpstreamProtocol.BedrockConverse);
        tap.OnEventStreamMessage("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"\"usage\":{\"inputTokens\":1}"}}"""u8);
        tap.OnEventStreamMessage("metadata", """{"metrics":{"latencyMs":300},"usage":{"inputTokens":10,"outputTokens":20,"cacheReadInputTokens":30,"cacheWriteInputTokens":5,"totalTokens":65}}"""u8);

        Assert.Equal(new IrUsage { InputTokens = 45, OutputTokens = 20, CachedInputTokens = 30, CacheWriteInputTokens = 5 }, tap.Usage);
    }

    [Fact]
    public void OnEventStreamMessage_WrappedPayloadWithoutEventType_ReadsMetadataOnly()
    {
        using var tap = new UsageTap(UpstreamProtocol.BedrockConverse);
        tap.OnEventStreamMessage(null, """{"contentBlockDelta":{"usage":{"inputTokens":99}}}"""u8);
        tap.OnEventStreamMessage(null, """{"metadata":{"usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7}}}"""u8);

        Assert.Equal(new IrUsage { InputTokens = 3, OutputTokens = 4 }, tap.Usage);
    }

    [Fact]
    public void OnEvent_MalformedOrTruncatedJson_IgnoredWithoutThrowing()
    {
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        tap.OnEvent(Sse("""data: {"usage":{"prompt_tokens":1,"""));
        tap.OnEvent(Sse("""data: {"usage":{"prompt_tokens":2,"completion_tokens":3}"""));
        tap.OnEvent(Sse("""data: <html>"usage": {</html>"""));

        Assert.Null(tap.Usage);
    }

    // ---- non-streamed bodies --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"id":"x","choices":[{"message":{"content":"no usage here"}}]}""")]
    [InlineData("""{"id":"x","usage":null,"choices":[]}""")]
    [InlineData("""{"choices":[{"message":{"usage":{"prompt_tokens":1}}}],"x":{"usage":{"prompt_tokens":2}}}""")]
    [InlineData("""[{"usage":{"prompt_tokens":1}}]""")]
    public void OnBodyChunk_NoTopLevelUsage_UsageNull(string json)
    {
        var tap = FeedBody(UpstreamProtocol.OpenAIChat, Encoding.UTF8.GetBytes(json), 3);

        Assert.Null(tap.Usage);
        Assert.False(tap.GaveUp);
    }

    [Fact]
    public void OnBodyChunk_UsageSplitAtEveryByteAmongMultiByteText_ReadsIt()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"msg_1","type":"message","model":"claude-sonnet","content":[{"type":"text","text":"日本語のテキスト — é ü 🚀"}],"usage":{"input_tokens":3,"cache_creation_input_tokens":7,"cache_read_input_tokens":11,"cache_creation":{"ephemeral_5m_input_tokens":7},"output_tokens":13,"service_tier":"standard"}}""");
        var expected = new IrUsage { InputTokens = 21, OutputTokens = 13, CachedInputTokens = 11, CacheWriteInputTokens = 7 };

        for (var split = 0; split <= body.Length; split++)
        {
            using var tap = new UsageTap(UpstreamProtocol.AnthropicMessages);
            tap.OnBodyChunk(body.AsSpan(0, split));
            tap.OnBodyChunk(body.AsSpan(split));
            tap.OnBodyEnd();
            Assert.True(expected == tap.Usage, $"split at {split}: {tap.Usage}");
            Assert.Equal("claude-sonnet", tap.Model);
        }

        Assert.Equal(expected, FeedBody(UpstreamProtocol.AnthropicMessages, body, 1).Usage);
    }

    [Fact]
    public void OnBodyChunk_HugeStringBeforeUsage_ReadsUsageWithoutBufferingIt()
    {
        // A 5 MiB base64 image ahead of the usage, relayed in 16 KiB reads.
        var image = new string('A', 5 * 1024 * 1024);
        var body = Encoding.UTF8.GetBytes($$$"""{"id":"c","model":"gpt-image","choices":[{"message":{"content":[{"type":"image","data":"{{{image}}}"}]}}],"usage":{"prompt_tokens":5,"completion_tokens":6}}""");
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        var largest = 0;
        for (var offset = 0; offset < body.Length; offset += 16 * 1024)
        {
            tap.OnBodyChunk(body.AsSpan(offset, Math.Min(16 * 1024, body.Length - offset)));
            largest = Math.Max(largest, tap.BodyCarryCapacity);
        }

        tap.OnBodyEnd();

        Assert.Equal(new IrUsage { InputTokens = 5, OutputTokens = 6 }, tap.Usage);
        Assert.Equal("gpt-image", tap.Model);
        Assert.InRange(largest, 0, 4096);
    }

    [Fact]
    public void OnBodyChunk_LongStringsWithEscapesSplitAnywhere_SkippedCorrectly()
    {
        // Escaped quotes and backslashes land on chunk edges; a mistake would end the string early or late.
        var text = string.Concat(Enumerable.Repeat("say \\\"hi\\\" \\\\ path\\\\\\\" \\u0022 ", 2000));
        var body = Encoding.UTF8.GetBytes($$$"""{"model":"m","{{{new string('k', 400)}}}":"{{{text}}}","usage":{"prompt_tokens":1,"completion_tokens":2},"tail":"{{{text}}}"}""");
        var random = new Random(20260101);
        for (var round = 0; round < 50; round++)
        {
            using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
            for (var offset = 0; offset < body.Length;)
            {
                var n = Math.Min(body.Length - offset, random.Next(1, round % 2 == 0 ? 8 : 3000));
                tap.OnBodyChunk(body.AsSpan(offset, n));
                offset += n;
            }

            tap.OnBodyEnd();
            Assert.Equal(new IrUsage { InputTokens = 1, OutputTokens = 2 }, tap.Usage);
            Assert.False(tap.GaveUp);
        }
    }

    [Fact]
    public void OnBodyChunk_UsageBeforeModel_ReadsBoth()
    {
        var tap = FeedBody(UpstreamProtocol.OpenAIResponses, """{"id":"r","usage":{"input_tokens":4,"output_tokens":5,"output_tokens_details":{"reasoning_tokens":1}},"model":"gpt-5"}"""u8.ToArray(), 2);

        Assert.Equal(new IrUsage { InputTokens = 4, OutputTokens = 5, ReasoningTokens = 1 }, tap.Usage);
        Assert.Equal("gpt-5", tap.Model);
    }

    [Fact]
    public void OnBodyChunk_GeminiArrayOfChunks_MergesEachChunksUsage()
    {
        var body = """[{"candidates":[],"usageMetadata":{"promptTokenCount":5}},{"candidates":[],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"thoughtsTokenCount":2},"modelVersion":"gemini-x"}]"""u8.ToArray();
        var tap = FeedBody(UpstreamProtocol.Gemini, body, 4);

        Assert.Equal(new IrUsage { InputTokens = 5, OutputTokens = 5, ReasoningTokens = 2 }, tap.Usage);
        Assert.Equal("gemini-x", tap.Model);
    }

    [Fact]
    public void OnBodyChunk_BedrockConverseAnswer_ReadsTopLevelUsage()
    {
        var body = """{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"inputTokens":8,"outputTokens":2,"cacheReadInputTokens":4,"totalTokens":14},"metrics":{"latencyMs":1}}"""u8.ToArray();

        Assert.Equal(new IrUsage { InputTokens = 12, OutputTokens = 2, CachedInputTokens = 4 }, FeedBody(UpstreamProtocol.BedrockConverse, body, 5).Usage);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public void OnBodyChunk_LeadingByteOrderMark_Skipped(int chunk)
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. """{"usage":{"prompt_tokens":1,"completion_tokens":2}}"""u8];

        Assert.Equal(new IrUsage { InputTokens = 1, OutputTokens = 2 }, FeedBody(UpstreamProtocol.OpenAIChat, body, chunk).Usage);
    }

    [Fact]
    public void OnBodyChunk_NotJson_GivesUpQuietly()
    {
        var tap = FeedBody(UpstreamProtocol.OpenAIChat, "<html><body>\"usage\": {\"prompt_tokens\": 1}</body></html>"u8.ToArray(), 7);

        Assert.True(tap.GaveUp);
        Assert.Null(tap.Usage);
    }

    [Fact]
    public void OnBodyChunk_TokenLongerThanTheCap_GivesUpWithoutGrowing()
    {
        var body = Encoding.UTF8.GetBytes("{\"n\":" + new string('1', 4 * UsageTap.MaxCarryBytes) + ",\"usage\":{\"prompt_tokens\":1}}");
        using var tap = new UsageTap(UpstreamProtocol.OpenAIChat);
        var largest = 0;
        for (var offset = 0; offset < body.Length; offset += 16 * 1024)
        {
            tap.OnBodyChunk(body.AsSpan(offset, Math.Min(16 * 1024, body.Length - offset)));
            largest = Math.Max(largest, tap.BodyCarryCapacity);
        }

        Assert.True(tap.GaveUp);
        Assert.InRange(largest, 0, 4 * UsageTap.MaxCarryBytes);
    }

    private static byte[] Sse(string data) => Encoding.UTF8.GetBytes(data + "\n\n");

    private static UsageTap FeedBody(UpstreamProtocol protocol, byte[] body, int chunk)
    {
        var tap = new UsageTap(protocol);
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            tap.OnBodyChunk(body.AsSpan(offset, Math.Min(chunk, body.Length - offset)));
        }

        tap.OnBodyEnd();
        return tap;
    }
}
