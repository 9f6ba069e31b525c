using System.Buffers;

namespace Switchyard.Core.Translation.Framing;

/// <summary>
/// A pooled, growable read window over an upstream stream: unread bytes stay at the front, the array grows only for a
/// frame larger than it, and never past <c>maxFrameBytes</c> (<c>max_event_bytes</c>): an upstream whose event does
/// not fit gets <see cref="FrameTooLargeException"/>, so outside input cannot grow memory without bound. Shared by
/// the frame readers and the pass-through relay so buffer handling lives in one place.
/// </summary>
public sealed class ReadBuffer(Stream source, int maxFrameBytes = int.MaxValue) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;

    /// <summary>Bytes read but not consumed.</summary>
    public ReadOnlySpan<byte> Unread => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Bytes read but not consumed, as memory (valid until the next fill).</summary>
    public ReadOnlyMemory<byte> UnreadMemory => _buffer.AsMemory(_start, _end - _start);

    /// <summary>True once the source returned 0.</summary>
    public bool EndOfStream { get; private set; }

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="Unread"/> as consumed.</summary>
    public void Consume(int count) => _start += count;

    /// <summary>Reads more from the source (once); false at end of stream.</summary>
    /// <exception cref="FrameTooLargeException">More than the bound is unread and no frame ended in it.</exception>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end >= maxFrameBytes)
        {
            throw new FrameTooLargeException(maxFrameBytes); // that much unread and still no whole frame in it
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, Math.Max(maxFrameBytes, _buffer.Length + 1)));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        // Never hold more than the bound unread: a frame that does not end within it fails on the next fill.
        var room = Math.Min(_buffer.Length - _end, maxFrameBytes - _end);
        var read = await source.ReadAsync(_buffer.AsMemory(_end, room), cancellationToken).ConfigureAwait(false);
        EndOfStream = read == 0;
        _end += read;
        return read > 0;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>An upstream event or frame larger than <c>max_event_bytes</c>: the stream is treated as broken.</summary>
public sealed class FrameTooLargeException(int limit)
    : IOException($"the upstream sent an event larger than {limit} bytes (max_event_bytes)")
{
    public int Limit { get; } = limit;
}
