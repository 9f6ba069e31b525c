using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing.Preference;
using Switchyard.Core.Routing.Selection;
using Switchyard.Core.State.Affinity;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Routing;

/// <summary>What the Route stage needs to know about one request, independent of HTTP (the CLI uses it too).</summary>
/// <param name="RequestedModel">The body's <c>model</c> (null when absent).</param>
/// <param name="InlinePreferences">Preferences sent with the request (replace the config's; empty disables routing), or null.</param>
/// <param name="AffinityId">The <c>X-Model-Affinity</c> session id, or null.</param>
/// <param name="Tenant">The tenant scoping affinity keys (value of <c>session_cache.tenant_header</c>), or null.</param>
/// <param name="Messages">The conversation in IR form, decoded only if the router is asked; an error when the body cannot be read.</param>
public sealed record RoutingInput(
    string? RequestedModel,
    IReadOnlyList<RoutePreferenceConfig>? InlinePreferences,
    string? AffinityId,
    string? Tenant,
    Func<(IReadOnlyList<IrMessage>? Messages, IrError? Error)> Messages)
{
    /// <summary>True when the client asked for a stream (a latency-based group ranks by time to first token).</summary>
    public bool Streaming { get; init; }
}

/// <summary>
/// The Route stage. A request that names a model or alias goes there directly. Preference routing runs when
/// preferences exist (config or inline) and the request names no model, names the trigger (<c>auto</c>), or carries
/// inline preferences: an affinity pin answers first (under <c>routing.route_on_user_only</c>, also the session's last
/// decision when the last turn is not a user turn); otherwise the router model picks a route whose models, ranked
/// by the route's selection policy, are the dispatch order. No route, or a router failure (error, garbage,
/// timeout), falls back to the requested or default model — routing never fails a request.
/// </summary>
public sealed class RoutingService(IRouterModel router, ISelectionFigures figures, TimeProvider time)
{
    private readonly Lock _affinityLock = new();

    /// <summary>The cost and latency figures selection policies and the cost-based group strategy rank by.</summary>
    public ISelectionFigures Figures => figures;

    // Settings and store are published together as one immutable object, swapped by a single reference write, so a
    // lock-free reader never pairs one reload's settings with another's store (a struct of two references can tear).
    private AffinityHolder? _affinity;

    /// <summary>The affinity store for the given settings; replaced (pins dropped) only when the settings change on reload.</summary>
    public IAffinityStore AffinityStore(AffinitySettings settings)
    {
        var current = Volatile.Read(ref _affinity);
        if (current is not null && (ReferenceEquals(current.Settings, settings) || current.Settings == settings))
        {
            return current.Store;
        }

        lock (_affinityLock)
        {
            current = _affinity;
            if (current is not null && current.Settings == settings)
            {
                return current.Store;
            }

            // The Redis backend arrives with the shared-state issue; until then every cache type is held in memory.
            var store = new InMemoryAffinityStore(time, settings.SessionTtl, settings.MaxEntries);
            Volatile.Write(ref _affinity, new AffinityHolder(settings, store));
            return store;
        }
    }

    private sealed record AffinityHolder(AffinitySettings Settings, IAffinityStore Store);

    /// <summary>
    /// True when a request can skip preference routing altogether (no inline preferences, and no configured ones or a
    /// named non-trigger model): the caller then uses <see cref="RouteDirect"/>, which needs no <see cref="RoutingInput"/>.
    /// </summary>
    public static bool IsDirect(RuntimeSnapshot snapshot, string? requestedModel, bool hasInlinePreferences)
    {
        if (hasInlinePreferences)
        {
            return false;
        }

        var config = snapshot.Config;
        return config.RoutingPreferences.Count == 0
            || (!string.IsNullOrEmpty(requestedModel) && requestedModel != config.Router.Trigger);
    }

    /// <summary>The Route stage for a request <see cref="IsDirect"/> accepted: resolution and the model's own fallbacks.</summary>
    public static (RoutingDecision? Decision, RoutingError? Error) RouteDirect(RuntimeSnapshot snapshot, string? requestedModel,
        bool streaming = false, ISelectionFigures? figures = null)
    {
        var trigger = snapshot.Config.Router.Trigger;
        var isTrigger = string.IsNullOrEmpty(requestedModel) || requestedModel == trigger;
        return Direct(snapshot.Catalog, isTrigger ? null : requestedModel, requestedModel, trigger, new PlanContext(snapshot.Endpoints, streaming, figures));
    }

