using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Catalog;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Routing;

/// <summary>
/// A Plano routing config without <c>overrides.llm_routing_model</c> uses the hosted Plano-Orchestrator, as Plano
/// does; <c>SWITCHYARD_HOSTED_ROUTER_URL</c> points it at a fake router on loopback here.
/// </summary>
[Collection(RoutingCollection.Name)]
public sealed class HostedRouterTests
{
    private static string Yaml(PreferenceRoutingConfig env) => Infrastructure.Yaml.Listener() + $"""
        model_providers:
          - name: general
            model: openai/gpt-4o-mini
            access_key: k-general
            base_url: {env.General.BaseUrl}
            default: true
          - name: code-primary
            model: openai/gpt-4o
            access_key: k-code
            base_url: {env.CodePrimary.BaseUrl}
        routing_preferences:
          - name: coding
            description: writing, reviewing or debugging code
            models: [code-primary]
        """;

    private static Func<string, string?> HostedAt(string url) => name => name == HostedRouter.BaseUrlVariable ? url : null;

    private static byte[] Chat(string content, string model = "auto")
        => Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"{content}\"}}]}}");

    private static string? Header(HttpResponseMessage r, string name)
        => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task NoRouterModel_RoutesThroughHostedPlanoOrchestrator_WithPlanosBodyAndHeaders()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        var logs = new CapturedLogs();
        await using var gw = await TestGateway.StartAsync(Yaml(env), logs, env: HostedAt(env.Router.BaseUrl));

        using var response = await gw.PostChatAsync(Chat("write code to parse dates"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("preference", Header(response, "x-switchyard-routing"));
        Assert.Equal("code-primary", Header(response, "x-switchyard-model"));
        var call = env.Router.Single();
        Assert.Equal("/v1/chat/completions", call.PathAndQuery);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal("Plano-Orchestrator", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("plano-orchestrator", call.Header("model"));
        Assert.Equal("plano-orchestrator", call.Header("x-arch-llm-provider-hint"));
        Assert.Null(call.Header("authorization"));
        Assert.Contains(logs.Messages, m => m.Contains($"routing prompts (the recent conversation) are sent to {env.Router.BaseUrl}/v1/chat/completions", StringComparison.Ordinal)
                                            && m.Contains("overrides.llm_routing_model", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostedRouter_IsNotListedNorRequestable()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(env), env: HostedAt(env.Router.BaseUrl));

        var models = await gw.Client.GetStringAsync("/v1/models");
        using var one = await gw.Client.GetAsync("/v1/models/" + HostedRouter.Name);
        using var direct = await gw.PostChatAsync(Chat("hi", model: HostedRouter.Name));

        Assert.DoesNotContain("plano-orchestrator", models, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("code-primary", models, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
        Assert.Equal(0, env.Router.RequestCount);
    }

    [Fact]
    public async Task HostedRouterUnreachable_FailsOpenToTheDefaultModel()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        var closed = await FakeUpstream.StartAsync();
        var unreachable = closed.BaseUrl;
        await closed.DisposeAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(env), env: HostedAt(unreachable));

        using var response = await gw.PostChatAsync(Chat("write code to parse dates"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("fail-open", Header(response, "x-switchyard-routing"));
        Assert.Equal("error", Header(response, "x-switchyard-router-failure"));
        Assert.Equal("general", Header(response, "x-switchyard-model"));
    }
}
