using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Preference;
using Switchyard.Core.Routing.Selection;
using Switchyard.Core.Tests.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing;

/// <summary>The Route stage's decisions with a scripted router model, fake time and fixed selection figures.</summary>
public sealed class RoutingServiceTests
{
    private sealed class ScriptedRouter(Func<IReadOnlyList<RoutePreference>, RouterCallResult> answer) : IRouterModel
    {
        public int Calls { get; private set; }
        public IReadOnlyList<RoutePreference>? LastRoutes { get; private set; }

        public Task<RouterCallResult> AskAsync(ModelCatalog catalog, RouterSettings settings, IReadOnlyList<RoutePreference> routes,
            IReadOnlyList<IrMessage> messages, CancellationToken cancellationToken)
        {
            Calls++;
            LastRoutes = routes;
            return Task.FromResult(answer(routes));
        }
    }

    private sealed class Figures(Dictionary<string, double> cost) : ISelectionFigures
    {
        public FigureLookup? LookupFor(SelectionPolicy policy) => policy == SelectionPolicy.Cheapest
            ? (string model, out double figure) => cost.TryGetValue(model, out figure)
            : null;
    }

    private static RouterCallResult Routed(string route) =>
        new(RouterFailureKind.None, null, RouterDecision.Routed(route, $"{{\"route\": [\"{route}\"]}}"), TimeSpan.FromMilliseconds(3), "router");

    private static ModelProviderConfig Entry(string name, string model, bool isDefault = false)
    {
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        return new ModelProviderConfig
        {
            Name = name, Model = model, Provider = model[..slash], ModelId = model[(slash + 1)..], AccessKey = "k",
            BaseUrl = "http://127.0.0.1:9", IsDefault = isDefault,
        };
    }

    private static RuntimeSnapshot Snapshot(SelectionPolicy codingPolicy = SelectionPolicy.None, AffinitySettings? affinity = null) =>
        RuntimeSnapshot.Build(new GatewayConfig
        {
            Source = "test",
            Listeners = [new ListenerConfig { Name = "l", Address = "127.0.0.1", Port = 1, FirstByteTimeout = TimeSpan.FromSeconds(1), StreamIdleTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0 }],
            Providers =
            [
                Entry("general", "openai/gpt-4o-mini", isDefault: true),
                Entry("big", "openai/gpt-4o"),
                Entry("cheap", "mistral/mistral-small-latest"),
                Entry("mid", "groq/llama-3.3-70b-versatile"),
                Entry("router", "ollama/plano-orchestrator"),
            ],
            Aliases = [],
            Sections = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(),
            RoutingPreferences =
            [
                new RoutePreferenceConfig("coding", "code", ["big", "cheap", "mid"], codingPolicy, 1),
                new RoutePreferenceConfig("chat", "small talk", ["general"], SelectionPolicy.None, 2),
            ],
            Router = new RouterSettings { Model = "router" },
            Affinity = affinity ?? new AffinitySettings(),
        }, 1);

    [Fact]
    public async Task RouteNamingAGroup_ExpandsItsMembers_RotatedPerRequest()
    {
        var snapshot = RuntimeSnapshot.Build(Snapshot().Config with
        {
            Groups = [new ModelGroupConfig("pool", ["big", "cheap"], "round-robin", 0)],
            RoutingPreferences = [new RoutePreferenceConfig("coding", "code", ["pool", "mid"], SelectionPolicy.None, 1)],
        }, 2);
        var service = new RoutingService(new ScriptedRouter(_ => Routed("coding")), NoSelectionFigures.Instance, new ManualTime());

        var (first, _) = await service.RouteAsync(snapshot, Input(), default);
        var (second, _) = await service.RouteAsync(snapshot, Input(), default);

        Assert.Equal(["big", "cheap", "mid"], Names(first!));
        Assert.Equal(["cheap", "big", "mid"], Names(second!));
    }

    private static RoutingInput Input(string? model = "auto", string? affinity = null, IReadOnlyList<RoutePreferenceConfig>? inline = null) =>
        new(model, inline, affinity, null, () => ([new IrMessage(IrRole.User, [new IrTextPart("hi")])], null));

    private static string[] Names(RoutingDecision d) => d.Candidates.Select(c => c.CanonicalName).ToArray();