    public async ValueTask<(RoutingDecision? Decision, RoutingError? Error)> RouteAsync(RuntimeSnapshot snapshot, RoutingInput input, CancellationToken cancellationToken)
    {
        var config = snapshot.Config;
        var catalog = snapshot.Catalog;
        var settings = config.Router;
        var requested = input.RequestedModel;
        var isTrigger = string.IsNullOrEmpty(requested) || requested == settings.Trigger;
        var inline = input.InlinePreferences;
        var preferences = inline ?? config.RoutingPreferences;

        if (IsDirect(snapshot, requested, inline is not null) || preferences.Count == 0)
        {
            return RouteDirect(snapshot, requested, input.Streaming, figures);
        }

        var plan = new PlanContext(snapshot.Endpoints, input.Streaming, figures);

        var source = inline is not null ? "request" : "config";

        // Affinity: a live pin answers without the router.
        string? affinityKey = null;
        string? sessionId = null;
        if (input.AffinityId is not null && AffinityKeys.TryBuild(input.AffinityId, input.Tenant, out var key))
        {
            affinityKey = key;
            sessionId = input.AffinityId;
            if (Pinned(catalog, config, preferences, key, source, plan) is { } pinnedDecision)
            {
                return (pinnedDecision with { SessionId = sessionId, Note = $"pinned by X-Model-Affinity '{input.AffinityId}'" }, null);
            }
        }

        var (messages, decodeError) = input.Messages();
        if (messages is null)
        {
            var e = decodeError ?? new IrError(400, "invalid_request_error", "the request could not be read");
            return (null, new RoutingError(e.Status, e.Message, e.Type, e.Code ?? "invalid_request"));
        }

        // route_on_user_only: an agent's tool loop (a tool result, an assistant continuation, a reminder-only user
        // message) stays on the model its session was last routed to, and on that model's prompt cache.
        if (config.Affinity.RouteOnUserOnly)
        {
            if (affinityKey is null && AffinityKeys.ImplicitSessionId(messages) is { } implicitId
                && AffinityKeys.TryBuild(implicitId, input.Tenant, out var implicitKey))
            {
                affinityKey = implicitKey;
                sessionId = implicitId;
            }

            if (!UserTurn.IsUserTurn(messages) && affinityKey is not null
                && Pinned(catalog, config, preferences, affinityKey, source, plan) is { } reused)
            {
                var why = UserTurn.Describe(messages);
                return (reused with
                {
                    SessionId = sessionId, RouterSkipped = why,
                    Note = $"route_on_user_only: {why}, so the router was not asked; the session stays on '{reused.Candidates[0].CanonicalName}'",
                }, null);
            }
        }

        var routes = new RoutePreference[preferences.Count];
        for (var i = 0; i < routes.Length; i++)
        {
            routes[i] = new RoutePreference(preferences[i].Name, preferences[i].Description);
        }

        var answer = await router.AskAsync(catalog, settings, routes, messages, cancellationToken).ConfigureAwait(false);
        if (answer.Failed || answer.Decision?.Route is null)
        {
            var method = answer.Failed ? RoutingMethod.FailOpen : RoutingMethod.NoRoute;
            if (answer.Failed)
            {
                GatewayMetrics.RecordFailOpen(answer.FailureName);
            }

            GatewayMetrics.RecordDecision(answer.Failed ? "fail_open" : "no_route", null);
            return WithSession(Fallback(catalog, preferences, isTrigger ? null : requested, method, answer, source, plan), sessionId);
        }

        var chosen = Find(preferences, answer.Decision.Route)!;
        var (models, rank, skip) = Candidates(catalog, chosen, plan);
        if (models.Count == 0)
        {
            GatewayMetrics.RecordDecision("no_route", chosen.Name);
            return WithSession(Fallback(catalog, preferences, isTrigger ? null : requested, RoutingMethod.NoRoute, answer, source, plan,
                $"route '{chosen.Name}' has no usable models"), sessionId);
        }

        if (affinityKey is not null)
        {
            AffinityStore(config.Affinity).Set(affinityKey, new AffinityEntry(models[0].CanonicalName, chosen.Name));
        }

        GatewayMetrics.RecordDecision("preference", chosen.Name);
        return (new RoutingDecision
        {
            Method = RoutingMethod.Preference, Candidates = models, Route = chosen.Name, Router = answer,
            Ranking = rank, Skipped = skip, PreferencesSource = source, SessionId = sessionId,
        }, null);
    }

    /// <summary>The decision a live pin under <paramref name="key"/> gives (its model first, then the rest of its route), or null.</summary>
    private RoutingDecision? Pinned(ModelCatalog catalog, GatewayConfig config, IReadOnlyList<RoutePreferenceConfig> preferences, string key, string source, PlanContext plan)
    {
        var store = AffinityStore(config.Affinity);
        if (!store.TryGet(key, out var pin) || catalog.ResolvePublic(pin!.Model) is not { } pinned)
        {
            return null;
        }

        var route = pin.Route is null ? null : Find(preferences, pin.Route);
        var (rest, ranking, skipped) = route is null ? ([], null, []) : Candidates(catalog, route, plan);
        var candidates = new List<ResolvedModel>(rest.Count + 1) { pinned };
        foreach (var m in rest)
        {
            CandidatePlanner.AddOnce(candidates, m);
        }

        GatewayMetrics.RecordDecision("affinity", pin.Route);
        return new RoutingDecision
        {
            Method = RoutingMethod.Affinity, Candidates = candidates, Route = pin.Route, Pinned = true,
            Ranking = ranking, Skipped = skipped, PreferencesSource = source,
        };
    }

