using System.Text.Json;
using Switchyard.Cli;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Routing;

/// <summary><c>switchyard route --config FILE "prompt"</c> against a fake router model on loopback.</summary>
[Collection(RoutingCollection.Name)]
public sealed class RouteCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-route-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Out, string Err)> RunAsync(string yaml, params string[] args)
    {
        var path = Path.Combine(_dir, "plano_config.yaml");
        await File.WriteAllTextAsync(path, yaml);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["route", "--config", path, .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Route_PrintsTheDecisionAndTheRouterAnswer()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();

        var (code, output, error) = await RunAsync(env.Yaml(), "please", "review", "my", "code");

        Assert.True(code == 0, error);
        Assert.Contains("route:    coding\n", output, StringComparison.Ordinal);
        Assert.Contains("models:   code-primary, code-backup\n", output, StringComparison.Ordinal);
        Assert.Contains("answered: {\"route\": [\"coding\"]}", output, StringComparison.Ordinal);
        Assert.Contains("please review my code", FakeRouter.LastUserMessage(env.Router.Single().Body), StringComparison.Ordinal);
        Assert.Equal(0, env.CodePrimary.RequestCount);
    }

    [Fact]
    public async Task Route_Json_AndFailOpenIsReported()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync(Reply.Json(503, "{\"error\":\"loading model\"}"));

        var (code, output, error) = await RunAsync(env.Yaml(), "--json", "write code");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("fail-open", doc.RootElement.GetProperty("method").GetString());
        Assert.Equal(["general"], doc.RootElement.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("error", doc.RootElement.GetProperty("explanation").GetProperty("router").GetProperty("failure").GetString());
    }

    [Fact]
    public async Task Route_WithoutPrompt_IsAUsageError()
    {
        var (code, _, error) = await RunAsync("version: v0.4.0\n");

        Assert.Equal(2, code);
        Assert.Contains(RouteCommand.UsageLine, error, StringComparison.Ordinal);
    }
}
