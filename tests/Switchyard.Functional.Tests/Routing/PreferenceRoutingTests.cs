using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Routing;

/// <summary>
/// Preference routing through the real gateway: a fake router model answering by keyword picks the route, each
/// request lands on that route's provider, failures fail over along the route, and router failures fail open.
/// </summary>
[Collection(RoutingCollection.Name)]
public sealed class PreferenceRoutingTests
{
    private static string Chat(string content, string? model = "auto", string extra = "")
        => (model is null ? "{" : $"{{\"model\":\"{model}\",") + $"\"messages\":[{{\"role\":\"system\",\"content\":\"be brief\"}},{{\"role\":\"user\",\"content\":\"{content}\"}}]{extra}}}";

    private static string? Header(HttpResponseMessage r, string name)
        => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task CodingPrompt_LandsOnCodingRoutePrimary_WithRouteHeaders()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(Chat("please write code for a parser"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("preference", Header(response, "x-switchyard-routing"));
        Assert.Equal("coding", Header(response, "x-switchyard-route"));
        Assert.Equal("code-primary, code-backup", Header(response, "x-switchyard-candidates"));
        Assert.Equal("code-primary", Header(response, "x-switchyard-model"));
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());

        // The router was asked once, with the Plano-Orchestrator contract, for its own model id, near-greedy.
        using var routerBody = JsonDocument.Parse(env.Router.Single().Body);
        Assert.Equal("plano-orchestrator", routerBody.RootElement.GetProperty("model").GetString());
        Assert.Equal(0.01, routerBody.RootElement.GetProperty("temperature").GetDouble());
        var prompt = FakeRouter.LastUserMessage(env.Router.Single().Body);
        Assert.Contains("\"name\":\"coding\"", prompt.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("be brief", prompt, StringComparison.Ordinal); // system messages are not shown to the router

        // The chosen model got the client's request with only the model replaced.
        var upstream = env.CodePrimary.Single();
        Assert.Equal("Bearer k-code", upstream.Header("Authorization"));
        Assert.Contains("\"model\":\"gpt-4o\"", upstream.BodyText, StringComparison.Ordinal);
        Assert.Equal(0, env.General.RequestCount + env.Poet.RequestCount + env.CodeBackup.RequestCount);
    }

    [Fact]
    public async Task CreativePrompt_LandsOnAnthropic_TranslatedForTheOpenAIClient()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(Chat("write a poem about rivers"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("creative", Header(response, "x-switchyard-route"));
        Assert.Equal("poet", Header(response, "x-switchyard-model"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());
        Assert.Equal("/v1/messages", env.Poet.Single().PathAndQuery);
        Assert.Equal(0, env.CodePrimary.RequestCount);
    }

    [Fact]
    public async Task RoutePrimaryFails_FailsOverAlongTheRouteCandidates()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        env.CodePrimary.SetDefault(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}", ("Retry-After", "0")));
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(Chat("debug this code"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("code-backup", Header(response, "x-switchyard-model"));
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(1, env.CodePrimary.RequestCount);
        Assert.Contains("\"model\":\"codestral-latest\"", env.CodeBackup.Single().BodyText, StringComparison.Ordinal);
        Assert.Equal(0, env.General.RequestCount);
    }

    [Fact]
    public async Task NoRouteFits_DefaultModelServes()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(Chat("what is the capital of France?", model: null));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("no-route", Header(response, "x-switchyard-routing"));
        Assert.Null(Header(response, "x-switchyard-route"));
        Assert.Equal("general", Header(response, "x-switchyard-model"));
        Assert.Equal(1, env.Router.RequestCount);
    }

    [Fact]
    public async Task NamedModel_GoesThereDirectly_RouterNotAsked()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(Chat("please write code", model: "poet"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("poet", Header(response, "x-switchyard-model"));
        Assert.Null(Header(response, "x-switchyard-routing"));
        Assert.Equal(0, env.Router.RequestCount);
    }

    public static TheoryData<string, string> RouterFailures => new()
    {
        { "500", "error" },
        { "garbage", "garbage" },
        { "timeout", "timeout" },
        { "refused", "error" },
    };

    [Theory]
    [MemberData(nameof(RouterFailures))]
    public async Task RouterFails_FailsOpenToTheDefaultModel_WithHeaderAndMetric(string failure, string reason)
    {
        UpstreamHandler router = failure switch
        {
            "500" => Reply.Json(500, "{\"error\":\"model runner crashed\"}"),
            "garbage" => FakeRouter.Answer("I think this is about coding, probably."),
            _ => Reply.Hang(),
        };
        await using var env = await PreferenceRoutingConfig.StartAsync(router);
        var yaml = env.Yaml(extraOverrides: "  router_timeout: 300ms");
        if (failure == "refused")
        {
            yaml = yaml.Replace(env.Router.BaseUrl, Ports.RefusingBaseUrl(), StringComparison.Ordinal);
        }

        await using var gw = await TestGateway.StartAsync(yaml);
        using var metric = new FailOpenCounter();
        var clock = Stopwatch.StartNew();

        using var response = await gw.PostChatAsync(Chat("write code please"));

        await ResponseAssert.OkAsync(response);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"fail-open took {clock.Elapsed}");
        Assert.Equal("fail-open", Header(response, "x-switchyard-routing"));
        Assert.Equal(reason, Header(response, "x-switchyard-router-failure"));
        Assert.Equal("general", Header(response, "x-switchyard-model"));
        Assert.Equal(1, metric.Count(reason));
        Assert.Equal(0, env.CodePrimary.RequestCount);
    }

    [Fact]
    public async Task RouterFails_WithNamedTriggerlessRequest_FailsOpenToTheRequestedModel()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync(Reply.Json(500, "{}"));
        await using var gw = await TestGateway.StartAsync(env.Yaml());
        var inline = ",\"routing_preferences\":[{\"name\":\"coding\",\"description\":\"code\",\"models\":[\"code-primary\"]}]";

        using var response = await gw.PostChatAsync(Chat("write code", model: "poet", extra: inline));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("fail-open", Header(response, "x-switchyard-routing"));
        Assert.Equal("poet", Header(response, "x-switchyard-model"));
        Assert.DoesNotContain("routing_preferences", env.Poet.Single().BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InlinePreferences_ReplaceTheConfigs_AndAreNotForwarded()
    {
        var router = FakeRouter.WhenRouteListed("verse", "{\"route\": [\"verse\"]}", "{\"route\": []}");
        await using var env = await PreferenceRoutingConfig.StartAsync(router);
        await using var gw = await TestGateway.StartAsync(env.Yaml());
        var inline = ",\"routing_preferences\": [ {\"name\":\"verse\",\"description\":\"any rhyming text\",\"models\":[\"code-backup\"]} ] ,\"temperature\":0.5";

        using var response = await gw.PostChatAsync(Chat("hello there", extra: inline));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("verse", Header(response, "x-switchyard-route"));
        Assert.Equal("code-backup", Header(response, "x-switchyard-model"));
        var prompt = FakeRouter.LastUserMessage(env.Router.Single().Body);
        Assert.Contains("verse", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("coding", prompt, StringComparison.Ordinal); // the config's routes are replaced
        var forwarded = env.CodeBackup.Single().BodyText;
        Assert.DoesNotContain("routing_preferences", forwarded, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(forwarded); // still valid JSON, other members kept
        Assert.Equal(0.5, doc.RootElement.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public async Task InlineEmptyPreferences_DisableRouting()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(Chat("write code", extra: ",\"routing_preferences\":[]"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("general", Header(response, "x-switchyard-model"));
        Assert.Equal(0, env.Router.RequestCount);
        Assert.DoesNotContain("routing_preferences", env.General.Single().BodyText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions", "\"error\":{")]
    [InlineData("/v1/messages", "\"type\":\"error\"")]
    public async Task InlinePreferencesWithUnknownModel_AreAClientErrorInTheClientsProtocol(string path, string shape)
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());
        var body = "{\"model\":\"auto\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                   + "\"routing_preferences\":[{\"name\":\"x\",\"description\":\"y\",\"models\":[\"nope/nothing\"]}]}";

        using var response = await gw.PostAsync(path, System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(shape, text, StringComparison.Ordinal);
        Assert.Contains("nope/nothing", text, StringComparison.Ordinal);
        Assert.Equal(0, env.Router.RequestCount);
    }

    [Fact]
    public async Task ExplainHeader_SaysWhy()
    {
        await using var env = await PreferenceRoutingConfig.StartAsync();
        await using var gw = await TestGateway.StartAsync(env.Yaml());

        using var response = await gw.PostChatAsync(System.Text.Encoding.UTF8.GetBytes(Chat("write code")), [("x-switchyard-explain", "1")]);

        await ResponseAssert.OkAsync(response);
        using var explain = JsonDocument.Parse(Header(response, "x-switchyard-explain")!);
        var root = explain.RootElement;
        Assert.Equal("coding", root.GetProperty("route").GetString());
        Assert.Equal("preference", root.GetProperty("method").GetString());
        Assert.Equal(["code-primary", "code-backup"], root.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        var router = root.GetProperty("explanation").GetProperty("router");
        Assert.Equal("{\"route\": [\"coding\"]}", router.GetProperty("raw_answer").GetString());
        Assert.Equal("router", router.GetProperty("model").GetString());
    }

    private sealed class FailOpenCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public FailOpenCounter()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Switchyard" && instrument.Name == "switchyard.router.fail_open")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason")
                    {
                        lock (_counts)
                        {
                            _counts[(string)tag.Value!] = _counts.GetValueOrDefault((string)tag.Value!) + value;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string reason)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(reason);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>Routing tests share process-wide metric listeners, so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RoutingCollection
{
    public const string Name = "routing";
}
