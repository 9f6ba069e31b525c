namespace Switchyard.Core.Translation.Framing;

/// <summary>Splits an upstream stream body into frames (SSE events or AWS event-stream messages).</summary>
public interface IUpstreamFrameReader : IDisposable
{
    /// <summary>The next frame, or null at the end of the stream. I/O errors and cancellation propagate.</summary>
    /// <exception cref="InvalidDataException">The framing is corrupt (e.g. an event-stream CRC mismatch).</exception>
    ValueTask<UpstreamFrame?> ReadAsync(CancellationToken cancellationToken);
}
