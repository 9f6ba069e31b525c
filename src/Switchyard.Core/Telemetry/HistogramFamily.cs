using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// A histogram metric kept by the gateway itself and written into <c>/metrics</c> by <see cref="Write"/>, next to what
/// the OpenTelemetry exporter writes for the rest of the <c>Switchyard</c> meter. Histograms are recorded on every
/// request and attempt (five to eight observations per request), and the OpenTelemetry SDK finds a measurement's
/// series by sorting and hashing every tag on each <c>Record</c> (≈ 1.5k instructions each, docs/performance.md). Here a
/// series is found once per label set (<see cref="Series"/>), the caller keeps it (the hot paths cache theirs on the
/// candidate's <see cref="ModelLabels"/>), and <see cref="HistogramSeries.Record"/> is a bucket search, an interlocked
/// increment and a compare-and-swap add. The exposition is what the OpenTelemetry exporter writes for a histogram: the
/// same names, the label <c>otel_scope_name="Switchyard"</c>, labels in name order, in the Prometheus text format 0.0.4
/// or OpenMetrics 1.0 (with <c># UNIT</c> and <c>_created</c>).
/// </summary>
public sealed class HistogramFamily
{
    /// <summary>Series per family at most (OpenTelemetry's default cardinality limit); beyond it, one overflow series.</summary>
    internal const int MaxSeries = 2000;

    private const string ScopeLabel = "otel_scope_name=\"" + GatewayMetrics.MeterName + "\"";

    private readonly ConcurrentDictionary<HistogramLabels, HistogramSeries> _series = new();
    private readonly string[] _labelNames;
    private HistogramSeries? _overflow;

    /// <param name="name">The exposition name, unit suffix included (<c>switchyard_request_duration_seconds</c>).</param>
    /// <param name="unit">The OpenMetrics unit (<c>seconds</c>), or null for a dimensionless count.</param>
    /// <param name="help">The help text.</param>
    /// <param name="bounds">Bucket upper bounds, ascending (each bucket holds values ≤ its bound and above the previous one).</param>
    /// <param name="labelNames">The label names in the order <see cref="HistogramLabels"/> values are given, which is the
    /// order they are written in: name order, as the OpenTelemetry exporter writes them. At most five.</param>
    public HistogramFamily(string name, string? unit, string help, double[] bounds, params string[] labelNames)
    {
        if (labelNames.Length > HistogramLabels.Capacity)
        {
            throw new ArgumentException($"at most {HistogramLabels.Capacity} labels", nameof(labelNames));
        }

        for (var i = 1; i < bounds.Length; i++)
        {
            if (!(bounds[i] > bounds[i - 1]))
            {
                throw new ArgumentException("bucket bounds must be ascending", nameof(bounds));
            }
        }

        Name = name;
        Unit = unit;
        Help = help;
        Bounds = bounds;
        _labelNames = labelNames;
    }

    public string Name { get; }

    public string? Unit { get; }

    public string Help { get; }

    internal double[] Bounds { get; }

    /// <summary>Series so far (the overflow series included).</summary>
    internal int SeriesCount => _series.Count + (_overflow is null ? 0 : 1);

    /// <summary>
    /// The series of <paramref name="labels"/> (a null value leaves its label out), made on first use. Past
    /// <see cref="MaxSeries"/> series, new label sets share one series labelled <c>otel_metric_overflow="true"</c>.
    /// </summary>
    public HistogramSeries Series(in HistogramLabels labels)
    {
        if (_series.TryGetValue(labels, out var series))
        {
            return series;
        }

        if (_series.Count >= MaxSeries)
        {
            if (_overflow is null)
            {
                Interlocked.CompareExchange(ref _overflow, new HistogramSeries(this, ScopeLabel + ",otel_metric_overflow=\"true\""), null);
            }

            return _overflow;
        }

        return _series.GetOrAdd(labels, static (key, family) => new HistogramSeries(family, family.Render(key)), this);
    }

    /// <summary>Records <paramref name="value"/> in the series of <paramref name="labels"/>.</summary>
    public void Record(double value, in HistogramLabels labels) => Series(labels).Record(value);

