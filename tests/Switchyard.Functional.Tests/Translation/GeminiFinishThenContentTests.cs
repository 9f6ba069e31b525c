using System.Text.Json;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Issue 11 item 4: Gemini streams recorded from older API versions carry <c>finishReason</c> on every chunk, text
/// following it. The client's stream must still end once, after all the text: for a chat client one finish_reason on
/// the last choice chunk, for an Anthropic client one text block and then message_delta/message_stop.
/// </summary>
public sealed class GeminiFinishThenContentTests(GoldenHarness harness) : IClassFixture<GoldenHarness>
{
    public static TheoryData<string> Fixtures =>
    [
        "gemini/gaijs__streaming-success-basic-reply-long.txt",
        "gemini/gaijs__streaming-success-utf8.txt",
        "gemini/gaijs__streaming-success-citations.txt",
    ];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task ChatClient_FinishReasonOnTheLastChoiceChunkAfterAllText(string fixture)
    {
        var recording = Recording.Load(fixture);
        Assert.True(FinishReasons(recording) > 1, "the recording has no content after its first finishReason");
        var events = await StreamAsync(ClientKind.Chat, recording);

        Assert.Equal("[DONE]", events[^1].Data);
        var text = "";
        string? finish = null;
        foreach (var ev in events.SkipLast(1))
        {
            var choices = JsonDocument.Parse(ev.Data).RootElement.GetProperty("choices");
            if (choices.GetArrayLength() == 0)
            {
                continue; // the usage chunk
            }

            Assert.True(finish is null, $"a choice chunk after finish_reason '{finish}': {ev.Data}");
            var choice = choices[0];
            text += Golden.Str(choice, "delta", "content");
            finish = Golden.Str(choice, "finish_reason");
        }

        Assert.Equal("stop", finish);
        Assert.Equal(recording.Expected().Text, text);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task MessagesClient_OneTextBlockThenStop(string fixture)
    {
        var recording = Recording.Load(fixture);
        var events = await StreamAsync(ClientKind.Messages, recording);

        var answer = ClientReaders.MessagesStream(events);
        Assert.Equal(1, events.Count(e => e.Name == "content_block_start"));
        Assert.Equal(recording.Expected().Text, answer.Text);
        Assert.Equal("end_turn", answer.Finish);
    }

    private async Task<List<SseEvent>> StreamAsync(ClientKind client, Recording recording)
    {
        Assert.True(recording.Stream);
        _ = harness.Serve(GoldenHarness.Recorded(recording));
        var (response, body) = await harness.PostAsync(client, recording.Kind, stream: true);
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
            return Sse.Parse(body);
        }
    }

    private static int FinishReasons(Recording recording)
        => Sse.Parse(recording.Body).Count(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("candidates")[0].TryGetProperty("finishReason", out _));
}
