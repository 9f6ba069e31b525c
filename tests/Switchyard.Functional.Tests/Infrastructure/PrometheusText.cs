using System.Globalization;
using System.Text;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>One sample line: its full name (with a histogram's <c>_bucket</c>/<c>_sum</c>/<c>_count</c>), labels and value.</summary>
internal sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var v) ? v : null;

    /// <summary>True when every given label has the given value.</summary>
    public bool Has(params (string Name, string Value)[] labels) => labels.All(l => Label(l.Name) == l.Value);
}

/// <summary>A metric family: the name of its <c># TYPE</c> line, its type, help and samples.</summary>
internal sealed record PromFamily(string Name, string Type, string? Help, List<PromSample> Samples)
{
    /// <summary>Samples named exactly <paramref name="name"/> (default: the family name) matching <paramref name="labels"/>.</summary>
    public IEnumerable<PromSample> Where(string? name = null, params (string Name, string Value)[] labels)
        => Samples.Where(s => s.Name == (name ?? Name) && s.Has(labels));
}

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4 (prometheus.io "Exposition formats"): <c># HELP</c>
/// and <c># TYPE</c> lines, samples <c>name{label="value",…} value [timestamp]</c> with the format's escapes, metric
/// and label name syntax, one TYPE per family before its samples, families not interleaved, no duplicate series,
/// and for histograms cumulative buckets ending in <c>le="+Inf"</c> equal to <c>_count</c>, with <c>_sum</c>. Anything
/// else throws <see cref="FormatException"/> naming the line. With <c>openMetrics</c> it reads OpenMetrics 1.0 text
/// instead (what Prometheus asks for first): <c># UNIT</c> lines, families named without their suffixes (a counter
/// <c>x</c> has samples <c>x_total</c> and <c>x_created</c>), the <c>info</c> type, and <c># EOF</c> as the last line.
/// </summary>
internal static class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];
    private static readonly HashSet<string> OpenMetricsTypes = ["counter", "gauge", "histogram", "summary", "unknown", "info", "stateset", "gaugehistogram"];

    public static Dictionary<string, PromFamily> Parse(string text, bool openMetrics = false)
    {
        var families = new Dictionary<string, PromFamily>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        PromFamily? current = null;
        var lines = text.Split('\n');
        if (lines[^1].Length != 0)
        {
            throw new FormatException("the exposition must end with a line feed");
        }

        var end = lines.Length - 1;
        if (openMetrics)
        {
            if (end == 0 || lines[end - 1] != "# EOF")
            {
                throw new FormatException("OpenMetrics text must end with '# EOF'");
            }

            end--;
        }

        for (var n = 0; n < end; n++)
        {
            var line = lines[n];
            string Where() => $"line {n + 1}: '{line}'";
            if (line.Length == 0)
            {
                if (openMetrics)
                {
                    throw new FormatException($"blank line in OpenMetrics text at {Where()}");
                }

                continue;
            }

            if (openMetrics && line.StartsWith("# UNIT ", StringComparison.Ordinal))
            {
                var unit = line.Split(' ', 4);
                CheckMetricName(unit[2], Where);
                Enter(Family(unit[2]), Where);
                continue;
            }

            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    CheckMetricName(name, Where);
                    var family = Family(name);
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || !(openMetrics ? OpenMetricsTypes : Types).Contains(parts[3]))
                        {
                            throw new FormatException($"unknown type at {Where()}");
                        }

                        if (family.Type != "untyped" || family.Samples.Count > 0 || family.Help is not null && openMetrics)
                        {
                            throw new FormatException($"TYPE given twice or after samples at {Where()}");
                        }

                        families[name] = family = family with { Type = parts[3] };
                    }
                    else
                    {
                        if (family.Help is not null)
                        {
                            throw new FormatException($"HELP given twice at {Where()}");
                        }

                        families[name] = family = family with { Help = parts.Length == 4 ? Unescape(parts[3], quoted: false, Where) : "" };
                    }

                    Enter(family, Where);
                }

                continue; // any other comment
            }

            var sample = ParseSample(line, Where);
            var owner = openMetrics ? OpenMetricsOwnerOf(sample.Name, Where) : OwnerOf(sample.Name);
            if (!series.Add(sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}"))
            {
                throw new FormatException($"duplicate series at {Where()}");
            }

            Enter(owner, Where);
            owner.Samples.Add(sample);
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family, openMetrics);
        }

        return families;

        PromFamily Family(string name)
        {
            if (!families.TryGetValue(name, out var family))
            {
                families[name] = family = new PromFamily(name, "untyped", null, []);
            }

            return family;
        }

        // A sample belongs to the family whose TYPE named it (histogram suffixes stripped), else its own untyped family.
        PromFamily OwnerOf(string sampleName)
        {
            foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
            {
                if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sampleName[..^suffix.Length], out var h) && h.Type is "histogram" or "summary")
                {
                    return h;
                }
            }

            return Family(sampleName);
        }

        // OpenMetrics: the family is named by its TYPE line; each type allows its own sample suffixes.
        PromFamily OpenMetricsOwnerOf(string sampleName, Func<string> where)
        {
            if (families.TryGetValue(sampleName, out var plain) && plain.Type is "gauge" or "unknown" or "stateset")
            {
                return plain;
            }

            foreach (var (suffix, types) in (ReadOnlySpan<(string, string[])>)[
                ("_total", ["counter"]), ("_created", ["counter", "histogram", "summary"]), ("_bucket", ["histogram", "gaugehistogram"]),
                ("_sum", ["histogram", "summary"]), ("_count", ["histogram", "summary"]), ("_info", ["info"]),
                ("_gsum", ["gaugehistogram"]), ("_gcount", ["gaugehistogram"])])
            {
                if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sampleName[..^suffix.Length], out var f) && types.Contains(f.Type))
                {
                    return f;
                }
            }

            throw new FormatException($"sample {sampleName} belongs to no declared family at {where()}");
        }

        void Enter(PromFamily family, Func<string> where)
        {
            if (current is not null && current.Name != family.Name)
            {
                closed.Add(current.Name);
            }

            if (closed.Contains(family.Name))
            {
                throw new FormatException($"family {family.Name} continues after another family at {where()}");
            }

            current = families[family.Name];
        }
    }

    private static PromSample ParseSample(string line, Func<string> where)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        var name = line[..i];
        CheckMetricName(name, where);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                var label = line[start..i];
                if (!IsLabelName(label) || i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"bad label name or missing quote at {where()}");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"unterminated label value at {where()}");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        var e = line[i++];
                        value.Append(e switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"bad escape \\{e} at {where()}"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"label {label} twice at {where()}");
                }

                if (line[i] == ',')
                {
                    i++;
                }
                else if (line[i] != '}')
                {
                    throw new FormatException($"expected ',' or '}}' at {where()}");
                }
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"expected a space before the value at {where()}");
        }

        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2)
        {
            throw new FormatException($"expected a value and an optional timestamp at {where()}");
        }

        var number = ParseValue(rest[0], where);
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"bad timestamp at {where()}");
        }

        return new PromSample(name, labels, number);
    }

    private static double ParseValue(string text, Func<string> where) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"bad value '{text}' at {where()}"),
    };

    private static void CheckHistogram(PromFamily family, bool openMetrics)
    {
        var byLabels = family.Samples.Where(s => !(openMetrics && s.Name == family.Name + "_created")).GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)));
        foreach (var group in byLabels)
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{family.Name}{{{group.Key}}} has no _count");
            _ = group.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{family.Name}{{{group.Key}}} has no _sum");
            if (buckets.Count == 0 || buckets[^1].Label("le") != "+Inf")
            {
                throw new FormatException($"{family.Name}{{{group.Key}}}: the last bucket must be le=\"+Inf\"");
            }

            var previousLe = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var b in buckets)
            {
                var le = ParseValue(b.Label("le") ?? throw new FormatException($"{family.Name} bucket without le"), () => b.Name);
                if (le <= previousLe || b.Value < previousCount)
                {
                    throw new FormatException($"{family.Name}{{{group.Key}}}: buckets must have increasing le and cumulative counts");
                }

                (previousLe, previousCount) = (le, b.Value);
            }

            if (buckets[^1].Value != count.Value)
            {
                throw new FormatException($"{family.Name}{{{group.Key}}}: the +Inf bucket ({buckets[^1].Value}) differs from _count ({count.Value})");
            }
        }
    }

    private static void CheckMetricName(string name, Func<string> where)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
        {
            throw new FormatException($"bad metric name '{name}' at {where()}");
        }
    }

    private static bool IsLabelName(string name)
        => name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Unescape(string text, bool quoted, Func<string> where)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                sb.Append(text[i]);
                continue;
            }

            var e = ++i < text.Length ? text[i] : throw new FormatException($"dangling escape at {where()}");
            sb.Append(e switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quoted => '"',
                _ => throw new FormatException($"bad escape \\{e} at {where()}"),
            });
        }

        return sb.ToString();
    }
}
