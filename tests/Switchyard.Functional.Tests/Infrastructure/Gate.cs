namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>A one-shot signal between a test and a scripted upstream (or the other way round).</summary>
internal sealed class Gate
{
    /// <summary>Upper bound on any wait, so a broken gateway fails a test instead of hanging it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private readonly TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _tcs.Task.IsCompleted;

    public void Open() => _tcs.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken = default) => _tcs.Task.WaitAsync(Limit, cancellationToken);
}