    private string Render(in HistogramLabels labels)
    {
        var text = new StringBuilder(ScopeLabel);
        for (var i = 0; i < _labelNames.Length; i++)
        {
            if (labels[i] is { } value)
            {
                text.Append(',').Append(_labelNames[i]).Append("=\"");
                AppendEscaped(text, value, quote: true);
                text.Append('"');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes this family (nothing when it has no series) in the Prometheus text format 0.0.4, or with
    /// <paramref name="openMetrics"/> in OpenMetrics 1.0 text (without the closing <c># EOF</c>).
    /// </summary>
    public void Write(StringBuilder output, bool openMetrics)
    {
        if (_series.IsEmpty && _overflow is null)
        {
            return;
        }

        output.Append("# TYPE ").Append(Name).Append(" histogram\n");
        if (openMetrics && Unit is not null)
        {
            output.Append("# UNIT ").Append(Name).Append(' ').Append(Unit).Append('\n');
        }

        output.Append("# HELP ").Append(Name).Append(' ');
        AppendEscaped(output, Help, quote: openMetrics);
        output.Append('\n');

        var bounds = new string[Bounds.Length];
        for (var i = 0; i < bounds.Length; i++)
        {
            bounds[i] = Number(Bounds[i], openMetrics);
        }

        var counts = new long[Bounds.Length + 1];
        foreach (var series in _series.Values)
        {
            WriteSeries(output, series, bounds, counts, openMetrics);
        }

        if (_overflow is { } overflow)
        {
            WriteSeries(output, overflow, bounds, counts, openMetrics);
        }
    }

    private void WriteSeries(StringBuilder output, HistogramSeries series, string[] bounds, long[] counts, bool openMetrics)
    {
        // One read of every bucket: the cumulative counts, +Inf and _count agree with each other whatever records meanwhile.
        series.ReadCounts(counts);
        var cumulative = 0L;
        for (var i = 0; i < counts.Length; i++)
        {
            cumulative += counts[i];
            output.Append(Name).Append("_bucket{").Append(series.Labels).Append(",le=\"").Append(i < bounds.Length ? bounds[i] : "+Inf").Append("\"} ")
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        output.Append(Name).Append("_sum{").Append(series.Labels).Append("} ").Append(Number(series.Sum, openMetrics: false)).Append('\n');
        output.Append(Name).Append("_count{").Append(series.Labels).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (openMetrics)
        {
            output.Append(Name).Append("_created{").Append(series.Labels).Append("} ").Append(Number(series.Created, openMetrics: false)).Append('\n');
        }
    }

    // A float as the formats write it: the shortest round-trip form; OpenMetrics wants a canonical float ("1.0", "1e-05").
    internal static string Number(double value, bool openMetrics)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!openMetrics)
        {
            return text;
        }

        text = text.Replace('E', 'e');
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    // Label values escape backslash, double quote and line feed; HELP text backslash and line feed (and in OpenMetrics
    // the double quote too).
    private static void AppendEscaped(StringBuilder output, string value, bool quote)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    output.Append("\\\\");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                case '"' when quote:
                    output.Append("\\\"");
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }
    }
}

/// <summary>
/// One series of a <see cref="HistogramFamily"/>: bucket counts and the sum, recorded lock-free from any thread.
/// </summary>
public sealed class HistogramSeries
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private double _sum;

    internal HistogramSeries(HistogramFamily family, string labels)
    {
        _bounds = family.Bounds;
        _counts = new long[_bounds.Length + 1];
        Labels = labels;
        Created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    }

    /// <summary>The series' labels as written in the exposition (<c>otel_scope_name="Switchyard",k="v",…</c>).</summary>
    internal string Labels { get; }

    /// <summary>When the series was made, in Unix seconds (OpenMetrics' <c>_created</c>).</summary>
    internal double Created { get; }

    /// <summary>The sum of the values recorded.</summary>
    internal double Sum => Volatile.Read(ref _sum);

    /// <summary>Counts one value (NaN is ignored: it belongs to no bucket and would poison the sum).</summary>
    public void Record(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        var bounds = _bounds;
        var i = 0;
        while (i < bounds.Length && value > bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _counts[i]);
        AtomicDouble.Add(ref _sum, value);
    }

    /// <summary>Copies the per-bucket (not cumulative) counts, the last one being above every bound.</summary>
    internal void ReadCounts(long[] counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Volatile.Read(ref _counts[i]);
        }
    }
}

/// <summary>
/// The label values of a histogram series, in the order of the family's label names; a null value leaves its label out
/// (an attempt that failed has <c>error.type</c> and no response model). Hashing reads a few characters of each value.
/// </summary>
public readonly struct HistogramLabels : IEquatable<HistogramLabels>
{
    public const int Capacity = 5;

    private readonly string? _a;
    private readonly string? _b;
    private readonly string? _c;
    private readonly string? _d;
    private readonly string? _e;

    public HistogramLabels(string? a, string? b = null, string? c = null, string? d = null, string? e = null)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
        _e = e;
    }

    public string? this[int index] => index switch
    {
        0 => _a,
        1 => _b,
        2 => _c,
        3 => _d,
        4 => _e,
        _ => null,
    };

    public bool Equals(HistogramLabels other) => string.Equals(_a, other._a, StringComparison.Ordinal) && string.Equals(_b, other._b, StringComparison.Ordinal)
        && string.Equals(_c, other._c, StringComparison.Ordinal) && string.Equals(_d, other._d, StringComparison.Ordinal)
        && string.Equals(_e, other._e, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is HistogramLabels other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Hash(_a), Hash(_b), Hash(_c), Hash(_d), Hash(_e));

    // A null value hashes apart from an empty one: ("x", null) and (null, "x") are different series.
    private static int Hash(string? value) => value is null ? -1 : LabeledCounts<RequestLabels>.Hash(value);
}
