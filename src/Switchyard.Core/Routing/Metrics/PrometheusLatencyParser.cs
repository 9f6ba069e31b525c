using System.Text.Json;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// Reads a Prometheus instant-query answer (<c>GET /api/v1/query</c>) into per-model seconds:
/// <code>
/// {"status":"success","data":{"resultType":"vector",
///   "result":[{"metric":{"model_name":"openai/gpt-4o"},"value":[1732449600.123,"0.412"]}]}}
/// </code>
/// The query must yield a vector whose series carry a <c>model_name</c> label and whose values are seconds.
/// Series without the label, or with a NaN/infinite/negative value (Prometheus answers <c>"NaN"</c> for empty
/// rates), are skipped. When several series share a model the largest value is kept — the pessimistic choice.
/// </summary>
public static class PrometheusLatencyParser
{
    /// <summary>The label naming the model in each series.</summary>
    public const string ModelLabel = "model_name";

    /// <summary>Parses <paramref name="json"/>; a non-success status or a non-vector result is a failure.</summary>
    public static MetricsResult<LatencySnapshot> Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("status", out var status)
                || status.ValueKind != JsonValueKind.String)
            {
                return Fail("expected an object with a 'status'");
            }

            if (status.GetString() != "success")
            {
                var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                return Fail($"status '{status.GetString()}'{(error is null ? "" : ": " + error)}");
            }

            if (!root.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("resultType", out var resultType)
                || resultType.ValueKind != JsonValueKind.String
                || !data.TryGetProperty("result", out var result)
                || result.ValueKind != JsonValueKind.Array)
            {
                return Fail("expected 'data' with 'resultType' and a 'result' array");
            }

            if (resultType.GetString() != "vector")
            {
                return Fail($"expected resultType 'vector', got '{resultType.GetString()}'");
            }

            var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var series in result.EnumerateArray())
            {
                if (TryReadSeries(series, out var model, out var value))
                {
                    seconds[model] = seconds.TryGetValue(model, out var existing) ? Math.Max(existing, value) : value;
                }
            }

            return MetricsResult<LatencySnapshot>.Ok(new LatencySnapshot("prometheus", seconds));
        }
        catch (JsonException ex)
        {
            return Fail($"invalid JSON ({ex.Message})");
        }
    }

    private static bool TryReadSeries(JsonElement series, out string model, out double value)
    {
        model = "";
        value = 0;
        if (series.ValueKind != JsonValueKind.Object
            || !series.TryGetProperty("metric", out var metric)
            || metric.ValueKind != JsonValueKind.Object
            || !metric.TryGetProperty(ModelLabel, out var label)
            || label.ValueKind != JsonValueKind.String
            || label.GetString() is not { Length: > 0 } name
            || !series.TryGetProperty("value", out var sample)
            || sample.ValueKind != JsonValueKind.Array
            || sample.GetArrayLength() != 2
            || !JsonNumbers.TryRead(sample[1], out value)
            || value < 0)
        {
            return false;
        }

        model = name;
        return true;
    }

    private static MetricsResult<LatencySnapshot> Fail(string message) =>
        MetricsResult<LatencySnapshot>.Fail("prometheus: " + message);
}
