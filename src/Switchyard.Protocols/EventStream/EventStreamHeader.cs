using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Protocols.EventStream;

/// <summary>The wire type byte of an event-stream header value.</summary>
public enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Short = 3,
    Int = 4,
    Long = 5,
    Bytes = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}

/// <summary>
/// One header of an event-stream message. <see cref="Value"/> holds the value bytes as on the wire, without the
/// 2-byte length prefix of <c>bytes</c>/<c>string</c> values (integers stay big-endian), so a header can be read
/// and written back unchanged whatever its type.
/// </summary>
public readonly record struct EventStreamHeader(string Name, EventStreamHeaderType Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>A <c>string</c> header (type 7), the type AWS uses for <c>:event-type</c> and friends.</summary>
    public static EventStreamHeader FromString(string name, string value) =>
        new(name, EventStreamHeaderType.String, Encoding.UTF8.GetBytes(value));

    /// <summary>The value of a <c>string</c> header; null for other types.</summary>
    public string? StringValue => Type == EventStreamHeaderType.String ? Encoding.UTF8.GetString(Value.Span) : null;

    /// <summary>The value of a bool header; null for other types.</summary>
    public bool? BoolValue => Type switch
    {
        EventStreamHeaderType.BoolTrue => true,
        EventStreamHeaderType.BoolFalse => false,
        _ => null,
    };

    /// <summary>
    /// The value of an integer header (byte, short, int, long) or a timestamp (milliseconds since the Unix epoch);
    /// null for other types.
    /// </summary>
    public long? IntegerValue => Type switch
    {
        EventStreamHeaderType.Byte => (sbyte)Value.Span[0],
        EventStreamHeaderType.Short => BinaryPrimitives.ReadInt16BigEndian(Value.Span),
        EventStreamHeaderType.Int => BinaryPrimitives.ReadInt32BigEndian(Value.Span),
        EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp => BinaryPrimitives.ReadInt64BigEndian(Value.Span),
        _ => null,
    };

    /// <summary>The value bytes' length a header of <paramref name="type"/> has on the wire when fixed; -1 when length-prefixed.</summary>
    internal static int FixedLength(EventStreamHeaderType type) => type switch
    {
        EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => 0,
        EventStreamHeaderType.Byte => 1,
        EventStreamHeaderType.Short => 2,
        EventStreamHeaderType.Int => 4,
        EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp => 8,
        EventStreamHeaderType.Uuid => 16,
        EventStreamHeaderType.Bytes or EventStreamHeaderType.String => -1,
        _ => throw new EventStreamFormatException($"unknown event-stream header value type {(byte)type}"),
    };
}