    private static (RoutingDecision?, RoutingError?) WithSession((RoutingDecision? Decision, RoutingError? Error) result, string? sessionId)
        => result.Decision is { } d && sessionId is not null ? (d with { SessionId = sessionId }, result.Error) : result;

    /// <summary>The route's models resolved and ranked by its selection policy; unresolvable models are skipped.</summary>
    private (IReadOnlyList<ResolvedModel> Models, CandidateRanking? Ranking, IReadOnlyList<SkippedCandidate> Skipped) Candidates(
        ModelCatalog catalog, RoutePreferenceConfig route, PlanContext plan)
    {
        var resolved = new List<ResolvedModel>(route.Models.Count);
        var skipped = new List<SkippedCandidate>();
        var duplicates = new List<ResolvedModel>();
        foreach (var name in route.Models)
        {
            if (catalog.ResolveName(name) is { } model)
            {
                // A load-balanced group stands for its members, in the order its strategy gives this request.
                CandidatePlanner.Add(resolved, model, plan, duplicates);
                foreach (var duplicate in duplicates)
                {
                    skipped.Add(new SkippedCandidate(duplicate.CanonicalName, $"listed twice in the route (via '{name}')"));
                }

                duplicates.Clear();
            }
            else
            {
                skipped.Add(new SkippedCandidate(name, "not configured (left the config?)"));
            }
        }

        if (route.Policy == SelectionPolicy.None || resolved.Count < 2)
        {
            return (resolved, null, skipped);
        }

        var names = new string[resolved.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = resolved[i].CanonicalName;
        }

        var ranking = CandidateRanker.Rank(names, route.Policy, figures.LookupFor(route.Policy));
        var ordered = new List<ResolvedModel>(resolved.Count);
        foreach (var c in ranking.Candidates)
        {
            ordered.Add(resolved[c.DeclaredIndex]);
        }

        return (ordered, ranking, skipped);
    }

    private static (RoutingDecision?, RoutingError?) Direct(ModelCatalog catalog, string? model, string? requested, string trigger, PlanContext plan)
    {
        var resolution = catalog.Resolve(model);
        switch (resolution.Status)
        {
            case ResolutionStatus.Resolved:
                var routePlan = CandidatePlanner.Plan(catalog, resolution.Model!, resolution.ViaAlias, plan);
                return (new RoutingDecision
                {
                    Method = RoutingMethod.Direct,
                    Candidates = routePlan.Candidates,
                    ViaAlias = resolution.ViaAlias,
                    FirstFallback = routePlan.FirstFallback,
                    FallbackOrigin = routePlan.Origin,
                }, null);
            case ResolutionStatus.NoModelAndNoDefault when requested == trigger:
                return (null, new RoutingError(400,
                    $"model '{trigger}' asks for preference routing, but no routing_preferences apply and no default model is configured",
                    "invalid_request_error", "model_required"));
            case ResolutionStatus.NoModelAndNoDefault:
                return (null, new RoutingError(400,
                    "the request has no 'model' and no default model is configured (mark one provider entry with default: true)",
                    "invalid_request_error", "model_required"));
            default:
                return (null, NotFound(requested));
        }
    }

    /// <summary>No route or a failed router: the requested model, else the default, else the first route's models.</summary>
    private (RoutingDecision?, RoutingError?) Fallback(
        ModelCatalog catalog, IReadOnlyList<RoutePreferenceConfig> preferences, string? requested, RoutingMethod method,
        RouterCallResult answer, string source, PlanContext plan, string? note = null)
    {
        IReadOnlyList<ResolvedModel> candidates;
        string? viaAlias = null;
        RoutePlan? routePlan = null;
        var resolution = catalog.Resolve(requested);
        if (resolution.Status == ResolutionStatus.Resolved)
        {
            routePlan = CandidatePlanner.Plan(catalog, resolution.Model!, resolution.ViaAlias, plan);
            candidates = routePlan.Candidates;
            viaAlias = resolution.ViaAlias;
            note ??= requested is null ? "serving the default model" : $"serving the requested model '{requested}'";
        }
        else if (requested is not null)
        {
            return (null, NotFound(requested));
        }
        else
        {
            candidates = Candidates(catalog, preferences[0], plan).Models;
            note ??= $"no default model is configured: serving the first route '{preferences[0].Name}'";
        }

        if (answer.Failed)
        {
            note = answer.FailureMessage + "; " + note;
        }

        return (new RoutingDecision
        {
            Method = method, Candidates = candidates, ViaAlias = viaAlias, Router = answer, PreferencesSource = source, Note = note,
            FirstFallback = routePlan?.FirstFallback ?? int.MaxValue, FallbackOrigin = routePlan?.Origin,
        }, null);
    }

    private static RoutingError NotFound(string? requested) => new(404,
        $"The model '{requested}' does not exist or is not configured on this gateway; GET /v1/models lists the available models",
        "not_found_error", "model_not_found");

    private static RoutePreferenceConfig? Find(IReadOnlyList<RoutePreferenceConfig> preferences, string name)
    {
        foreach (var p in preferences)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return null;
    }
}
