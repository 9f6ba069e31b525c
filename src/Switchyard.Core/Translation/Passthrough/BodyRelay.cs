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

                readTimeout.CancelAfter(idleTimeout);
                try
                {
                    n = await upstream.ReadAsync(_buffer, readTimeout.Token).ConfigureAwait(false);
                    readTimeout.CancelAfter(Timeout.InfiniteTimeSpan); // idle means the upstream, not a slow client
                }
                catch (OperationCanceledException) when (!clientAborted.IsCancellationRequested)
                {
                    return RelayEnd.IdleTimeout;
                }
                catch (IOException) when (!clientAborted.IsCancellationRequested)
                {
                    return RelayEnd.UpstreamCut;
                }
                catch (HttpRequestException) when (!clientAborted.IsCancellationRequested)
                {
                    return RelayEnd.UpstreamCut;
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
