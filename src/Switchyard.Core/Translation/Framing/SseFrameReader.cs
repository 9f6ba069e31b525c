using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Framing;

/// <summary>SSE framing: one frame per event that carries data (comments and keep-alives are skipped).</summary>
public sealed class SseFrameReader(Stream upstream, int maxFrameBytes = int.MaxValue) : IUpstreamFrameReader
{
    private readonly ReadBuffer _buffer = new(upstream, maxFrameBytes);

    public async ValueTask<UpstreamFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var unread = _buffer.Unread;
            var n = SseEventScanner.FindEventEnd(unread, _buffer.EndOfStream);
            if (n < 0 && _buffer.EndOfStream && unread.Length > 0)
            {
                n = unread.Length; // a last event without its blank line
            }

            if (n > 0)
            {
                var parsed = SseFrame.TryParse(unread[..n], out var name, out var data);
                _buffer.Consume(n);
                if (parsed)
                {
                    return new UpstreamFrame(name, data);
                }

                continue;
            }

            if (_buffer.EndOfStream || !await _buffer.FillAsync(cancellationToken).ConfigureAwait(false) && _buffer.Unread.IsEmpty)
            {
                return null;
            }
        }
    }

    public void Dispose() => _buffer.Dispose();
}
