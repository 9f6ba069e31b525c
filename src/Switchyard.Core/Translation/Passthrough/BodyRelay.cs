using System.Buffers;
using System.IO.Pipelines;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// Relays a non-streamed upstream body: the first chunk is read before committing (so a stall before the first
/// byte can still fail over), then each chunk is written as it arrives.
/// </summary>
public sealed class BodyRelay(Stream upstream) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _firstLength = -1;

    /// <summary>Reads the first chunk; false when the body is empty.</summary>
    public async ValueTask<bool> PeekAsync(CancellationToken cancellationToken)
    {
        _firstLength = await upstream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _firstLength > 0;
    }

    /// <summary>Writes the peeked chunk and the rest; returns how the body ended.</summary>
    public async ValueTask<RelayEnd> RelayAsync(PipeWriter client, CancellationTokenSource readTimeout, TimeSpan idleTimeout, CancellationToken clientAborted)
    {
        try
        {
            var n = _firstLength;
            while (n > 0)
            {
                var flush = await client.WriteAsync(_buffer.AsMemory(0, n), clientAborted).ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    return RelayEnd.ClientGone;
                }

                (n, var failure) = await IdleTimeoutRead.ReadAsync(upstream, _buffer, readTimeout, idleTimeout, clientAborted).ConfigureAwait(false);
                if (n < 0)
                {
                    return failure;
                }
            }

            return RelayEnd.Complete;
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return RelayEnd.ClientGone;
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
