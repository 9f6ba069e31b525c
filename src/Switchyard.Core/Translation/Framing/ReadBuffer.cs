using System.Buffers;

namespace Switchyard.Core.Translation.Framing;

/// <summary>
/// A pooled, growable read window over an upstream stream: unread bytes stay at the front, the array grows only for a
/// frame larger than it. Shared by the frame readers so buffer handling lives in one place.
/// </summary>
public sealed class ReadBuffer(Stream source) : IDisposable
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
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = await source.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
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
