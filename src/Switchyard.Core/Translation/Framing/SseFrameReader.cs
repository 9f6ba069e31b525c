using System.Buffers;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Framing;

/// <summary>SSE framing: one frame per event that carries data (comments and keep-alives are skipped).</summary>
public sealed class SseFrameReader(Stream upstream) : IUpstreamFrameReader
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;
    private bool _eof;

    public async ValueTask<UpstreamFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var n = SseEventScanner.FindEventEnd(_buffer.AsSpan(_start, _end - _start), _eof);
            if (n < 0 && _eof && _end > _start)
            {
                n = _end - _start; // a last event without its blank line
            }

            if (n > 0)
            {
                var ev = _buffer.AsSpan(_start, n);
                _start += n;
                if (SseFrame.TryParse(ev, out var name, out var data))
                {
                    return new UpstreamFrame(name, data);
                }

                continue;
            }

            if (_eof)
            {
                return null;
            }

            Compact();
            var read = await upstream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _eof = read == 0;
            _end += read;
        }
    }

    private void Compact()
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