    [Fact]
    public async Task Cheapest_ReordersTheRoute_NoDataLast_FiguresKept()
    {
        var router = new ScriptedRouter(_ => Routed("coding"));
        var service = new RoutingService(router, new Figures(new() { ["cheap"] = 0.3, ["mid"] = 1.2 }), new ManualTime());

        var (decision, error) = await service.RouteAsync(Snapshot(SelectionPolicy.Cheapest), Input(), default);

        Assert.Null(error);
        Assert.Equal(["cheap", "mid", "big"], Names(decision!));
        Assert.Equal(RoutingMethod.Preference, decision!.Method);
        Assert.Equal([0.3, 1.2, (double?)null], decision.Ranking!.Candidates.Select(c => c.Figure));
    }

    [Fact]
    public async Task NoPolicy_KeepsDeclaredOrder()
    {
        var service = new RoutingService(new ScriptedRouter(_ => Routed("coding")), new Figures(new() { ["cheap"] = 0.3 }), new ManualTime());

        var (decision, _) = await service.RouteAsync(Snapshot(), Input(), default);

        Assert.Equal(["big", "cheap", "mid"], Names(decision!));
        Assert.Null(decision!.Ranking);
    }

    [Fact]
    public async Task AffinityPin_HoldsUntilItsTtlPasses_ThenTheRouterIsAskedAgain()
    {
        var time = new ManualTime();
        var route = "coding";
        var router = new ScriptedRouter(_ => Routed(route));
        var service = new RoutingService(router, NoSelectionFigures.Instance, time);
        var snapshot = Snapshot(affinity: new AffinitySettings { SessionTtl = TimeSpan.FromSeconds(60) });

        var (first, _) = await service.RouteAsync(snapshot, Input(affinity: "s1"), default);
        route = "chat";
        time.Advance(TimeSpan.FromSeconds(59));
        var (pinned, _) = await service.RouteAsync(snapshot, Input(affinity: "s1"), default);
        time.Advance(TimeSpan.FromSeconds(2));
        var (expired, _) = await service.RouteAsync(snapshot, Input(affinity: "s1"), default);

        Assert.Equal("big", Names(first!)[0]);
        Assert.Equal(RoutingMethod.Affinity, pinned!.Method);
        Assert.True(pinned.Pinned);
        Assert.Equal(["big", "cheap", "mid"], Names(pinned)); // the pinned model first, the rest of its route after it
        Assert.Equal(RoutingMethod.Preference, expired!.Method);
        Assert.Equal(["general"], Names(expired));
        Assert.Equal(2, router.Calls);
    }

    [Fact]
    public async Task NamedModel_IsDirect_RouterNotAsked()
    {
        var router = new ScriptedRouter(_ => Routed("coding"));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());

        var (decision, _) = await service.RouteAsync(Snapshot(), Input(model: "cheap", affinity: "s1"), default);

