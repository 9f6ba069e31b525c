using System.Text;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Protocols.Tests.OpenAIChat;

public class ChatUsageTests
{
    [Fact]
    public void TryReadFromEvent_RecordedUsageChunk_ReadsEveryCounter()
    {
        var events = File.ReadAllText(FixturePaths.Raw("openai", "envoy__chat-streaming-detailed-usage.0.sse")).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var usageEvent = events.Single(e => e.Contains("\"choices\":[]", StringComparison.Ordinal));

        Assert.True(ChatUsage.TryReadFromEvent(Encoding.UTF8.GetBytes(usageEvent), out var usage, out var choicesEmpty));

        Assert.True(choicesEmpty);
        Assert.Equal(new ChatUsage(12, 100, 0, 100), usage); // prompt, completion, cached, reasoning as recorded
    }

    [Fact]
    public void TryReadFromEvent_ChunkWithNullUsage_IsFalse()
    {
        var events = File.ReadAllText(FixturePaths.Raw("openai", "envoy__chat-streaming-detailed-usage.0.sse")).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.False(ChatUsage.TryReadFromEvent(Encoding.UTF8.GetBytes(events[0]), out _, out _));
    }

    [Fact]
    public void TryReadFromEvent_UsageOnAChunkWithChoices_ReadButNotEmpty()
    {
        const string ev = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\n";
        Assert.True(ChatUsage.TryReadFromEvent(Encoding.UTF8.GetBytes(ev), out var usage, out var choicesEmpty));
        Assert.False(choicesEmpty);
        Assert.Equal(new ChatUsage(3, 4, null, null), usage);
    }
}
