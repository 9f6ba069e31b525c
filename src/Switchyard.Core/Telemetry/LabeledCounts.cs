using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// Monotonic counts by label values, for an observable counter: <see cref="Increment"/> is a lock-free dictionary
/// lookup plus an interlocked add (the key's hash reads a few characters of each value, not all of them), and the
/// exporter reads every count at scrape time through <see cref="Measurements"/>. The label values are bounded the same
/// way as any metric label (configured names and small fixed sets), so the dictionary is too.
/// </summary>
internal sealed class LabeledCounts<TKey>
    where TKey : struct, IEquatable<TKey>
{
    private readonly ConcurrentDictionary<TKey, StrongBox<long>> _counts = new();

    public void Increment(in TKey labels) => Interlocked.Increment(ref Cell(labels).Value);

    /// <summary>The count cell of <paramref name="labels"/>, made on first use: a caller that keeps it counts with one interlocked add.</summary>
    public StrongBox<long> Cell(in TKey labels)
    {
        if (!_counts.TryGetValue(labels, out var box))
        {
            box = _counts.GetOrAdd(labels, static _ => new StrongBox<long>());
        }

        return box;
    }

    /// <summary>The count of <paramref name="labels"/> (0 when never counted).</summary>
    public long Get(in TKey labels) => _counts.TryGetValue(labels, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public IEnumerable<Measurement<long>> Measurements(Func<TKey, TagList> tags)
    {
        var list = new List<Measurement<long>>(_counts.Count);
        foreach (var (key, box) in _counts)
        {
            list.Add(new Measurement<long>(Interlocked.Read(ref box.Value), tags(key)));
        }

        return list;
    }

    /// <summary>A cheap hash of a label value: its length and three of its characters (equality still compares all).</summary>
    public static int Hash(string? value) => value is not { Length: > 0 } v ? 0 : HashCode.Combine(v.Length, v[0], v[v.Length / 2], v[^1]);
}

/// <summary>The labels of <c>switchyard.requests</c>.</summary>
internal readonly record struct RequestLabels(string Protocol, string Route, string Model, int Status)
{
    public bool Equals(RequestLabels other) => Status == other.Status && string.Equals(Model, other.Model, StringComparison.Ordinal)
        && string.Equals(Route, other.Route, StringComparison.Ordinal) && string.Equals(Protocol, other.Protocol, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(LabeledCounts<RequestLabels>.Hash(Protocol), LabeledCounts<RequestLabels>.Hash(Route), LabeledCounts<RequestLabels>.Hash(Model), Status);
}

/// <summary>The labels of <c>switchyard.attempts</c>.</summary>
internal readonly record struct AttemptLabels(string Model, string Provider, string Outcome)
{
    public bool Equals(AttemptLabels other) => string.Equals(Model, other.Model, StringComparison.Ordinal)
        && string.Equals(Outcome, other.Outcome, StringComparison.Ordinal) && string.Equals(Provider, other.Provider, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(LabeledCounts<AttemptLabels>.Hash(Model), LabeledCounts<AttemptLabels>.Hash(Provider), LabeledCounts<AttemptLabels>.Hash(Outcome));
}

/// <summary>
/// Monotonic sums by one label value, for an observable counter of a floating-point amount (spend): a lock-free
/// lookup plus a compare-and-swap add; read at scrape time.
/// </summary>
internal sealed class LabeledSums
{
    private readonly ConcurrentDictionary<string, StrongBox<double>> _sums = new(StringComparer.Ordinal);

    public void Add(string label, double amount)
    {
        if (!_sums.TryGetValue(label, out var box))
        {
            box = _sums.GetOrAdd(label, static _ => new StrongBox<double>());
        }

        AtomicDouble.Add(ref box.Value, amount);
    }

    /// <summary>The sum of <paramref name="label"/> (0 when never added to).</summary>
    public double Get(string label) => _sums.TryGetValue(label, out var box) ? Volatile.Read(ref box.Value) : 0;

    public IEnumerable<Measurement<double>> Measurements(string key)
    {
        var list = new List<Measurement<double>>(_sums.Count);
        foreach (var (label, box) in _sums)
        {
            list.Add(new Measurement<double>(Volatile.Read(ref box.Value), new KeyValuePair<string, object?>(key, label)));
        }

        return list;
    }
}

/// <summary>Lock-free addition to a shared <see cref="double"/> (a compare-and-swap loop; no interlocked add exists for doubles).</summary>
internal static class AtomicDouble
{
    public static void Add(ref double target, double amount)
    {
        double seen, next;
        do
        {
            seen = Volatile.Read(ref target);
            next = seen + amount;
        }
        while (Interlocked.CompareExchange(ref target, next, seen) != seen);
    }
}
