using System.Collections.Concurrent;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// The built-in latency source: the gateway's own observed time to first token per model, as an exponentially
/// time-decayed average — each sample's weight halves every <see cref="HalfLife"/>, so a model's figure follows
/// its recent behaviour and a single sample is its own average. Thread-safe; per process (DESIGN §6).
/// </summary>
public sealed class ObservedLatency
{
    /// <summary>The half-life used when none is given (<c>half_life</c> unset).</summary>
    public static readonly TimeSpan DefaultHalfLife = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _halfLifeTicks;

    /// <summary>Creates an empty source.</summary>
    /// <param name="time">Clock used to age samples.</param>
    /// <param name="halfLife">How long until a sample counts half; default 5 minutes.</param>
    public ObservedLatency(TimeProvider? time = null, TimeSpan? halfLife = null)
    {
        _time = time ?? TimeProvider.System;
        var initial = halfLife ?? DefaultHalfLife;
        if (initial <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(halfLife), "half-life must be positive");
        }

        _halfLifeTicks = initial.Ticks;
    }

    /// <summary>
    /// How long until a sample's weight halves. Settable because the instance is one per process and outlives
    /// config reloads, while <c>half_life</c> comes from the config: a new value applies from the next sample on
    /// (the figures already averaged are kept).
    /// </summary>
    public TimeSpan HalfLife
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _halfLifeTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            Volatile.Write(ref _halfLifeTicks, value.Ticks);
        }
    }

    /// <summary>Number of models observed so far.</summary>
    public int Count => _entries.Count;

    /// <summary>Records one time to first token for <paramref name="model"/>; negative durations are ignored.</summary>
    public void Record(string model, TimeSpan timeToFirstToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (timeToFirstToken < TimeSpan.Zero)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var entry = _entries.GetOrAdd(model, static _ => new Entry());
        lock (entry)
        {
            var decay = entry.Weight == 0 ? 0 : Decay(now - entry.UpdatedAt);
            entry.WeightedSum = (entry.WeightedSum * decay) + timeToFirstToken.TotalSeconds;
            entry.Weight = (entry.Weight * decay) + 1;
            entry.UpdatedAt = now > entry.UpdatedAt ? now : entry.UpdatedAt;
        }
    }

    /// <summary>
    /// The decayed average for <paramref name="model"/> in seconds; false when never observed. Matches
    /// <see cref="Selection.FigureLookup"/> for the fastest ranking.
    /// </summary>
    public bool TryGetSeconds(string model, out double seconds)
    {
        if (_entries.TryGetValue(model, out var entry))
        {
            lock (entry)
            {
                // Decay scales sum and weight alike, so the average itself needs no aging on read.
                seconds = entry.WeightedSum / entry.Weight;
                return true;
            }
        }

        seconds = 0;
        return false;
    }

    /// <summary>A point-in-time copy of every model's average, for the explain output and admin API.</summary>
    public LatencySnapshot Snapshot()
    {
        var figures = new List<KeyValuePair<string, double>>(_entries.Count);
        foreach (var (model, _) in _entries)
        {
            if (TryGetSeconds(model, out var seconds))
            {
                figures.Add(new(model, seconds));
            }
        }

        return new LatencySnapshot("observed", figures);
    }

    private double Decay(TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero ? 1 : Math.Pow(0.5, elapsed / HalfLife);

    private sealed class Entry
    {
        public double WeightedSum;
        public double Weight;
        public DateTimeOffset UpdatedAt;
    }
}
