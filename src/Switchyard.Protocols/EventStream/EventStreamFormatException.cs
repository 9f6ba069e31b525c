namespace Switchyard.Protocols.EventStream;

/// <summary>
/// The bytes are not a valid AWS event-stream: a prelude or message CRC32 mismatch, impossible lengths, or a malformed
/// header. The stream cannot be resynchronised after this (frame boundaries are unknown), so it must be abandoned.
/// </summary>
public sealed class EventStreamFormatException : Exception
{
    public EventStreamFormatException()
    {
    }

    public EventStreamFormatException(string message)
        : base(message)
    {
    }

    public EventStreamFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
