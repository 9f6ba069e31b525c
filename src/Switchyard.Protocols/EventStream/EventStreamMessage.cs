namespace Switchyard.Protocols.EventStream;

/// <summary>
/// One decoded AWS event-stream message: its headers and payload. The message owns its bytes (copied out of the
/// read buffer), so it stays valid after the caller reuses that buffer.
/// </summary>
public sealed class EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, ReadOnlyMemory<byte> payload)
{
    /// <summary><c>event</c>, <c>exception</c> or <c>error</c>.</summary>
    public const string MessageTypeHeader = ":message-type";
    /// <summary>The event's name for <c>event</c> messages (e.g. <c>contentBlockDelta</c>).</summary>
    public const string EventTypeHeader = ":event-type";
    /// <summary>The modeled exception's name for <c>exception</c> messages (e.g. <c>throttlingException</c>).</summary>
    public const string ExceptionTypeHeader = ":exception-type";
    public const string ContentTypeHeader = ":content-type";
    /// <summary>The error code of an unmodeled <c>error</c> message.</summary>
    public const string ErrorCodeHeader = ":error-code";
    /// <summary>The error text of an unmodeled <c>error</c> message.</summary>
    public const string ErrorMessageHeader = ":error-message";

    public IReadOnlyList<EventStreamHeader> Headers { get; } = headers;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public string? MessageType => GetString(MessageTypeHeader);

    public string? EventType => GetString(EventTypeHeader);

    public string? ExceptionType => GetString(ExceptionTypeHeader);

    public string? ContentType => GetString(ContentTypeHeader);

    public string? ErrorCode => GetString(ErrorCodeHeader);

    public string? ErrorMessage => GetString(ErrorMessageHeader);

    /// <summary>True for <c>exception</c> and <c>error</c> messages (anything that ends the stream with a failure).</summary>
    public bool IsError => MessageType is "exception" or "error";

    /// <summary>The first header named <paramref name="name"/> (exact, case-sensitive), or null.</summary>
    public EventStreamHeader? Find(string name)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i].Name, name, StringComparison.Ordinal))
            {
                return Headers[i];
            }
        }

        return null;
    }

    /// <summary>The value of the string header <paramref name="name"/>, or null when absent or not a string.</summary>
    public string? GetString(string name) => Find(name)?.StringValue;
}
