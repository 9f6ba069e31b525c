namespace Switchyard.Core.Limits;

/// <summary>
/// The bulkhead of one endpoint (docs/resilience.md, "Bulkheads"): counts the attempts it admitted and refuses more
/// than <c>max_concurrent</c>; a request with no other candidate may wait for a slot (<c>queue_timeout</c>). Every
/// attempt is counted, limited or not (one interlocked operation), so a reload that sets a limit meets a true count.
/// Waiters are served first come, first served; the uncontended path takes no lock and allocates nothing.
/// </summary>
public sealed class Bulkhead
{
    private readonly object _lock = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private int _held;
    private int _waiterCount;
    private int _limit = int.MaxValue;

    /// <summary>Attempts holding a slot now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Requests waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiterCount);

    /// <summary>Takes a slot when fewer than <paramref name="limit"/> are held and nobody waits ahead.</summary>
    public bool TryEnter(int limit)
    {
        if (limit == int.MaxValue)
        {
            Interlocked.Increment(ref _held);
            return true;
        }

        return Volatile.Read(ref _waiterCount) == 0 && TryIncrementBelow(limit);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a slot; false when none came (or the request was aborted).</summary>
    public async ValueTask<bool> EnterAsync(int limit, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (TryEnter(limit))
        {
            return true;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_lock)
        {
            node = _waiters.AddLast(waiter);
            _limit = limit;
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }

        Drain(); // a slot freed before we queued would otherwise wake nobody
        try
        {
            return await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    Volatile.Write(ref _waiterCount, _waiters.Count);
                    return false;
                }
            }

            Release(); // handed a slot just as the wait ended: give it back
            return false;
        }
    }

    /// <summary>The attempt is over: frees its slot (handing it to the first waiter, if any).</summary>
    public void Release()
    {
        Interlocked.Decrement(ref _held);
        if (Volatile.Read(ref _waiterCount) > 0)
        {
            Drain();
        }
    }

    private void Drain()
    {
        lock (_lock)
        {
            while (_waiters.First is { } first && TryIncrementBelow(_limit))
            {
                _waiters.RemoveFirst();
                Volatile.Write(ref _waiterCount, _waiters.Count);
                if (!first.Value.TrySetResult(true))
                {
                    Interlocked.Decrement(ref _held);
                }
            }
        }
    }

    private bool TryIncrementBelow(int limit)
    {
        while (true)
        {
            var held = Volatile.Read(ref _held);
            if (held >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + 1, held) == held)
            {
                return true;
            }
        }
    }
}
