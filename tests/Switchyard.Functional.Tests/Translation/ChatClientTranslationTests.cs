using System.Text;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Golden cases for an OpenAI chat client (<c>POST /v1/chat/completions</c>) reaching Anthropic, Gemini and Bedrock
/// upstreams that serve real recorded answers: what the client reads equals what the recording says.
/// </summary>
public sealed class ChatClientTranslationTests(GoldenHarness harness) : GoldenChecks(harness)
{
    private protected override ClientKind Client => ClientKind.Chat;
    private protected override UpstreamKind Native => UpstreamKind.OpenAIChat;

    public static TheoryData<string> Recordings => GoldenHarness.Cases.Except(UpstreamKind.OpenAIChat);
    public static TheoryData<string, int> Errors => GoldenHarness.Cases.ErrorsExcept(UpstreamKind.OpenAIChat);
    public static TheoryData<UpstreamKind, bool> Requests => RequestCases(UpstreamKind.OpenAIChat);
    public static TheoryData<UpstreamKind> Cuts => CutCases(UpstreamKind.OpenAIChat);

    [Theory]
    [MemberData(nameof(Recordings))]
    public Task Answer_MatchesRecording(string fixture) => AnswerMatchesRecordingAsync(fixture);

    /// <summary>Without stream_options.include_usage the client sees no usage chunk (the gateway still reads usage).</summary>
    [Theory]
    [InlineData(UpstreamKind.Anthropic, "anthropic/llmanth__test_stream_events_thinking.0.sse")]
    [InlineData(UpstreamKind.Gemini, "gemini/pydai__test_google_model_thinking_part_iter.0.sse")]
    [InlineData(UpstreamKind.Bedrock, "bedrock/pydai__test_bedrock_model_thinking_part_stream.0.bin")]
    public async Task StreamWithoutIncludeUsage_HasNoUsageChunk(UpstreamKind upstream, string fixture)
    {
        var recording = Recording.Load(fixture);
        Assert.Equal(upstream, recording.Kind);
        _ = Harness.Serve(GoldenHarness.Recorded(recording));
        var body = GoldenHarness.RequestBody(ClientKind.Chat, upstream, stream: true).Replace(",\"stream_options\":{\"include_usage\":true}", "", StringComparison.Ordinal);
        Assert.DoesNotContain("include_usage", body, StringComparison.Ordinal);
        using var response = await Harness.Gateway.PostAsync("/v1/chat/completions", Encoding.UTF8.GetBytes(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var events = Sse.Parse(text);
        Assert.DoesNotContain(events, e => e.Data != "[DONE]" && System.Text.Json.JsonDocument.Parse(e.Data).RootElement.TryGetProperty("usage", out var u) && u.ValueKind != System.Text.Json.JsonValueKind.Null);
        var expected = recording.Expected();
        expected.Usage = null;
        var actual = ClientReaders.ChatStream(events);
        Golden.AssertSame(ClientKind.Chat, expected, actual, "chat stream without include_usage ← " + fixture);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public Task UpstreamError_OpenAIErrorObjectWithStatusAndMessage(string fixture, int status) => UpstreamErrorInClientShapeAsync(fixture, status, stream: false);

    [Theory]
    [MemberData(nameof(Errors))]
    public Task UpstreamErrorOnStreamRequest_OpenAIErrorObject(string fixture, int status) => UpstreamErrorInClientShapeAsync(fixture, status, stream: true);

    [Theory]
    [MemberData(nameof(Cuts))]
    public Task StreamCut_EndsWithErrorChunkAndNoDone(UpstreamKind upstream) => CutStreamEndsWithErrorAsync(upstream);

    [Theory]
    [MemberData(nameof(Requests))]
    public Task UpstreamRequest_IsTargetProtocol(UpstreamKind upstream, bool stream) => UpstreamRequestIsTargetProtocolAsync(upstream, stream);
}
