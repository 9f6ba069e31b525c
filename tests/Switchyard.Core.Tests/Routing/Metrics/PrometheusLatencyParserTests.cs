using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing.Metrics;

public class PrometheusLatencyParserTests
{
    [Fact]
    public void Parse_Vector_ReadsSecondsPerModel()
    {
        var result = PrometheusLatencyParser.Parse(MetricsTestData.Read("prometheus-vector.json"));

        Assert.True(result.Succeeded, result.Error);
        var snapshot = result.Value!;
        Assert.Equal("prometheus", snapshot.Source);
        Assert.True(snapshot.TryGetSeconds("openai/gpt-4o", out var gpt));
        Assert.Equal(0.412, gpt, 9);
        Assert.True(snapshot.TryGetSeconds("anthropic/claude-haiku-4-5", out var haiku));
        Assert.Equal(0.2, haiku, 9);
    }

    [Fact]
    public void Parse_SkipsUnlabelledAndNonFiniteSeries_KeepsLargestDuplicate()
    {
        var result = PrometheusLatencyParser.Parse(MetricsTestData.Read("prometheus-vector.json"));

        var snapshot = result.Value!;
        Assert.False(snapshot.TryGetSeconds("idle/model", out _));
        Assert.False(snapshot.TryGetSeconds("negative/model", out _));
        Assert.True(snapshot.TryGetSeconds("dup/model", out var dup));
        Assert.Equal(1.5, dup);
        Assert.Equal(3, snapshot.Count);
    }

    [Fact]
    public void Parse_EmptyVector_SucceedsEmpty()
    {
        var result = PrometheusLatencyParser.Parse(MetricsTestData.Utf8("""{"status":"success","data":{"resultType":"vector","result":[]}}"""));

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Value!.Count);
    }

    [Theory]
    [InlineData("""{"status":"error","errorType":"bad_data","error":"parse error at char 3"}""", "status 'error': parse error at char 3")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[]}}""", "expected resultType 'vector'")]
    [InlineData("""{"status":"success","data":{"resultType":"vector"}}""", "expected 'data'")]
    [InlineData("""[]""", "expected an object")]
    [InlineData("""{"status":""", "invalid JSON")]
    public void Parse_BadAnswers_FailAsValues(string json, string expected)
    {
        var result = PrometheusLatencyParser.Parse(MetricsTestData.Utf8(json));

        Assert.False(result.Succeeded);
        Assert.StartsWith("prometheus: ", result.Error);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
