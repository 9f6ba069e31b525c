using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Routing;

/// <summary>Session affinity (<c>X-Model-Affinity</c>) and the decision API (<c>/routing/v1/*</c>) through the real gateway.</summary>
[Collection(RoutingCollection.Name)]
public sealed class AffinityAndDecisionTests
{
    private static byte[] Chat(string content, string model = "auto")
        => Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"{content}\"}}]}}");

    private static string? Header(HttpResponseMessage r, string name)
        => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task AffinityPin_LaterRequestsSkipTheRouter_AndStayOnThePinnedModel()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml(extraTop: "routing: {session_ttl_seconds: 600, session_cache: {type: memory, tenant_header: x-tenant}}"));

        using var first = await gw.PostChatAsync(Chat("write code for me"), [("X-Model-Affinity", "session-1"), ("x-tenant", "acme")]);
        using var second = await gw.PostChatAsync(Chat("now a poem please"), [("X-Model-Affinity", "session-1"), ("x-tenant", "acme")]);

        await ResponseAssert.OkAsync(first);
        await ResponseAssert.OkAsync(second);
        Assert.Equal("preference", Header(first, "x-switchyard-routing"));
        Assert.Equal("affinity", Header(second, "x-switchyard-routing"));
        Assert.Equal("coding", Header(second, "x-switchyard-route"));
        Assert.Equal("code-primary", Header(second, "x-switchyard-model"));
        Assert.Equal(1, env.Router.RequestCount);
        Assert.Equal(2, env.CodePrimary.RequestCount);
        Assert.Equal(0, env.Poet.RequestCount);

        // The same session id under another tenant is another session: it is routed afresh.
        using var otherTenant = await gw.PostChatAsync(Chat("now a poem please"), [("X-Model-Affinity", "session-1"), ("x-tenant", "globex")]);
        Assert.Equal("creative", Header(otherTenant, "x-switchyard-route"));
        Assert.Equal(2, env.Router.RequestCount);

        // Without the header nothing is pinned.
        using var anonymous = await gw.PostChatAsync(Chat("a poem"));
        Assert.Equal("poet", Header(anonymous, "x-switchyard-model"));
    }

    [Fact]
    public async Task DecisionApi_ReturnsTheDecision_WithoutCallingAModel()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostAsync("/routing/v1/chat/completions", Chat("fix my code"),
            [("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var root = doc.RootElement;
        Assert.Equal(["code-primary", "code-backup"], root.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("coding", root.GetProperty("route").GetString());
        Assert.False(root.GetProperty("pinned").GetBoolean());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", root.GetProperty("trace_id").GetString());
        Assert.Equal(1, env.Router.RequestCount);
        Assert.Equal(0, env.CodePrimary.RequestCount + env.CodeBackup.RequestCount + env.Poet.RequestCount + env.General.RequestCount);
    }

    [Fact]
    public async Task DecisionApi_MessagesAndResponses_AndPinnedSessions()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());
        var messages = Encoding.UTF8.GetBytes("{\"model\":\"auto\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"a poem about snow\"}]}");
        var responses = Encoding.UTF8.GetBytes("{\"model\":\"auto\",\"input\":\"write code to sort a list\"}");

        using var m = await gw.PostAsync("/routing/v1/messages", messages, [("X-Model-Affinity", "s9")]);
        using var r = await gw.PostAsync("/routing/v1/responses", responses);
        using var pinned = await gw.PostAsync("/routing/v1/messages", messages, [("X-Model-Affinity", "s9")]);

        using var md = JsonDocument.Parse(await m.Content.ReadAsByteArrayAsync());
        using var rd = JsonDocument.Parse(await r.Content.ReadAsByteArrayAsync());
        using var pd = JsonDocument.Parse(await pinned.Content.ReadAsByteArrayAsync());
        Assert.Equal("creative", md.RootElement.GetProperty("route").GetString());
        Assert.Equal(32, md.RootElement.GetProperty("trace_id").GetString()!.Length);
        Assert.Equal("coding", rd.RootElement.GetProperty("route").GetString());
        Assert.True(pd.RootElement.GetProperty("pinned").GetBoolean());
        Assert.Equal(["poet"], pd.RootElement.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, env.Router.RequestCount);
    }

    [Fact]
    public async Task DecisionApi_NamedModel_ReturnsItsCandidates_WithNoRoute()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostAsync("/routing/v1/chat/completions", Chat("anything", model: "openai/gpt-4o"));

        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["code-primary"], doc.RootElement.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("route").ValueKind);
        Assert.Equal(0, env.Router.RequestCount);
    }

    [Fact]
    public async Task DecisionApi_BadRequest_IsAnErrorInTheEndpointsProtocol()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostAsync("/routing/v1/messages", Encoding.UTF8.GetBytes("{\"model\":\"no/such-model\",\"messages\":[]}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task DecisionApi_NoRouteFits_AnswersNoneAndNullRoute_InPlanosShape()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var anonymous = await gw.PostAsync("/routing/v1/chat/completions", Chat("hello there"));
        using var session = await gw.PostAsync("/routing/v1/chat/completions", Chat("hello there"), [("X-Model-Affinity", "s-42")]);

        using var doc = JsonDocument.Parse(await anonymous.Content.ReadAsByteArrayAsync());
        var root = doc.RootElement;
        Assert.Equal(["none"], root.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("route").ValueKind);
        Assert.Equal(32, root.GetProperty("trace_id").GetString()!.Length);
        Assert.False(root.TryGetProperty("session_id", out _));
        Assert.False(root.GetProperty("pinned").GetBoolean());
        Assert.False(root.GetProperty("switched").GetBoolean());
        Assert.Equal("no-route", root.GetProperty("method").GetString());
        using var sd = JsonDocument.Parse(await session.Content.ReadAsByteArrayAsync());
        Assert.Equal("s-42", sd.RootElement.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task RouteOnUserOnly_AgentToolLoop_StaysOnTheRoutedModel_AndSaysWhy()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml(extraTop: "routing: {route_on_user_only: true}"));
        const string ask = "{\"role\":\"user\",\"content\":\"write code to sort a list\"}";
        const string call = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{}\"}}]}";
        // The tool's output mentions a poem: were the router asked, it would pick the creative route.
        const string result = "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"a poem file\"}";
        byte[] Body(params string[] messages) => Encoding.UTF8.GetBytes($"{{\"model\":\"auto\",\"messages\":[{string.Join(",", messages)}]}}");

        using var first = await gw.PostChatAsync(Body(ask));
        using var loop = await gw.PostChatAsync(Body(ask, call, result), [("x-switchyard-explain", "1")]);
        var anthropicLoop = Encoding.UTF8.GetBytes("""
            {"model":"auto","max_tokens":64,"messages":[
              {"role":"user","content":"write code to sort a list"},
              {"role":"assistant","content":[{"type":"tool_use","id":"c1","name":"read","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"c1","content":"a poem file"},
                                        {"type":"text","text":"<system-reminder>a poem reminder</system-reminder>"}]}]}
            """);
        using var decided = await gw.PostAsync("/routing/v1/messages", anthropicLoop);

        await ResponseAssert.OkAsync(first);
        await ResponseAssert.OkAsync(loop);
        Assert.Equal("code-primary", Header(first, "x-switchyard-model"));
        Assert.Equal("code-primary", Header(loop, "x-switchyard-model"));
        Assert.Equal("affinity", Header(loop, "x-switchyard-routing"));
        using var explain = JsonDocument.Parse(Header(loop, "x-switchyard-explain")!);
        Assert.Equal("the last turn is a tool result", explain.RootElement.GetProperty("explanation").GetProperty("router_skipped").GetString());
        using var dd = JsonDocument.Parse(await decided.Content.ReadAsByteArrayAsync());
        Assert.Equal("coding", dd.RootElement.GetProperty("route").GetString());
        Assert.True(dd.RootElement.GetProperty("pinned").GetBoolean());
        Assert.StartsWith("implicit:", dd.RootElement.GetProperty("session_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, env.Router.RequestCount);
        Assert.Equal(0, env.Poet.RequestCount);
    }
}
