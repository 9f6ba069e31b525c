using System.Globalization;
using System.Text;
using Switchyard.Core.Telemetry;
using Xunit;

namespace Switchyard.Core.Tests.Telemetry;

public sealed class HistogramFamilyTests
{
    private static HistogramFamily Family(params string[] labels) => new("t_seconds", "seconds", "Help with a \\ and\na line", [0.5, 1, 2.5], labels);

    private static string Text(HistogramFamily family, bool openMetrics = false)
    {
        var output = new StringBuilder();
        family.Write(output, openMetrics);
        return output.ToString();
    }

    private static double Sample(string text, string line)
    {
        var found = text.Split('\n').Single(l => l.StartsWith(line + " ", StringComparison.Ordinal));
        return double.Parse(found[(line.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Record_AValueOnABoundIsInThatBucket_AndBucketsAreCumulative()
    {
        var family = Family("k");
        var series = family.Series(new HistogramLabels("a"));
        foreach (var v in new[] { 0.1, 0.5, 0.75, 1, 2.5, 3, 1e9 })
        {
            series.Record(v);
        }

        var text = Text(family);
        const string L = "otel_scope_name=\"Switchyard\",k=\"a\"";
        Assert.Equal(2, Sample(text, $"t_seconds_bucket{{{L},le=\"0.5\"}}"));
        Assert.Equal(4, Sample(text, $"t_seconds_bucket{{{L},le=\"1\"}}"));
        Assert.Equal(5, Sample(text, $"t_seconds_bucket{{{L},le=\"2.5\"}}"));
        Assert.Equal(7, Sample(text, $"t_seconds_bucket{{{L},le=\"+Inf\"}}"));
        Assert.Equal(7, Sample(text, $"t_seconds_count{{{L}}}"));
        Assert.Equal(0.1 + 0.5 + 0.75 + 1 + 2.5 + 3 + 1e9, Sample(text, $"t_seconds_sum{{{L}}}"));
    }

    [Fact]
    public void Record_NaNIsIgnored_InfinityIsCountedAboveEveryBound()
    {
        var family = Family("k");
        var series = family.Series(new HistogramLabels("a"));
        series.Record(double.NaN);
        series.Record(double.PositiveInfinity);
        var text = Text(family);
        Assert.Equal(0, Sample(text, "t_seconds_bucket{otel_scope_name=\"Switchyard\",k=\"a\",le=\"2.5\"}"));
        Assert.Equal(1, Sample(text, "t_seconds_count{otel_scope_name=\"Switchyard\",k=\"a\"}"));
    }

    [Fact]
    public void Series_SameLabelsSameSeries_NullLeavesTheLabelOut_ValuesEscaped()
    {
        var family = Family("a", "b");
        Assert.Same(family.Series(new HistogramLabels("x", "y")), family.Series(new HistogramLabels("x", "y")));
        Assert.NotSame(family.Series(new HistogramLabels("x", null)), family.Series(new HistogramLabels(null, "x")));
        family.Series(new HistogramLabels("q\"b\\s\nn", null)).Record(1);
        var text = Text(family);
        Assert.Contains("t_seconds_count{otel_scope_name=\"Switchyard\",a=\"q\\\"b\\\\s\\nn\"} 1\n", text);
        Assert.Contains("t_seconds_count{otel_scope_name=\"Switchyard\",b=\"x\"} 0\n", text);
        Assert.Contains("# HELP t_seconds Help with a \\\\ and\\na line\n", text);
    }

    [Fact]
    public void Write_NoSeries_WritesNothing()
    {
        Assert.Equal("", Text(Family("k")));
    }

    [Fact]
    public void Write_OpenMetrics_UnitCanonicalFloatsAndCreated()
    {
        var family = new HistogramFamily("t_seconds", "seconds", "h", [1e-05, 1, 4], "k");
        family.Series(new HistogramLabels("a")).Record(2);
        var text = Text(family, openMetrics: true);
        Assert.StartsWith("# TYPE t_seconds histogram\n# UNIT t_seconds seconds\n# HELP t_seconds h\n", text);
        Assert.Contains("le=\"1e-05\"} 0\n", text);
        Assert.Contains("le=\"1.0\"} 0\n", text);
        Assert.Contains("le=\"4.0\"} 1\n", text);
        var created = Sample(text, "t_seconds_created{otel_scope_name=\"Switchyard\",k=\"a\"}");
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());

        var plain = Text(family);
        Assert.DoesNotContain("# UNIT", plain);
        Assert.DoesNotContain("_created", plain);
        Assert.Contains("le=\"1E-05\"} 0\n", plain);
        Assert.Contains("le=\"1\"} 0\n", plain);
    }

    [Fact]
    public void Series_PastTheLimit_NewLabelSetsShareTheOverflowSeries()
    {
        var family = Family("k");
        for (var i = 0; i < HistogramFamily.MaxSeries; i++)
        {
            family.Series(new HistogramLabels("v" + i)).Record(1);
        }

        var overflow = family.Series(new HistogramLabels("late-1"));
        Assert.Same(overflow, family.Series(new HistogramLabels("late-2")));
        overflow.Record(1);
        overflow.Record(1);
        Assert.Equal(HistogramFamily.MaxSeries + 1, family.SeriesCount);
        Assert.Equal(2, Sample(Text(family), "t_seconds_count{otel_scope_name=\"Switchyard\",otel_metric_overflow=\"true\"}"));
        Assert.Equal(1, Sample(Text(family), "t_seconds_count{otel_scope_name=\"Switchyard\",k=\"v7\"}")); // earlier series keep counting
    }

    [Fact]
    public void Record_FromManyThreads_LosesNothing()
    {
        var family = Family("k");
        var series = family.Series(new HistogramLabels("a"));
        const int Threads = 4, Each = 20_000;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (var i = 0; i < Each; i++)
            {
                series.Record(i % 4 * 0.5); // 0, 0.5, 1, 1.5: sums exactly in binary
            }
        });

        var text = Text(family);
        Assert.Equal(Threads * Each, Sample(text, "t_seconds_count{otel_scope_name=\"Switchyard\",k=\"a\"}"));
        Assert.Equal(Threads * Each / 4 * (0 + 0.5 + 1 + 1.5), Sample(text, "t_seconds_sum{otel_scope_name=\"Switchyard\",k=\"a\"}"));
        Assert.Equal(Threads * Each / 2, Sample(text, "t_seconds_bucket{otel_scope_name=\"Switchyard\",k=\"a\",le=\"0.5\"}"));
    }

    [Fact]
    public void New_RejectsUnorderedBoundsAndTooManyLabels()
    {
        Assert.Throws<ArgumentException>(() => new HistogramFamily("x", null, "h", [1, 1], "k"));
        Assert.Throws<ArgumentException>(() => new HistogramFamily("x", null, "h", [1], "a", "b", "c", "d", "e", "f"));
    }
}
