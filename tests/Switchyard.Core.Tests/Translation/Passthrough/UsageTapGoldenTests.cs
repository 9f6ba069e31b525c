using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Passthrough;
using static Switchyard.Core.Tests.Translation.Passthrough.UsageTapRecordings;

namespace Switchyard.Core.Tests.Translation.Passthrough;

/// <summary>
/// Every recorded answer: the usage tap, reading the bytes as a pass-through relay sees them, must record what the
/// translating decoder yields for the same bytes (Responses, which has no upstream decoder, against a plain
/// JsonDocument reading of its usage objects).
/// </summary>
public sealed class UsageTapGoldenTests
{
    public static IEnumerable<object[]> SseStreams() =>
        All(Kind.Sse).Concat(All(Kind.Chunks)).Where(r => Protocol((string)r[0]) != UpstreamProtocol.BedrockConverse);

    public static IEnumerable<object[]> ConverseStreams() =>
        All(Kind.EventStream).Concat(All(Kind.Chunks).Where(r => Protocol((string)r[0]) == UpstreamProtocol.BedrockConverse));

    public static IEnumerable<object[]> Bodies() => All(Kind.Body);

    [Theory]
    [MemberData(nameof(SseStreams))]
    public void OnEvent_RecordedStream_MatchesDecoder(string folder, string file)
    {
        var protocol = Protocol(folder);
        var frames = Frames(folder, file);
        var expected = Expected(protocol, frames, out var failed);
        using var tap = new UsageTap(protocol);
        foreach (var ev in RawEvents(folder, file))
        {
            tap.OnEvent(ev);
            if (protocol == UpstreamProtocol.OpenAIChat)
            {
                // The usage-only chunk the relay hides: a usage object and an empty choices array, read plainly.
                Assert.Equal(IsUsageOnlyChunk(ev), tap.LastEventWasUsageOnlyChunk);
            }
        }

        if (failed)
        {
            // The decoder rejected the stream (Groq's in-stream error, Anthropic's spliced second message) and stopped
            // reading; the tap keeps reading what the client is shown, so it knows at least what the decoder knew.
            Assert.Equal(expected?.InputTokens is null, tap.Usage?.InputTokens is null);
            Assert.Equal(expected?.OutputTokens is null, tap.Usage?.OutputTokens is null);
            return;
        }

        Assert.Equal(expected, tap.Usage);
        using var framed = new UsageTap(protocol);
        foreach (var frame in frames)
        {
            framed.OnFrame(frame);
        }

        Assert.Equal(expected, framed.Usage);
    }

    [Theory]
    [MemberData(nameof(ConverseStreams))]
    public void OnEventStreamMessage_RecordedConverseStream_MatchesDecoder(string folder, string file)
    {
        var frames = Frames(folder, file);
        var (expected, _) = DecodeStream(UpstreamProtocol.BedrockConverse, frames);

        using var tap = new UsageTap(UpstreamProtocol.BedrockConverse);
        foreach (var frame in frames)
        {
            if (!frame.IsException)
            {
                tap.OnEventStreamMessage(frame.EventType, frame.Data.Span);
            }
        }

        Assert.Equal(expected, tap.Usage);
        Assert.NotNull(expected); // every recorded ConverseStream ends with a metadata event
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void OnBodyChunk_RecordedBodySplitAnywhere_MatchesDecoder(string folder, string file)
    {
        var protocol = Protocol(folder);
        var body = Bytes(folder, file);
        IrUsage? expected;
        string? expectedModel;
        if (protocol == UpstreamProtocol.OpenAIResponses)
        {
            using var doc = JsonDocument.Parse(body);
            expected = ResponsesUsage(doc.RootElement);
            expectedModel = doc.RootElement.TryGetProperty("model", out var m) ? m.GetString() : null;
        }
        else
        {
            (expected, expectedModel) = DecodeBody(protocol, body);
        }

        var whole = Tap(protocol, body, [body.Length]);
        Assert.Equal(expected, whole.Usage);
        using (var complete = new UsageTap(protocol, captureModel: false))
        {
            // The relay's one-buffer path (structural scan, no tokenising) reads the same numbers.
            complete.OnCompleteBody(body);
            Assert.Equal(expected, complete.Usage);
        }

        if (expectedModel is not null)
        {
            Assert.Equal(expectedModel, whole.Model);
        }

        for (var split = 1; split < body.Length; split++)
        {
            var usage = Tap(protocol, body, [split, body.Length - split]).Usage;
            Assert.True(Equals(expected, usage), $"split at {split}: expected {expected}, got {usage}");
        }

        Assert.Equal(expected, Tap(protocol, body, Enumerable.Repeat(1, body.Length).ToArray()).Usage);

        var random = new Random(file.Length * 7919);
        for (var round = 0; round < 20; round++)
        {
            var sizes = new List<int>();
            for (var left = body.Length; left > 0;)
            {
                var size = Math.Min(left, random.Next(1, 97));
                sizes.Add(size);
                left -= size;
            }

            var usage = Tap(protocol, body, [.. sizes]).Usage;
            Assert.True(Equals(expected, usage), $"chunks {string.Join(',', sizes)}: expected {expected}, got {usage}");
        }
    }

    [Fact]
    public void Recordings_EveryProtocolAndShape_HaveUsageToCompare()
    {
        // Guards the theories above against comparing nothing but nulls.
        var withUsage = new HashSet<(UpstreamProtocol, string)>();
        foreach (var r in SseStreams().Concat(ConverseStreams()))
        {
            var (folder, file) = ((string)r[0], (string)r[1]);
            if (Expected(Protocol(folder), Frames(folder, file), out _) is not null)
            {
                withUsage.Add((Protocol(folder), "stream"));
            }
        }

        foreach (var r in Bodies())
        {
            var (folder, file) = ((string)r[0], (string)r[1]);
            using var tap = Tap(Protocol(folder), Bytes(folder, file), [int.MaxValue]);
            if (tap.Usage is not null)
            {
                withUsage.Add((Protocol(folder), "body"));
            }
        }

        foreach (var protocol in Enum.GetValues<UpstreamProtocol>())
        {
            Assert.Contains((protocol, "stream"), withUsage);
            Assert.Contains((protocol, "body"), withUsage);
        }
    }

    private static IrUsage? Expected(UpstreamProtocol protocol, List<Switchyard.Core.Translation.UpstreamFrame> frames, out bool failed)
    {
        if (protocol == UpstreamProtocol.OpenAIResponses)
        {
            failed = false;
            return ResponsesStreamUsage(frames);
        }

        (var usage, failed) = DecodeStream(protocol, frames);
        return usage;
    }

    private static UsageTap Tap(UpstreamProtocol protocol, byte[] body, int[] sizes)
    {
        var tap = new UsageTap(protocol);
        var offset = 0;
        foreach (var size in sizes)
        {
            var n = Math.Min(size, body.Length - offset);
            tap.OnBodyChunk(body.AsSpan(offset, n));
            offset += n;
        }

        tap.OnBodyEnd();
        return tap;
    }

    private static bool IsUsageOnlyChunk(byte[] ev)
    {
        if (!Switchyard.Protocols.Sse.SseFrame.TryParse(ev, out _, out var data))
        {
            return false;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(data);
            var root = doc.RootElement;
            return root.ValueKind == System.Text.Json.JsonValueKind.Object
                && root.TryGetProperty("usage", out var usage) && usage.ValueKind == System.Text.Json.JsonValueKind.Object
                && root.TryGetProperty("choices", out var choices) && choices.ValueKind == System.Text.Json.JsonValueKind.Array && choices.GetArrayLength() == 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
