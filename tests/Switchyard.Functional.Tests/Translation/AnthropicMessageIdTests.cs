using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Issue 11 item 4: an Anthropic Messages client answered by another upstream gets an Anthropic-style message id —
/// <c>msg_</c> + the upstream's own id (so the answer can be found in the provider's logs), or, when the upstream
/// sends none (Bedrock Converse, old Gemini), a fresh id of Anthropic's shape. JSON answers and the stream's
/// message_start alike. The reverse (a chat client served by Anthropic) keeps Anthropic's id unchanged.
/// </summary>
public sealed partial class AnthropicMessageIdTests(GoldenHarness harness) : IClassFixture<GoldenHarness>
{
    public static TheoryData<string> WithUpstreamId =>
    [
        "openai/envoy__chat-basic.0.json",
        "openai/envoy__chat-streaming.0.sse",
        "deepseek/vercel__deepseek-tool-call.chunks.txt",
        "gemini/pydai__test_google_extra_headers.0.json",
        "gemini/pydai__test_google_model_stream.0.sse",
    ];

    public static TheoryData<string> WithoutUpstreamId =>
    [
        "bedrock/pydai__test_bedrock_model.0.json",
        "bedrock/pydai__test_bedrock_model_stream.0.bin",
        "gemini/gaijs__unary-success-basic-reply-short.json",
        "gemini/gaijs__streaming-success-basic-reply-short.txt",
    ];

    [Theory]
    [MemberData(nameof(WithUpstreamId))]
    public async Task MessagesClient_UpstreamId_BecomesMsgPlusThatId(string fixture)
    {
        var recording = Recording.Load(fixture);
        var upstreamId = UpstreamId(recording);
        Assert.False(string.IsNullOrEmpty(upstreamId), "the recording has no id");
        Assert.False(upstreamId.StartsWith("msg_", StringComparison.Ordinal));

        Assert.Equal("msg_" + upstreamId, await MessageIdAsync(recording));
    }

    [Theory]
    [MemberData(nameof(WithoutUpstreamId))]
    public async Task MessagesClient_NoUpstreamId_FreshIdOfAnthropicsShape(string fixture)
    {
        var recording = Recording.Load(fixture);
        Assert.Null(UpstreamId(recording));

        var first = await MessageIdAsync(recording);
        var second = await MessageIdAsync(recording);
        Assert.Matches(AnthropicShape(), first);
        Assert.Matches(AnthropicShape(), second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void AnthropicShape_MatchesTheRecordedAnthropicIds()
    {
        // The shape the fresh ids follow, checked against every message id Anthropic sent in the recordings (vercel's
        // .chunks.txt files are left out: two of them hold hand-made ids, msg_01RefusalStream… and a bare uuid).
        var ids = new List<string>();
        foreach (var fixture in GoldenHarness.Cases.Anthropic.Where(f => !f.EndsWith(".chunks.txt", StringComparison.Ordinal)))
        {
            ids.AddRange(MsgIds().Matches(System.Text.Encoding.UTF8.GetString(Recording.Load(fixture).Body)).Select(m => m.Groups[1].Value));
        }

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Matches(AnthropicShape(), id));
    }

    [Theory]
    [InlineData("anthropic/vercel__anthropic-text.json")]
    [InlineData("anthropic/llmanth__test_stream_events_text.0.sse")]
    public async Task ChatClient_AnthropicUpstream_KeepsAnthropicsId(string fixture)
    {
        var recording = Recording.Load(fixture);
        var upstreamId = UpstreamId(recording);
        Assert.StartsWith("msg_", upstreamId);

        _ = harness.Serve(GoldenHarness.Recorded(recording));
        var (response, body) = await harness.PostAsync(ClientKind.Chat, recording.Kind, recording.Stream);
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, body);
            var ids = recording.Stream
                ? Sse.Parse(body).Where(e => e.Data != "[DONE]").Select(e => Golden.Str(JsonDocument.Parse(e.Data).RootElement, "id")).Distinct().ToList()
                : [Golden.Str(JsonDocument.Parse(body).RootElement, "id")];
            Assert.Equal(upstreamId, Assert.Single(ids));
        }
    }

    /// <summary>The id the Anthropic client sees: the JSON answer's <c>id</c>, or message_start's <c>message.id</c>.</summary>
    private async Task<string> MessageIdAsync(Recording recording)
    {
        _ = harness.Serve(GoldenHarness.Recorded(recording));
        var (response, body) = await harness.PostAsync(ClientKind.Messages, recording.Kind, recording.Stream);
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, body);
            if (!recording.Stream)
            {
                ClientReaders.MessagesJson(body);
                return Golden.Str(JsonDocument.Parse(body).RootElement, "id")!;
            }

            var events = Sse.Parse(body);
            ClientReaders.MessagesStream(events);
            return Golden.Str(JsonDocument.Parse(events[0].Data).RootElement, "message", "id")!;
        }
    }

    /// <summary>The id in the recording itself (OpenAI/Anthropic <c>id</c>, Gemini <c>responseId</c>), read independently of the gateway.</summary>
    private static string? UpstreamId(Recording recording)
    {
        if (recording.Kind == Translation.UpstreamKind.Bedrock)
        {
            return null; // Converse answers and event streams carry no id
        }

        var first = recording.Stream ? Sse.Parse(recording.Body)[0].Data : System.Text.Encoding.UTF8.GetString(recording.Body);
        var root = JsonDocument.Parse(first).RootElement;
        return Golden.Str(root, "id") ?? Golden.Str(root, "responseId") ?? Golden.Str(root, "message", "id");
    }

    [GeneratedRegex("^msg_01[1-9A-HJ-NP-Za-km-z]{22}$")]
    private static partial Regex AnthropicShape();

    [GeneratedRegex("\"id\" ?: ?\"(msg_[^\"]*)\"")]
    private static partial Regex MsgIds();
}
