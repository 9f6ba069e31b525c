using Switchyard.Core.Catalog;
using Switchyard.Core.Routing.Preference;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Rules across the routing sections: route models and the router model resolve to configured models, preference
/// routing without a router model uses the hosted one, and each selection policy has the metrics source it ranks by.
/// </summary>
internal static class RoutingValidator
{
    private const string RouterModelPath = "overrides.llm_routing_model";

    /// <summary>
    /// The hosted Plano-Orchestrator entry when routes exist and <c>overrides.llm_routing_model</c> is not set (Plano's
    /// default), or names Plano-Orchestrator without a provider entry for it (Plano then adds its hosted provider too),
    /// at <see cref="HostedRouter.DefaultBaseUrl"/> or the URL in <see cref="HostedRouter.BaseUrlVariable"/>; null when
    /// a router model of the config's own is named, or there are no routes.
    /// </summary>
    public static ModelProviderConfig? HostedRouterFor(ConfigReadContext ctx, IReadOnlyList<RouteSource> routes, Located<RouterSettings> router,
        IReadOnlyList<ModelProviderConfig> providers, Func<string, string?> env)
    {
        var named = router.Value.Model;
        if (routes.Count == 0 || (named is null && router.Has("llm_routing_model")))
        {
            return null;
        }

        if (named is not null && (!NamesHostedRouter(named) || providers.Any(p => p.Name == named || p.Model == named || p.ModelId == named)))
        {
            return null;
        }

        var url = HostedRouter.DefaultBaseUrl;
        if (env(HostedRouter.BaseUrlVariable) is { Length: > 0 } mirror)
        {
            if (!Uri.TryCreate(mirror, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                ctx.Error(RouterModelPath, router.Line > 0 ? router.Line : routes[0].Line,
                    $"environment variable {HostedRouter.BaseUrlVariable} ('{mirror}') must be an absolute http:// or https:// URL of a Plano-Orchestrator mirror");
                return null;
            }

            url = mirror;
        }

        if (router.Value.Format == RouterPromptFormat.ArchRouter)
        {
            ctx.Warning("overrides.llm_routing_model_format", router.LineOf("llm_routing_model_format"),
                "the hosted router (used because overrides.llm_routing_model names no router of this config) is Plano-Orchestrator, which does not read the arch-router format; "
                + "set overrides.llm_routing_model to your own Arch-Router entry, or remove llm_routing_model_format");
        }

        return HostedRouter.Entry(url);
    }

    // Plano's spellings of its hosted router: "Plano-Orchestrator", optionally under a provider prefix.
    private static bool NamesHostedRouter(string model)
        => string.Equals(model[(model.IndexOf('/', StringComparison.Ordinal) + 1)..], HostedRouter.ModelId, StringComparison.OrdinalIgnoreCase);

    /// <summary>Rules that need no catalogue: they hold whatever the providers look like.</summary>
    public static void ValidateStructure(ConfigReadContext ctx, IReadOnlyList<RouteSource> routes, IReadOnlyList<MetricsSourceConfig> sources)
    {
        var hasCost = sources.Any(s => s is CostSourceConfig);
        var hasLatency = sources.Any(s => s is LatencySourceConfig);
        foreach (var route in routes)
        {
            var path = ConfigReadContext.Child(route.Path, "selection_policy.prefer");
            if (route.Policy == SelectionPolicy.Cheapest && !hasCost)
            {
                ctx.Error(path, route.PolicyLine,
                    $"route '{route.Name}' prefers cheapest but no cost source is configured: add model_metrics_sources: [{{type: cost, provider: models.dev}}] (or provider: digitalocean)");
            }
            else if (route.Policy == SelectionPolicy.Fastest && !hasLatency)
            {
                ctx.Error(path, route.PolicyLine,
                    $"route '{route.Name}' prefers fastest but no latency source is configured: add model_metrics_sources: [{{type: latency, provider: observed}}] "
                    + "(built in: the gateway's own time to first token) or a {type: latency, provider: prometheus, url, query} source");
            }
        }
    }

    /// <summary>Reference rules; run only when the providers are sound, so resolution is meaningful.</summary>
    public static void ValidateReferences(ConfigReadContext ctx, GatewayConfig config, IReadOnlyList<RouteSource> routes,
        Located<RouterSettings> router, IReadOnlyList<Located<MetricsSourceConfig>> sources, IReadOnlyDictionary<string, int> nodeLines)
    {
        var catalog = ModelCatalog.Build(config);
        var candidates = config.Providers.Select(p => p.Name).Concat(catalog.Models.Select(m => m.CanonicalName)).Distinct(StringComparer.Ordinal).ToList();

        foreach (var route in routes)
        {
            for (var j = 0; j < route.Models.Count; j++)
            {
                var (path, line) = route.ModelOrigins[j];
                if (Unresolved(config, catalog, candidates, route.Models[j]) is { } problem)
                {
                    ctx.Error(path, line, $"route '{route.Name}': {problem}");
                }
            }
        }

        if (config.HostedRouter is null && router.Value.Model is { } model && Unresolved(config, catalog, candidates, model) is { } routerProblem)
        {
            ctx.Error(RouterModelPath, router.LineOf("llm_routing_model"), $"router model {routerProblem}");
        }

        if (routes.Count > 0 && IsTaken(config, catalog, router.Value.Trigger))
        {
            ctx.Error("overrides.routing_trigger", router.LineOf("routing_trigger"),
                $"routing trigger '{router.Value.Trigger}' is also the name of a configured model or alias, so that model could never be requested directly; "
                + "rename one of them (set overrides.routing_trigger)");
        }

        foreach (var located in sources)
        {
            if (located.Value is not CostSourceConfig cost)
            {
                continue;
            }

            foreach (var (key, target) in cost.ModelAliases)
            {
                if (catalog.ResolvePublic(target) is null)
                {
                    var path = ConfigReadContext.Child(ConfigReadContext.Child(located.Path, "model_aliases"), key);
                    ctx.Warning(path, nodeLines.TryGetValue(path, out var l) ? l : located.LineOf("model_aliases"),
                        $"'{target}' does not match any configured model, so this catalog price is never used{KeySuggester.Hint(target, candidates)}");
                }
            }
        }
    }

    /// <summary>Why <paramref name="name"/> is not a usable model name, or null when it resolves.</summary>
    private static string? Unresolved(GatewayConfig config, ModelCatalog catalog, IReadOnlyList<string> candidates, string name)
    {
        if (catalog.ResolvePublic(name) is not null)
        {
            return null;
        }

        if (config.Aliases.FirstOrDefault(a => a.Alias == name) is { } alias)
        {
            return $"'{name}' is an alias; name the model itself ('{alias.Target}')";
        }

        return $"'{name}' does not match any configured model{KeySuggester.Hint(name, candidates)}";
    }

    private static bool IsTaken(GatewayConfig config, ModelCatalog catalog, string name)
        => catalog.ResolvePublic(name) is not null || config.Aliases.Any(a => a.Alias == name);
}
