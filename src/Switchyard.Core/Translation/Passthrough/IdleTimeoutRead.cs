namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// One upstream read after the commit point, bounded by the idle timeout. The clock runs only while waiting for
/// the upstream — it is stopped as soon as the read returns, so a slow client draining a write never counts as an
/// idle upstream.
/// </summary>
internal static class IdleTimeoutRead
{
    /// <summary>
    /// Reads into <paramref name="buffer"/>. Returns the byte count (0 = end of stream) and <see cref="RelayEnd.Complete"/>,
    /// or -1 and why the read failed (idle timeout or a broken upstream). Client cancellation propagates.
    /// </summary>
    public static async ValueTask<(int Read, RelayEnd Failure)> ReadAsync(Stream upstream, Memory<byte> buffer, CancellationTokenSource timer, TimeSpan idleTimeout, CancellationToken clientAborted)
    {
        timer.CancelAfter(idleTimeout);
        try
        {
            var n = await upstream.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
            timer.CancelAfter(Timeout.InfiniteTimeSpan);
            return (n, RelayEnd.Complete);
        }
        catch (OperationCanceledException) when (!clientAborted.IsCancellationRequested)
        {
            return (-1, RelayEnd.IdleTimeout);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !clientAborted.IsCancellationRequested)
        {
            return (-1, RelayEnd.UpstreamCut);
        }
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> once under the idle timeout; <see cref="RelayEnd.Complete"/> when the read
    /// returned (end of stream included), otherwise why it failed.
    /// </summary>
    public static async ValueTask<RelayEnd> FillAsync(Framing.ReadBuffer buffer, CancellationTokenSource timer, TimeSpan idleTimeout, CancellationToken clientAborted)
    {
        timer.CancelAfter(idleTimeout);
        try
        {
            await buffer.FillAsync(timer.Token).ConfigureAwait(false);
            timer.CancelAfter(Timeout.InfiniteTimeSpan);
            return RelayEnd.Complete;
        }
        catch (OperationCanceledException) when (!clientAborted.IsCancellationRequested)
        {
            return RelayEnd.IdleTimeout;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !clientAborted.IsCancellationRequested)
        {
            return RelayEnd.UpstreamCut;
        }
    }
}