        Assert.Equal(RoutingMethod.Direct, decision!.Method);
        Assert.Equal(["cheap"], Names(decision));
        Assert.Equal(0, router.Calls);
    }

    [Fact]
    public async Task InlinePreferences_ReplaceConfigRoutes_InTheRouterPrompt()
    {
        var router = new ScriptedRouter(_ => Routed("fast"));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());
        IReadOnlyList<RoutePreferenceConfig> inline = [new RoutePreferenceConfig("fast", "quick answers", ["mid"], SelectionPolicy.None, 0)];

        var (decision, _) = await service.RouteAsync(Snapshot(), Input(model: "big", inline: inline), default);

        Assert.Equal(["fast"], router.LastRoutes!.Select(r => r.Name));
        Assert.Equal(["mid"], Names(decision!));
        Assert.Equal("request", decision!.PreferencesSource);
    }

    [Fact]
    public async Task RouterFailure_FailsOpen_ToRequestedThenDefault()
    {
        var failed = new RouterCallResult(RouterFailureKind.Timeout, "slow", null, TimeSpan.FromSeconds(2), "router");
        var service = new RoutingService(new ScriptedRouter(_ => failed), NoSelectionFigures.Instance, new ManualTime());
        IReadOnlyList<RoutePreferenceConfig> inline = [new RoutePreferenceConfig("fast", "quick", ["mid"], SelectionPolicy.None, 0)];

        var (toDefault, _) = await service.RouteAsync(Snapshot(), Input(), default);
        var (toRequested, _) = await service.RouteAsync(Snapshot(), Input(model: "cheap", inline: inline), default);

        Assert.Equal(RoutingMethod.FailOpen, toDefault!.Method);
        Assert.Equal(["general"], Names(toDefault));
        Assert.Equal(["cheap"], Names(toRequested!));
        Assert.Contains("slow", toDefault.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UndecodableBody_IsAClientError_WhenTheRouterWouldNeedIt()
    {
        var service = new RoutingService(new ScriptedRouter(_ => Routed("coding")), NoSelectionFigures.Instance, new ManualTime());
        var input = new RoutingInput("auto", null, null, null, () => (null, new IrError(400, "invalid_request_error", "messages must be an array")));

        var (decision, error) = await service.RouteAsync(Snapshot(), input, default);

        Assert.Null(decision);
        Assert.Equal(400, error!.Status);
        Assert.Equal("messages must be an array", error.Message);
    }

    private static readonly IrMessage AskForCode = new(IrRole.User, [new IrTextPart("write a parser")]);
    private static readonly IrMessage ToolCall = new(IrRole.Assistant, [new IrToolCallPart("c1", "read_file", "{}")]);
    private static readonly IrMessage ToolResult = new(IrRole.Tool, [new IrToolResultPart("c1", [new IrTextPart("file text")])]);

    private static RoutingInput Conversation(params IrMessage[] messages) => new("auto", null, null, null, () => (messages, null));

    [Fact]
    public async Task RouteOnUserOnly_ToolResultTail_ReusesTheSessionsModel_RouterNotAsked()
    {
        var route = "coding";
        var router = new ScriptedRouter(_ => Routed(route));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());
        var snapshot = Snapshot(affinity: new AffinitySettings { RouteOnUserOnly = true });

        var (first, _) = await service.RouteAsync(snapshot, Conversation(AskForCode), default);
        route = "chat";
        var (loop, _) = await service.RouteAsync(snapshot, Conversation(AskForCode, ToolCall, ToolResult), default);

        Assert.Equal(1, router.Calls);
        Assert.Equal("big", Names(loop!)[0]);
        Assert.Equal("coding", loop!.Route);
        Assert.True(loop.Pinned);
        Assert.Equal("the last turn is a tool result", loop.RouterSkipped);
        Assert.StartsWith("implicit:", loop.SessionId, StringComparison.Ordinal);
        Assert.Equal(first!.SessionId, loop.SessionId);
        Assert.Contains("route_on_user_only", loop.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteOnUserOnly_NewUserTurn_AsksTheRouterAgain()
    {
        var route = "coding";
        var router = new ScriptedRouter(_ => Routed(route));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());
        var snapshot = Snapshot(affinity: new AffinitySettings { RouteOnUserOnly = true });

        await service.RouteAsync(snapshot, Conversation(AskForCode), default);
        route = "chat";
        var (next, _) = await service.RouteAsync(snapshot,
            Conversation(AskForCode, new IrMessage(IrRole.Assistant, [new IrTextPart("done")]), new IrMessage(IrRole.User, [new IrTextPart("thanks!")])), default);

        Assert.Equal(2, router.Calls);
        Assert.Equal(RoutingMethod.Preference, next!.Method);
        Assert.Equal(["general"], Names(next));
        Assert.Null(next.RouterSkipped);
    }

    [Fact]
    public async Task RouteOnUserOnly_Off_ToolResultTail_AsksTheRouter()
    {
        var router = new ScriptedRouter(_ => Routed("coding"));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());

        await service.RouteAsync(Snapshot(), Conversation(AskForCode), default);
        var (loop, _) = await service.RouteAsync(Snapshot(), Conversation(AskForCode, ToolCall, ToolResult), default);

        Assert.Equal(2, router.Calls);
        Assert.Null(loop!.RouterSkipped);
        Assert.Null(loop.SessionId);
    }

    [Fact]
    public async Task RouteOnUserOnly_NoEarlierDecision_RoutesAndRemembers()
    {
        var router = new ScriptedRouter(_ => Routed("coding"));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());
        var snapshot = Snapshot(affinity: new AffinitySettings { RouteOnUserOnly = true });

        var (cold, _) = await service.RouteAsync(snapshot, Conversation(AskForCode, ToolCall, ToolResult), default);
        var (warm, _) = await service.RouteAsync(snapshot, Conversation(AskForCode, ToolCall, ToolResult, ToolCall, ToolResult), default);

        Assert.Equal(RoutingMethod.Preference, cold!.Method);
        Assert.Equal(RoutingMethod.Affinity, warm!.Method);
        Assert.Equal(1, router.Calls);
    }

    [Fact]
    public async Task RouteOnUserOnly_ExplicitSession_KeysTheReuse()
    {
        var router = new ScriptedRouter(_ => Routed("coding"));
        var service = new RoutingService(router, NoSelectionFigures.Instance, new ManualTime());
        var snapshot = Snapshot(affinity: new AffinitySettings { RouteOnUserOnly = true });

        var (first, _) = await service.RouteAsync(snapshot, new RoutingInput("auto", null, "agent-7", null, () => ([AskForCode], null)), default);

        Assert.Equal("agent-7", first!.SessionId);
    }
}
