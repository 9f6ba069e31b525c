using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Shape checks for sections that later features consume (node kinds, required keys, enum values). They are kept
/// as JSON in <see cref="GatewayConfig.Sections"/>; checking now means a typo fails at load, not when the feature lands.
/// </summary>
internal static class SectionShapes
{
    /// <summary>Sections read by later Switchyard features.</summary>
    public static readonly string[] Kept =
        ["routing_preferences", "model_metrics_sources", "routing", "overrides", "tracing", "ratelimits", "state_storage"];

    /// <summary>Plano keys Switchyard accepts and keeps but does not act on (agents, prompt targets...).</summary>
    public static readonly string[] PlanoOnly =
        ["agents", "filters", "endpoints", "prompt_targets", "prompt_guards", "system_prompt", "mode"];

    private static readonly string[] PreferenceKeys = ["name", "description", "models", "selection_policy"];
    private static readonly string[] SelectionPolicyKeys = ["prefer"];
    private static readonly string[] PreferValues = ["cheapest", "fastest", "none"];
    private static readonly string[] RoutingKeys = ["session_ttl_seconds", "session_max_entries", "session_cache", "model", "llm_provider"];
    private static readonly string[] SessionCacheKeys = ["type", "url", "tenant_header"];
    private static readonly string[] SessionCacheTypes = ["memory", "redis"];
    private static readonly string[] StateStorageKeys = ["type", "connection_string"];
    private static readonly string[] StateStorageTypes = ["memory", "postgres", "redis"];

    public static void Check(ConfigReadContext ctx, string section, YamlNode node)
    {
        switch (section)
        {
            case "routing_preferences":
                EachMapping(ctx, node, section, RoutingPreference);
                break;
            case "model_metrics_sources":
                EachMapping(ctx, node, section, MetricsSource);
                break;
            case "routing":
                if (ctx.Mapping(node, section) is { } routing)
                {
                    Routing(ctx, routing);
                }

                break;
            case "overrides" or "tracing":
                ctx.Mapping(node, section);
                break;
            case "ratelimits":
                if (node is not (YamlSequenceNode or YamlMappingNode))
                {
                    ctx.Error(section, node, $"must be a list or a mapping, got {ConfigReadContext.KindName(node)}");
                }

                break;
            case "state_storage":
                if (ctx.Mapping(node, section) is { } storage)
                {
                    StateStorage(ctx, storage);
                }

                break;
        }
    }

    private static void RoutingPreference(ConfigReadContext ctx, YamlMappingNode map, string path)
    {
        foreach (var (key, value, _) in ctx.Entries(map, path, PreferenceKeys))
        {
            var p = ConfigReadContext.Child(path, key);
            switch (key)
            {
                case "name" or "description":
                    ctx.String(value, p);
                    break;
                case "models":
                    ProviderReader.ReadStringList(ctx, value, p);
                    break;
                case "selection_policy":
                    if (ctx.Mapping(value, p) is { } policy)
                    {
                        foreach (var (k, v, _) in ctx.Entries(policy, p, SelectionPolicyKeys))
                        {
                            ctx.Enum(v, ConfigReadContext.Child(p, k), PreferValues);
                        }
                    }

                    break;
            }
        }

        Required(ctx, map, path, "name");
        Required(ctx, map, path, "description");
    }

    // Sources differ by type (cost catalogs, latency feeds); only the discriminator is common to all of them.
    private static void MetricsSource(ConfigReadContext ctx, YamlMappingNode map, string path)
    {
        if (map.Children.TryGetValue(new YamlScalarNode("type"), out var type) && type is not YamlScalarNode)
        {
            ctx.String(type, ConfigReadContext.Child(path, "type"));
            return;
        }

        Required(ctx, map, path, "type");
    }

    private static void Routing(ConfigReadContext ctx, YamlMappingNode map)
    {
        foreach (var (key, value, _) in ctx.Entries(map, "routing", RoutingKeys))
        {
            var p = ConfigReadContext.Child("routing", key);
            switch (key)
            {
                case "session_ttl_seconds" or "session_max_entries":
                    ctx.Int(value, p, 1, int.MaxValue);
                    break;
                case "model" or "llm_provider":
                    ctx.String(value, p);
                    break;
                case "session_cache":
                    if (ctx.Mapping(value, p) is not { } cache)
                    {
                        break;
                    }

                    foreach (var (k, v, _) in ctx.Entries(cache, p, SessionCacheKeys))
                    {
                        var cp = ConfigReadContext.Child(p, k);
                        _ = k == "type" ? ctx.Enum(v, cp, SessionCacheTypes) : ctx.String(v, cp);
                    }

                    if (Required(ctx, cache, p, "type") == "redis")
                    {
                        Required(ctx, cache, p, "url");
                    }

                    break;
            }
        }
    }

    private static void StateStorage(ConfigReadContext ctx, YamlMappingNode map)
    {
        foreach (var (key, value, _) in ctx.Entries(map, "state_storage", StateStorageKeys))
        {
            var p = ConfigReadContext.Child("state_storage", key);
            _ = key == "type" ? ctx.Enum(value, p, StateStorageTypes) : ctx.String(value, p);
        }

        if (Required(ctx, map, "state_storage", "type") is "postgres" or "redis")
        {
            Required(ctx, map, "state_storage", "connection_string");
        }
    }

    private static void EachMapping(ConfigReadContext ctx, YamlNode node, string path, Action<ConfigReadContext, YamlMappingNode, string> check)
    {
        if (ctx.Sequence(node, path) is not { } seq)
        {
            return;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var p = ConfigReadContext.Index(path, i);
            if (ctx.Mapping(seq.Children[i], p) is { } map)
            {
                check(ctx, map, p);
            }
        }
    }

    /// <summary>Reports a missing or empty key (at the mapping's line); returns the value when it is a string.</summary>
    private static string? Required(ConfigReadContext ctx, YamlMappingNode map, string path, string key)
    {
        if (map.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            // Kind errors were reported while walking the entries; only emptiness is left to report.
            if (value is YamlScalarNode && ConfigReadContext.IsNull(value))
            {
                ctx.Error(ConfigReadContext.Child(path, key), value, "is required");
            }

            return value is YamlScalarNode { Value: { } s } ? s : null;
        }

        ctx.Error(ConfigReadContext.Child(path, key), map, "is required");
        return null;
    }
}
