using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Selection;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

// The routing sections as migrate writes them: aliases, groups, routing_preferences, overrides, routing and
// model_metrics_sources.
public static partial class ConfigWriter
{
    private static YamlMappingNode Aliases(ConfigYaml y, IReadOnlyList<AliasConfig> aliases)
    {
        var map = new YamlMappingNode();
        foreach (var a in aliases)
        {
            var path = ConfigReadContext.Child("model_aliases", a.Alias);
            map.Add(ConfigYaml.Key(a.Alias), new YamlMappingNode { { "target", y.Str(ConfigReadContext.Child(path, "target"), a.Target) } });
        }

        return map;
    }

    private static YamlMappingNode Groups(ConfigYaml y, IReadOnlyList<ModelGroupConfig> groups)
    {
        var map = new YamlMappingNode();
        foreach (var g in groups)
        {
            var path = ConfigReadContext.Child("model_groups", g.Name);
            map.Add(ConfigYaml.Key(g.Name), new YamlMappingNode
            {
                { "models", y.FlowList(ConfigReadContext.Child(path, "models"), g.Members) },
                { "strategy", y.Str(ConfigReadContext.Child(path, "strategy"), g.Strategy) },
            });
        }

        return map;
    }

    private static YamlSequenceNode Routes(ConfigYaml y, IReadOnlyList<RoutePreferenceConfig> routes)
    {
        var seq = new YamlSequenceNode();
        for (var i = 0; i < routes.Count; i++)
        {
            var r = routes[i];
            var path = ConfigReadContext.Index(RoutePreferenceReader.Section, i);
            var map = new YamlMappingNode
            {
                { "name", y.Str(ConfigReadContext.Child(path, "name"), r.Name) },
                { "description", y.Str(ConfigReadContext.Child(path, "description"), r.Description) },
                { "models", y.FlowList(ConfigReadContext.Child(path, "models"), r.Models) },
            };
            if (r.Policy != SelectionPolicy.None)
            {
                map.Add("selection_policy", new YamlMappingNode { { "prefer", SelectionPolicyNames.ToConfigName(r.Policy) } });
            }

            seq.Add(map);
        }

        return seq;
    }

    private static YamlMappingNode Overrides(ConfigYaml y, GatewayConfig config)
    {
        var r = config.Router;
        var defaults = new RouterSettings();
        var map = new YamlMappingNode();
        string P(string key) => ConfigReadContext.Child(OverridesReader.Section, key);
        // The hosted router is the default when llm_routing_model is absent: leaving it out keeps that meaning.
        if (r.Model is not null && config.HostedRouter is null)
        {
            map.Add("llm_routing_model", y.Str(P("llm_routing_model"), r.Model));
        }

        if (r.Format != defaults.Format)
        {
            map.Add("llm_routing_model_format", OverridesReader.FormatName(r.Format));
        }

        if (r.Timeout != defaults.Timeout)
        {
            map.Add("router_timeout", y.Duration(P("router_timeout"), r.Timeout));
        }

        if (r.ContextLength != defaults.ContextLength)
        {
            map.Add("orchestrator_model_context_length", y.Int(P("orchestrator_model_context_length"), r.ContextLength));
        }

        if (r.Trigger != defaults.Trigger)
        {
            map.Add("routing_trigger", y.Str(P("routing_trigger"), r.Trigger));
        }

        AddKept(y, map, config, OverridesReader.Section);
        return map;
    }

    private static YamlMappingNode Routing(ConfigYaml y, GatewayConfig config)
    {
        var a = config.Affinity;
        var defaults = new AffinitySettings();
        var map = new YamlMappingNode();
        string P(string key) => ConfigReadContext.Child(RoutingSectionReader.Section, key);
        if (a.SessionTtl != defaults.SessionTtl)
        {
            map.Add("session_ttl_seconds", y.Int(P("session_ttl_seconds"), (long)a.SessionTtl.TotalSeconds));
        }

        if (a.MaxEntries != defaults.MaxEntries)
        {
            map.Add("session_max_entries", y.Int(P("session_max_entries"), a.MaxEntries));
        }

        if (a.CacheType != defaults.CacheType || a.TenantHeader is not null)
        {
            var cache = new YamlMappingNode { { "type", a.CacheType == SessionCacheType.Redis ? "redis" : "memory" } };
            if (a.CacheType == SessionCacheType.Redis && a.CacheUrl is not null)
            {
                cache.Add("url", y.Str(P("session_cache.url"), a.CacheUrl));
            }

            if (a.TenantHeader is not null)
            {
                cache.Add("tenant_header", y.Str(P("session_cache.tenant_header"), a.TenantHeader));
            }

            map.Add("session_cache", cache);
        }

        if (a.RouteOnUserOnly)
        {
            map.Add("route_on_user_only", y.Bool(P("route_on_user_only"), true));
        }

        AddKept(y, map, config, RoutingSectionReader.Section);
        return map;
    }

    private static YamlSequenceNode MetricsSources(ConfigYaml y, IReadOnlyList<MetricsSourceConfig> sources)
    {
        var seq = new YamlSequenceNode();
        for (var i = 0; i < sources.Count; i++)
        {
            var path = ConfigReadContext.Index(MetricsSourceReader.Section, i);
            string P(string key) => ConfigReadContext.Child(path, key);
            var s = sources[i];
            var map = new YamlMappingNode();
            switch (s)
            {
                case CostSourceConfig cost:
                    map.Add("type", "cost");
                    map.Add("provider", cost.Kind == CostSourceKind.DigitalOcean ? "digitalocean" : "models.dev");
                    if (cost.Url is not null)
                    {
                        map.Add("url", y.Str(P("url"), cost.Url.OriginalString));
                    }

                    break;
                case LatencySourceConfig latency:
                    map.Add("type", "latency");
                    map.Add("provider", latency.Kind == LatencySourceKind.Prometheus ? "prometheus" : "observed");
                    if (latency.Url is not null)
                    {
                        map.Add("url", y.Str(P("url"), latency.Url.OriginalString));
                    }

                    if (latency.Query is not null)
                    {
                        map.Add("query", y.Str(P("query"), latency.Query));
                    }

                    if (latency.HalfLife is { } halfLife)
                    {
                        map.Add("half_life", y.Duration(P("half_life"), halfLife));
                    }

                    break;
            }

            if (s.RefreshInterval is { } refresh)
            {
                // Whole seconds as a bare number, as Plano writes refresh_interval.
                map.Add("refresh_interval", refresh.Ticks % TimeSpan.TicksPerSecond == 0
                    ? y.Int(P("refresh_interval"), (long)refresh.TotalSeconds)
                    : y.Duration(P("refresh_interval"), refresh));
            }

            if (s is CostSourceConfig { ModelAliases.Count: > 0 } withAliases)
            {
                var aliases = new YamlMappingNode();
                foreach (var (key, target) in withAliases.ModelAliases)
                {
                    aliases.Add(ConfigYaml.Key(key), y.Str(ConfigReadContext.Child(P("model_aliases"), key), target));
                }

                map.Add("model_aliases", aliases);
            }

            seq.Add(map);
        }

        return seq;
    }
}
