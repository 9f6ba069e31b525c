namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Golden cases for an OpenAI Responses client (<c>POST /v1/responses</c>) reaching OpenAI-chat-only (DeepSeek
/// provider serving OpenAI, DeepSeek, Groq, Mistral recordings), Anthropic, Gemini and Bedrock upstreams: output
/// items, status, usage as the recording says, with monotonic sequence numbers and one terminal event.
/// </summary>
public sealed class ResponsesClientTranslationTests(GoldenHarness harness) : GoldenChecks(harness)
{
    private protected override ClientKind Client => ClientKind.Responses;

    // Responses clients pass through only to providers that speak the Responses API (OpenAI itself), which no
    // recording here is served as: every upstream protocol below is a translation.
    private protected override UpstreamKind Native => (UpstreamKind)(-1);

    public static TheoryData<string> Recordings => GoldenHarness.Cases.Except((UpstreamKind)(-1));
    public static TheoryData<string, int> Errors => GoldenHarness.Cases.ErrorsExcept((UpstreamKind)(-1));
    public static TheoryData<UpstreamKind, bool> Requests => RequestCases((UpstreamKind)(-1));
    public static TheoryData<UpstreamKind> Cuts => CutCases((UpstreamKind)(-1));

    [Theory]
    [MemberData(nameof(Recordings))]
    public Task Answer_MatchesRecording(string fixture) => AnswerMatchesRecordingAsync(fixture);

    [Fact]
    public Task StreamedAndWholeAnswer_Agree() => StreamEqualsNonStreamAsync(GoldenHarness.Cases.Pairs[0].Json, GoldenHarness.Cases.Pairs[0].Stream);

    [Theory]
    [MemberData(nameof(Errors))]
    public Task UpstreamError_OpenAIErrorWithStatusAndMessage(string fixture, int status) => UpstreamErrorInClientShapeAsync(fixture, status, stream: false);

    [Theory]
    [MemberData(nameof(Errors))]
    public Task UpstreamErrorOnStreamRequest_OpenAIError(string fixture, int status) => UpstreamErrorInClientShapeAsync(fixture, status, stream: true);

    [Fact]
    public Task ErrorInsideGroqStream_EndsWithResponseFailed() => ErrorInsideStreamAsync("groq/pydai__test_tool_use_failed_error_streaming.0.sse");

    [Theory]
    [MemberData(nameof(Cuts))]
    public Task StreamCut_EndsWithResponseFailedAndNoCompleted(UpstreamKind upstream) => CutStreamEndsWithErrorAsync(upstream);

    [Theory]
    [MemberData(nameof(Requests))]
    public Task UpstreamRequest_IsTargetProtocol(UpstreamKind upstream, bool stream) => UpstreamRequestIsTargetProtocolAsync(upstream, stream);
}
