namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Golden cases for an Anthropic Messages client (<c>POST /v1/messages</c>) reaching OpenAI-chat (OpenAI, DeepSeek,
/// Groq, Mistral recordings), Gemini and Bedrock upstreams: blocks, thinking (with signatures where the upstream has
/// them), tool_use, stop_reason and usage as the recording says, in a well-formed Anthropic envelope.
/// </summary>
public sealed class MessagesClientTranslationTests(GoldenHarness harness) : GoldenChecks(harness)
{
    private protected override ClientKind Client => ClientKind.Messages;
    private protected override UpstreamKind Native => UpstreamKind.Anthropic;

    public static TheoryData<string> Recordings => GoldenHarness.Cases.Except(UpstreamKind.Anthropic);
    public static TheoryData<string, int> Errors => GoldenHarness.Cases.ErrorsExcept(UpstreamKind.Anthropic);
    public static TheoryData<UpstreamKind, bool> Requests => RequestCases(UpstreamKind.Anthropic);
    public static TheoryData<UpstreamKind> Cuts => CutCases(UpstreamKind.Anthropic);

    [Theory]
    [MemberData(nameof(Recordings))]
    public Task Answer_MatchesRecording(string fixture) => AnswerMatchesRecordingAsync(fixture);

    [Fact]
    public Task StreamedAndWholeAnswer_Agree() => StreamEqualsNonStreamAsync(GoldenHarness.Cases.Pairs[0].Json, GoldenHarness.Cases.Pairs[0].Stream);

    [Theory]
    [MemberData(nameof(Errors))]
    public Task UpstreamError_AnthropicErrorWithStatusAndMessage(string fixture, int status) => UpstreamErrorInClientShapeAsync(fixture, status, stream: false);

    [Theory]
    [MemberData(nameof(Errors))]
    public Task UpstreamErrorOnStreamRequest_AnthropicError(string fixture, int status) => UpstreamErrorInClientShapeAsync(fixture, status, stream: true);

    [Fact]
    public Task ErrorInsideGroqStream_EndsWithErrorEvent() => ErrorInsideStreamAsync("groq/pydai__test_tool_use_failed_error_streaming.0.sse");

    [Theory]
    [MemberData(nameof(Cuts))]
    public Task StreamCut_EndsWithErrorEventAndNoMessageStop(UpstreamKind upstream) => CutStreamEndsWithErrorAsync(upstream);

    [Theory]
    [MemberData(nameof(Requests))]
    public Task UpstreamRequest_IsTargetProtocol(UpstreamKind upstream, bool stream) => UpstreamRequestIsTargetProtocolAsync(upstream, stream);
}
