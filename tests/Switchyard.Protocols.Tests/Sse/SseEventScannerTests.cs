using System.Text;
using Switchyard.Protocols.Sse;

namespace Switchyard.Protocols.Tests.Sse;

public class SseEventScannerTests
{
    [Theory]
    [InlineData("data: a\n\n", 9)]
    [InlineData("data: a\r\n\r\n", 11)]
    [InlineData("data: a\r\rdata: b", 9)]
    [InlineData("data: a\r\n\ndata: b", 10)]
    [InlineData("event: x\ndata: a\n\ndata: b\n\n", 18)]
    [InlineData(": comment\n\n", 11)]
    public void FindEventEnd_CompleteEvent_ReturnsLengthIncludingBlankLine(string input, int expected)
        => Assert.Equal(expected, SseEventScanner.FindEventEnd(Encoding.UTF8.GetBytes(input)));

    [Theory]
    [InlineData("")]
    [InlineData("data: a")]
    [InlineData("data: a\n")]
    [InlineData("data: a\r\n")]
    [InlineData("data: a\r\n\r")] // the final \r may be followed by \n: not complete yet
    [InlineData("data: {\"x\":")]
    public void FindEventEnd_IncompleteEvent_ReturnsMinusOne(string input)
        => Assert.Equal(-1, SseEventScanner.FindEventEnd(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void FindEventEnd_TrailingCarriageReturnAtEndOfStream_IsComplete()
        => Assert.Equal(9, SseEventScanner.FindEventEnd("data: a\r\r"u8, endOfStream: true));

    [Fact]
    public void FindEventEnd_EventSplitInsideUtf8Character_FindsBoundaryOnlyWhenComplete()
    {
        // "é" is 0xC3 0xA9: a split between the two bytes must not look like an event end.
        var full = Encoding.UTF8.GetBytes("data: {\"t\":\"caf\u00e9\"}\n\ndata: next\n\n");
        var splitAt = Array.IndexOf(full, (byte)0xC3) + 1;
        Assert.Equal(-1, SseEventScanner.FindEventEnd(full.AsSpan(0, splitAt)));
        var first = SseEventScanner.FindEventEnd(full);
        Assert.Equal("data: {\"t\":\"caf\u00e9\"}\n\n", Encoding.UTF8.GetString(full, 0, first));
    }

    [Fact]
    public void FindEventEnd_EveryPrefixOfRecordedStream_NeverReportsABoundaryInsideAnEvent()
    {
        var bytes = File.ReadAllBytes(FixturePaths.Raw("openai", "envoy__chat-streaming.0.sse"));
        var events = SplitAll(bytes);
        Assert.True(events.Count > 10);
        Assert.Equal(bytes, events.SelectMany(e => e).ToArray());

        // Feeding the stream one byte at a time yields the same events (a split inside `data:`, inside JSON, anywhere).
        var pending = new List<byte>();
        var incremental = new List<byte[]>();
        foreach (var b in bytes)
        {
            pending.Add(b);
            var n = SseEventScanner.FindEventEnd(pending.ToArray());
            if (n > 0)
            {
                incremental.Add(pending.Take(n).ToArray());
                pending.RemoveRange(0, n);
            }
        }

        Assert.Equal(events.Select(Convert.ToHexString), incremental.Select(Convert.ToHexString));
    }

    [Theory]
    [InlineData("data: [DONE]\n\n", true)]
    [InlineData("data:[DONE]\n\n", true)]
    [InlineData("data: {\"content\":\"[DONE]\"}\n\n", false)]
    [InlineData("event: done\n\n", false)]
    public void IsDoneEvent_RecognisesOpenAIEndMarkerOnly(string ev, bool expected)
        => Assert.Equal(expected, SseEventScanner.IsDoneEvent(Encoding.UTF8.GetBytes(ev)));

    [Fact]
    public void FindEventEnd_CrLfStreamFromGemini_SplitsIntoEvents()
    {
        var bytes = File.ReadAllBytes(FixturePaths.Raw("gemini", "gaijs__streaming-success-basic-reply-short.txt"));
        var events = SplitAll(bytes);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.StartsWith("data: ", Encoding.UTF8.GetString(e)));
    }

    private static List<byte[]> SplitAll(byte[] bytes)
    {
        var list = new List<byte[]>();
        var offset = 0;
        int n;
        while ((n = SseEventScanner.FindEventEnd(bytes.AsSpan(offset), endOfStream: true)) > 0)
        {
            list.Add(bytes.AsSpan(offset, n).ToArray());
            offset += n;
        }

        if (offset < bytes.Length)
        {
            list.Add(bytes.AsSpan(offset).ToArray());
        }

        return list;
    }
}
