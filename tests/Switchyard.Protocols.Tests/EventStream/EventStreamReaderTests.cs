using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Switchyard.Protocols.EventStream;

namespace Switchyard.Protocols.Tests.EventStream;

public sealed class EventStreamReaderTests
{
    public static IEnumerable<object[]> StreamFiles() => BedrockFixtures.StreamFiles();

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void TryRead_RecordedStreamInOnePiece_DecodesEveryFrameAsTheManifestCountsThem(string file)
    {
        var bytes = BedrockFixtures.Read(file);
        var messages = EventStreamFeeder.DecodeAll(bytes, out var left);

        Assert.Equal(0, left);
        var (frames, events) = BedrockFixtures.ManifestSummary(file);
        Assert.Equal(frames, messages.Count);
        var counted = messages.GroupBy(m => m.EventType!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(events.OrderBy(e => e.Key), counted.OrderBy(e => e.Key));
        Assert.All(messages, m =>
        {
            Assert.Equal("event", m.MessageType);
            Assert.Equal("application/json", m.ContentType);
            using var doc = JsonDocument.Parse(m.Payload);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        });
        Assert.Equal("messageStart", messages[0].EventType);
        Assert.Equal("metadata", messages[^1].EventType);
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void TryRead_FedOneByteAtATime_SameMessagesAsInOnePiece(string file)
    {
        // Every prefix of the stream is offered once, so every possible split point is exercised.
        var bytes = BedrockFixtures.Read(file);
        var expected = EventStreamFeeder.DecodeAll(bytes, out _);
        var feeder = new EventStreamFeeder();
        for (var i = 0; i < bytes.Length; i++)
        {
            feeder.Append(bytes.AsSpan(i, 1));
        }

        AssertSame(expected, feeder.Messages);
        Assert.Equal(0, feeder.Pending);
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void TryRead_TwoPiecesSplitAnywhere_SameMessagesAsInOnePiece(string file)
    {
        var bytes = BedrockFixtures.Read(file);
        var expected = EventStreamFeeder.DecodeAll(bytes, out _);
        // Every split point for small captures; 300 seeded ones for the big plano captures (quadratic otherwise).
        var random = new Random(20261124);
        var splits = bytes.Length <= 16 * 1024
            ? Enumerable.Range(0, bytes.Length + 1)
            : Enumerable.Range(0, 300).Select(_ => random.Next(bytes.Length + 1));
        foreach (var split in splits)
        {
            var feeder = new EventStreamFeeder();
            feeder.Append(bytes.AsSpan(0, split));
            feeder.Append(bytes.AsSpan(split));
            AssertSame(expected, feeder.Messages);
        }
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void TryRead_MultiSegmentSequence_SameMessagesAsInOnePiece(string file)
    {
        var bytes = BedrockFixtures.Read(file);
        var expected = EventStreamFeeder.DecodeAll(bytes, out _);
        var random = new Random(7);
        var sequence = Segments.Build(bytes, () => random.Next(1, 97));

        var messages = new List<EventStreamMessage>();
        while (EventStreamReader.TryRead(ref sequence, out var message))
        {
            messages.Add(message!);
        }

        AssertSame(expected, messages);
        Assert.Equal(0, sequence.Length);
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void TryRead_TruncatedStream_WaitsForMoreInsteadOfFailing(string file)
    {
        var bytes = BedrockFixtures.Read(file);
        var expected = EventStreamFeeder.DecodeAll(bytes, out _);

        var messages = EventStreamFeeder.DecodeAll(bytes[..^1], out var left);

        Assert.Equal(expected.Count - 1, messages.Count);
        Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(bytes.Length - 1 - left)) - 1, left);
        Assert.False(EventStreamReader.TryRead(bytes.AsSpan(0, EventStreamReader.PreludeLength - 1), out var none, out var consumed));
        Assert.Null(none);
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void TryRead_AnyByteOfAFrameFlipped_ThrowsFormatException()
    {
        var bytes = BedrockFixtures.Read("pydai__test_bedrock_model_iter_stream.1.bin");
        var firstLength = BinaryPrimitives.ReadInt32BigEndian(bytes);
        for (var i = 0; i < firstLength; i++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x20;
            var e = Assert.Throws<EventStreamFormatException>(() => EventStreamFeeder.DecodeAll(corrupt, out _));
            Assert.Contains("CRC32", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryRead_FlippedByteInALaterFrame_EarlierFramesDecodeThenThrows()
    {
        var bytes = BedrockFixtures.Read("pydai__test_bedrock_model_stream.0.bin");
        var corrupt = (byte[])bytes.Clone();
        corrupt[^10] ^= 0x01;
        var feeder = new EventStreamFeeder();

        Assert.Throws<EventStreamFormatException>(() => feeder.Append(corrupt));
        Assert.Equal(BedrockFixtures.ManifestSummary("pydai__test_bedrock_model_stream.0.bin").Frames - 1, feeder.Messages.Count);
    }

    [Theory]
    [InlineData(15u, 0u)]
    [InlineData(EventStreamReader.MaximumMessageLength + 1u, 0u)]
    [InlineData(100u, 85u)]
    [InlineData(0x7FFF_FFF0u, 16u)]
    public void TryRead_ImpossibleLengthsWithValidPreludeCrc_ThrowsFormatException(uint total, uint headers)
    {
        var prelude = new byte[EventStreamReader.PreludeLength];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, total);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(4), headers);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), Crc32.Compute(prelude.AsSpan(0, 8)));

        Assert.Throws<EventStreamFormatException>(() => EventStreamReader.TryRead(prelude, out _, out _));
    }

    [Fact]
    public void TryRead_HeaderOfUnknownType_ThrowsFormatException()
    {
        var frame = EventStreamWriter.Encode([EventStreamHeader.FromString("a", "b")], "{}"u8);
        frame[EventStreamReader.PreludeLength + 2] = 42; // the type byte of header "a"
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(frame.Length - 4), Crc32.Compute(frame.AsSpan(0, frame.Length - 4)));

        Assert.Throws<EventStreamFormatException>(() => EventStreamReader.TryRead(frame, out _, out _));
    }

    [Fact]
    public void Crc32_StandardCheckValue_Matches()
    {
        // The CRC-32/ISO-HDLC check value of "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(Crc32.Compute("123456789"u8), Crc32.Append(Crc32.Compute("1234"u8), "56789"u8));
    }

    private static void AssertSame(List<EventStreamMessage> expected, List<EventStreamMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].EventType, actual[i].EventType);
            Assert.True(expected[i].Payload.Span.SequenceEqual(actual[i].Payload.Span), $"payload {i} differs");
        }
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Build(byte[] bytes, Func<int> nextLength)
        {
            var first = new Segments(bytes.AsMemory(0, Math.Min(nextLength(), bytes.Length)), 0);
            var last = first;
            var pos = first.Memory.Length;
            while (pos < bytes.Length)
            {
                var next = new Segments(bytes.AsMemory(pos, Math.Min(nextLength(), bytes.Length - pos)), pos);
                last.Next = next;
                last = next;
                pos += next.Memory.Length;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
