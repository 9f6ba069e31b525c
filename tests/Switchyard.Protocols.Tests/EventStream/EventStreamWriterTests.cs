using System.Buffers.Binary;
using Switchyard.Protocols.EventStream;

namespace Switchyard.Protocols.Tests.EventStream;

public sealed class EventStreamWriterTests
{
    public static IEnumerable<object[]> StreamFiles() => BedrockFixtures.StreamFiles();

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void Encode_DecodedRecordedFrames_ReproducesTheRecordedBytes(string file)
    {
        var bytes = BedrockFixtures.Read(file);
        var messages = EventStreamFeeder.DecodeAll(bytes, out _);

        var reencoded = messages.SelectMany(m => EventStreamWriter.Encode(m.Headers, m.Payload.Span)).ToArray();

        Assert.Equal(bytes, reencoded);
    }

    [Fact]
    public void Encode_EveryHeaderType_ReadsBackTheSameValues()
    {
        var uuid = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var int64 = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(int64, -5_000_000_000L);
        var timestamp = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(timestamp, 1_440_938_160_000L);
        EventStreamHeader[] headers =
        [
            new("t", EventStreamHeaderType.BoolTrue, ReadOnlyMemory<byte>.Empty),
            new("f", EventStreamHeaderType.BoolFalse, ReadOnlyMemory<byte>.Empty),
            new("b", EventStreamHeaderType.Byte, new byte[] { 0xFF }),
            new("s", EventStreamHeaderType.Short, new byte[] { 0x80, 0x00 }),
            new("i", EventStreamHeaderType.Int, new byte[] { 0x00, 0x01, 0x00, 0x00 }),
            new("l", EventStreamHeaderType.Long, int64),
            new("bytes", EventStreamHeaderType.Bytes, new byte[] { 0, 1, 2 }),
            EventStreamHeader.FromString(":event-type", "héllo"),
            new("ts", EventStreamHeaderType.Timestamp, timestamp),
            new("u", EventStreamHeaderType.Uuid, uuid),
        ];

        var frame = EventStreamWriter.Encode(headers, "payload"u8);
        Assert.True(EventStreamReader.TryRead(frame, out var message, out var consumed));

        Assert.Equal(frame.Length, consumed);
        Assert.Equal("payload"u8.ToArray(), message!.Payload.ToArray());
        Assert.True(message.Find("t")!.Value.BoolValue);
        Assert.False(message.Find("f")!.Value.BoolValue);
        Assert.Equal(-1, message.Find("b")!.Value.IntegerValue);
        Assert.Equal(short.MinValue, message.Find("s")!.Value.IntegerValue);
        Assert.Equal(65536, message.Find("i")!.Value.IntegerValue);
        Assert.Equal(-5_000_000_000L, message.Find("l")!.Value.IntegerValue);
        Assert.Equal(new byte[] { 0, 1, 2 }, message.Find("bytes")!.Value.Value.ToArray());
        Assert.Equal("héllo", message.EventType);
        Assert.Equal(1_440_938_160_000L, message.Find("ts")!.Value.IntegerValue);
        Assert.Equal(uuid, message.Find("u")!.Value.Value.ToArray());
        Assert.Null(message.Find("u")!.Value.StringValue);
    }

    [Fact]
    public void Exception_BedrockShape_ReadsBackAsAnErrorMessage()
    {
        var frame = EventStreamWriter.Exception("throttlingException", """{"message":"slow down"}"""u8);

        Assert.True(EventStreamReader.TryRead(frame, out var message, out _));
        Assert.True(message!.IsError);
        Assert.Equal("exception", message.MessageType);
        Assert.Equal("throttlingException", message.ExceptionType);
        Assert.Null(message.EventType);
    }
}
