namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>One request as the fake upstream received it.</summary>
internal sealed class RecordedRequest(string method, string pathAndQuery, IReadOnlyDictionary<string, string> headers, byte[] body)
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of arrival.</summary>
    public long ReceivedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    public string Method { get; } = method;
    public string PathAndQuery { get; } = pathAndQuery;
    /// <summary>Headers by case-insensitive name; several values are joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;
    /// <summary>The body bytes exactly as received.</summary>
    public byte[] Body { get; } = body;

    /// <summary>Completes when the request's <c>RequestAborted</c> fired (the gateway went away mid-response).</summary>
    public Task Aborted => _aborted.Task;
    /// <summary>Completes when the upstream handler returned.</summary>
    public Task Finished => _finished.Task;
    public bool WasAborted => _aborted.Task.IsCompleted;

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    internal void MarkAborted() => _aborted.TrySetResult();
    internal void MarkFinished() => _finished.TrySetResult();
}
