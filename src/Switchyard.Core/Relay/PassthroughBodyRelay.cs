using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Core.Relay;

/// <summary>
/// Same protocol on both sides, not streamed: the first body chunk is read before committing (so a stall before the
/// first byte can still fail over), then each chunk is written as it arrives, under the idle timer and the request
/// deadline. A JSON body cannot carry an error after the fact: a cut aborts the connection so the client sees a broken
/// response, not a short one. The usage tap reads each chunk as it is relayed (no copy of the body is kept).
/// </summary>
internal sealed class PassthroughBodyRelay(RelayScope scope) : UpstreamRelay(scope)
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _firstLength = -1;
    private bool _tapped;

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<PeekResult> PeekAsync()
    {
        _firstLength = await Scope.Upstream.ReadAsync(_buffer, Scope.Timers.Token).ConfigureAwait(false);
        if (_firstLength > 0 && Scope.UpstreamContentLength == _firstLength)
        {
            // The whole answer came in one read: find its usage in one pass (no per-token reading).
            Tap.OnCompleteBody(_buffer.AsSpan(0, _firstLength));
            _tapped = true;
        }
        else
        {
            Tap.OnBodyChunk(_buffer.AsSpan(0, Math.Max(_firstLength, 0)));
        }
        return _firstLength > 0 ? PeekResult.Ready : PeekResult.Empty;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<RelayEnd> RelayAsync()
    {
        var response = Scope.Response;
        Commit((int)response.StatusCode, Scope.UpstreamContentType, Scope.UpstreamContentLength, copyUpstreamHeaders: true);
        var client = Scope.Context.Response.BodyWriter;
        var aborted = Scope.Context.RequestAborted;
        var end = RelayEnd.Complete;
        try
        {
            var n = _firstLength;
            while (n > 0)
            {
                var flush = await client.WriteAsync(_buffer.AsMemory(0, n), aborted).ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    return RelayEnd.ClientGone;
                }

                (n, end) = await ReadAsync().ConfigureAwait(false);
                if (n > 0 && !_tapped)
                {
                    Tap.OnBodyChunk(_buffer.AsSpan(0, n));
                }
            }

            if (!_tapped)
            {
                Tap.OnBodyEnd();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return RelayEnd.ClientGone;
        }

        if (end != RelayEnd.Complete)
        {
            Scope.Context.Abort();
        }

        return end;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Read, RelayEnd End)> ReadAsync()
    {
        var timers = Scope.Timers;
        timers.ArmIdle(Scope.Timeouts.StreamIdle);
        try
        {
            var n = await Scope.Upstream.ReadAsync(_buffer, timers.Token).ConfigureAwait(false);
            timers.DisarmIdle();
            return (n, RelayEnd.Complete);
        }
        catch (OperationCanceledException) when (!timers.ClientGone)
        {
            return (-1, timers.Fired == TimerFired.Deadline ? RelayEnd.DeadlineExceeded : RelayEnd.IdleTimeout);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !timers.ClientGone)
        {
            return (-1, RelayEnd.UpstreamCut);
        }
    }

    protected override void DisposeCore()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
