namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// The outcome of reading or fetching a metrics source: a value, or an error message (an expected failure —
/// bad JSON, HTTP error, timeout — is a value, never an exception).
/// </summary>
/// <typeparam name="T">The snapshot type.</typeparam>
public readonly record struct MetricsResult<T>
    where T : class
{
    private MetricsResult(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The snapshot; non-null exactly when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>What went wrong; non-null exactly when the read failed.</summary>
    public string? Error { get; }

    /// <summary>True when <see cref="Value"/> holds a snapshot.</summary>
    public bool Succeeded => Value is not null;

    /// <summary>A successful result.</summary>
    public static MetricsResult<T> Ok(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A failed result.</summary>
    public static MetricsResult<T> Fail(string error) => new(null, error);
}
