using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Routing;

/// <summary>
/// <c>selection_policy</c> through the real gateway: a route's candidates reordered by a models.dev-style cost
/// catalog on disk, or by a Prometheus instant query served on loopback, with the figures in the explanation.
/// </summary>
[Collection(RoutingCollection.Name)]
public sealed class SelectionPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? Header(HttpResponseMessage r, string name)
        => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    private static string Chat(string content) => $"{{\"model\":\"auto\",\"messages\":[{{\"role\":\"user\",\"content\":\"{content}\"}}]}}";

    [Fact]
    public async Task Cheapest_PutsTheCheaperModelFirst_FromACostCatalogFile()
    {
        // models.dev shape: USD per million tokens under provider → models → id → cost.
        var catalog = Path.Combine(_dir, "api.json");
        await File.WriteAllTextAsync(catalog, """
            {"openai": {"models": {"gpt-4o": {"cost": {"input": 2.5, "output": 10}}}},
             "mistral": {"models": {"codestral-latest": {"cost": {"input": 0.3, "output": 0.9}}}}}
            """);
        await using var env = await PreferenceRoutingConfig.StartAsync();
        var yaml = env.Yaml(codingPolicy: "cheapest", extraTop: $"model_metrics_sources:\n  - type: cost\n    provider: models.dev\n    url: {catalog}");
        await using var gw = await TestGateway.StartAsync(yaml);

        using var response = await gw.PostChatAsync(System.Text.Encoding.UTF8.GetBytes(Chat("write code")), [("x-switchyard-explain", "1")]);

        await ResponseAssert.OkAsync(response);
        Assert.Equal("code-backup, code-primary", Header(response, "x-switchyard-candidates"));
        Assert.Equal("code-backup", Header(response, "x-switchyard-model"));
        Assert.Equal(0, env.CodePrimary.RequestCount);
        using var explain = JsonDocument.Parse(Header(response, "x-switchyard-explain")!);
        var selection = explain.RootElement.GetProperty("explanation").GetProperty("selection");
        Assert.Equal("cheapest", selection.GetProperty("policy").GetString());
        var ranking = selection.GetProperty("ranking").EnumerateArray().Select(e => (e.GetProperty("model").GetString(), e.GetProperty("figure").GetDouble())).ToArray();
        Assert.Equal([("code-backup", 1.2), ("code-primary", 12.5)], ranking);
    }

    [Fact]
    public async Task Fastest_OrdersByPrometheusLatency_AndFailsOverInThatOrder()
    {
        await using var prometheus = await FakeUpstream.StartAsync(Reply.Json(200, """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"model_name":"code-primary"},"value":[1764676800,"0.9"]},
              {"metric":{"model_name":"code-backup"},"value":[1764676800,"0.2"]}]}}
            """));
        await using var env = await PreferenceRoutingConfig.StartAsync();
        env.CodeBackup.SetDefault(Reply.Json(503, "{\"error\":{\"message\":\"busy\"}}", ("Retry-After", "0")));
        var yaml = env.Yaml(codingPolicy: "fastest", extraTop:
            $"model_metrics_sources:\n  - type: latency\n    provider: prometheus\n    url: {prometheus.BaseUrl}\n    query: ttft_p50_seconds");
        await using var gw = await TestGateway.StartAsync(yaml);

        using var response = await gw.PostChatAsync(Chat("write code"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("code-backup, code-primary", Header(response, "x-switchyard-candidates"));
        Assert.Equal("code-primary", Header(response, "x-switchyard-model")); // the fastest failed; the next in rank served
        Assert.Equal(1, env.CodeBackup.RequestCount);
        Assert.Contains("query=ttft_p50_seconds", prometheus.Requests[0].PathAndQuery, StringComparison.Ordinal);
    }
}
