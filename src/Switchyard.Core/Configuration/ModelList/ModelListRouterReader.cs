using Switchyard.Core.Catalog;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// Reads PLLM's <c>router</c> / LiteLLM's <c>router_settings</c> and the fallback keys of <c>litellm_settings</c>:
/// the strategy, fallbacks in both shapes (LiteLLM <c>[{model: [..]}]</c>, PLLM <c>{model: [..]}</c>),
/// <c>model_group_alias</c>. Known settings Switchyard does not act on are warnings; unknown ones are errors.
/// </summary>
internal static class ModelListRouterReader
{
    private const string Strategy = "routing_strategy";

    // PLLM's README writes model_fallbacks ({model: fallback}), its config.yaml fallbacks ({model: [fallbacks]}).
    private static readonly string[] FallbackKeys = ["fallbacks", "model_fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks"];

    private static readonly string[] MappedKeys = [Strategy, .. FallbackKeys, "fallback_models", "model_group_alias", "circuit_breaker_enabled", .. ModelListResilienceReader.RouterKeys, .. ModelListPllmRouterKeys.RouterKeys];

    // LiteLLM Router arguments and PLLM router settings that Switchyard accepts but does not act on (yet).
    private static readonly string[] UnusedKeys =
    [
        "routing_strategy_args", "num_retries", "max_fallbacks", "timeout", "stream_timeout", "allowed_fails_policy",
        "retry_after", "retry_policy", "model_group_retry_policy", "redis_host", "redis_port",
        "redis_password", "redis_url", "cache_responses", "cache_kwargs", "caching_groups", "client_ttl", "polling_interval",
        "default_priority", "default_litellm_params", "set_verbose", "debug_level",
        "enable_pre_call_checks", "enable_tag_filtering", "tag_filtering_match_any", "optional_pre_call_checks",
        "provider_budget_config", "alerting_config", "router_general_settings", "routing_groups", "ignore_invalid_deployments",
        "assistants_config", "search_tools", "guardrail_list",
        "allowed_failures", "cache_ttl", "default_timeout", "max_retries", "enable_load_balancing", "failover_timeout_multiple",
    ];

    private static readonly Dictionary<string, string> UnusedHints = new(StringComparer.Ordinal)
    {
        ["num_retries"] = "; listeners[].max_retries sets retries of the same model before failing over",
        ["max_retries"] = "; listeners[].max_retries sets retries of the same model before failing over",
        ["timeout"] = "; listeners[].timeout bounds the wait for the first upstream byte",
        ["default_timeout"] = "; listeners[].timeout bounds the wait for the first upstream byte",
    };

    /// <summary>Reads the router section named <paramref name="section"/> into <paramref name="routing"/>.</summary>
    public static void ReadRouter(ConfigReadContext ctx, YamlNode node, string section, ModelListRouting routing)
    {
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, section) is not { } map)
        {
            return;
        }

        foreach (var (key, value, keyLine) in ctx.Entries(map, section, [.. MappedKeys, .. UnusedKeys]))
        {
            var path = ConfigReadContext.Child(section, key);
            switch (key)
            {
                case Strategy:
                    routing.Strategy = ReadStrategy(ctx, value, path) ?? routing.Strategy;
                    break;
                case "fallback_models":
                    ReadFallbackKey(ctx, "default_fallbacks", value, path, routing);
                    break;
                case "model_group_alias":
                    routing.Aliases.AddRange(ReadAliases(ctx, value, path, allowDetailed: true));
                    break;
                default:
                    if (ModelListResilienceReader.TryRead(ctx, key, value, path, routing))
                    {
                        // circuit breaker, health check and bulkhead keys (docs/resilience.md)
                    }
                    else if (ModelListPllmRouterKeys.TryRead(ctx, key, value, path, keyLine, routing))
                    {
                        // PLLM fallback_enabled / retry_attempts
                    }
                    else if (FallbackKeys.Contains(key))
                    {
                        ReadFallbackKey(ctx, key, value, path, routing);
                    }
                    else
                    {
                        ctx.Warning(path, keyLine, $"'{key}' is not used by Switchyard (ignored){UnusedHints.GetValueOrDefault(key)}");
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// <c>litellm_settings</c>: its fallback keys count like the router's; its other keys (callbacks, drop_params...)
    /// configure LiteLLM itself and are listed in one warning.
    /// </summary>
    public static void ReadLiteLLMSettings(ConfigReadContext ctx, YamlNode node, string section, int keyLine, ModelListRouting routing)
    {
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, section) is not { } map)
        {
            return;
        }

        var unused = new List<string>();
        foreach (var (key, value, _) in ctx.FreeEntries(map, section))
        {
            if (FallbackKeys.Contains(key))
            {
                ReadFallbackKey(ctx, key, value, ConfigReadContext.Child(section, key), routing);
            }
            else
            {
                unused.Add(key);
            }
        }

        if (unused.Count > 0)
        {
            ctx.Warning(section, keyLine, $"{string.Join(", ", unused)}: LiteLLM settings not used by Switchyard (ignored)");
        }
    }

    /// <summary>PLLM <c>model_aliases</c> (<c>name: [models]</c> or <c>name: model</c>).</summary>
    public static List<AliasSpec> ReadAliases(ConfigReadContext ctx, YamlNode node, string section, bool allowDetailed = false)
    {
        var result = new List<AliasSpec>();
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, section) is not { } map)
        {
            return result;
        }

        foreach (var (name, value, keyLine) in ctx.FreeEntries(map, section))
        {
            var path = ConfigReadContext.Child(section, name);
            YamlNode? target = value;

            // LiteLLM model_group_alias also takes {model: group, hidden: true}.
            if (allowDetailed && value is YamlMappingNode detailed)
            {
                target = null;
                foreach (var (k, v, kLine) in ctx.Entries(detailed, path, ["model", "hidden"]))
                {
                    if (k == "model")
                    {
                        target = v;
                    }
                    else if (ctx.Bool(v, ConfigReadContext.Child(path, k)) == true)
                    {
                        ctx.Warning(ConfigReadContext.Child(path, k), kLine, "hidden aliases are not supported: the alias is listed in /v1/models");
                    }
                }

                if (target is null)
                {
                    ctx.Error(ConfigReadContext.Child(path, "model"), keyLine, "is required");
                    continue;
                }

                path = ConfigReadContext.Child(path, "model");
            }

            var targets = Names(ctx, target, path);
            if (targets.Count == 0 && target is YamlSequenceNode)
            {
                ctx.Error(path, target, "an alias needs at least one model");
            }
            else if (targets.Count > 0)
            {
                result.Add(new AliasSpec(name, targets, path, keyLine));
            }
        }

        return result;
    }

    // Every PLLM and LiteLLM strategy name maps to one of Switchyard's (GroupStrategies); the group keeps Switchyard's
    // own name, which is what migrate writes.
    private static string? ReadStrategy(ConfigReadContext ctx, YamlNode node, string path)
    {
        var value = ctx.String(node, path);
        if (value is null)
        {
            return null;
        }

        if (GroupStrategies.TryParse(value, out var strategy))
        {
            return GroupStrategies.CanonicalName(strategy);
        }

        ctx.Error(path, node, $"unknown routing strategy '{value}'{KeySuggester.Hint(value, GroupStrategies.Names)}; supported: {string.Join(", ", GroupStrategies.Names)}");
        return null;
    }

    private static void ReadFallbackKey(ConfigReadContext ctx, string key, YamlNode node, string path, ModelListRouting routing)
    {
        if (key == "default_fallbacks")
        {
            routing.DefaultFallbacks.AddRange(Names(ctx, node, path));
            return;
        }

        var kind = key switch
        {
            "context_window_fallbacks" => FallbackKind.ContextWindow,
            "content_policy_fallbacks" => FallbackKind.ContentPolicy,
            _ => FallbackKind.Error,
        };
        var before = routing.Fallbacks.Count;
        switch (node)
        {
            case YamlSequenceNode seq: // LiteLLM: [{gpt-4: [gpt-3.5]}, ...]
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var itemPath = ConfigReadContext.Index(path, i);
                    if (ctx.Mapping(seq.Children[i], itemPath) is { } item)
                    {
                        ReadRules(ctx, item, itemPath, kind, routing);
                    }
                }

                break;
            case YamlMappingNode map: // PLLM: {gpt-4: [gpt-3.5]}
                ReadRules(ctx, map, path, kind, routing);
                break;
            default:
                if (!ConfigReadContext.IsNull(node))
                {
                    ctx.Error(path, node, $"must be a list of {{model: [fallbacks]}} mappings, got {ConfigReadContext.KindName(node)}");
                }

                break;
        }

        // context_window_fallbacks take effect (ModelProviderConfig.ContextWindowFallbacks); content-policy refusals
        // are not recognised yet, so those models serve as ordinary fallbacks.
        if (kind == FallbackKind.ContentPolicy && routing.Fallbacks.Count > before)
        {
            ctx.Warning(path, node, "Switchyard does not classify content-policy errors yet: these models are tried as ordinary fallbacks, after the ones in 'fallbacks'");
        }
    }

    private static void ReadRules(ConfigReadContext ctx, YamlMappingNode map, string path, FallbackKind kind, ModelListRouting routing)
    {
        foreach (var (model, value, keyLine) in ctx.FreeEntries(map, path))
        {
            var rulePath = ConfigReadContext.Child(path, model);
            routing.Fallbacks.Add(new FallbackRule(model, Names(ctx, value, rulePath), kind, rulePath, keyLine));
        }
    }

    // A list of names, or one name written as a plain string.
    private static List<NameRef> Names(ConfigReadContext ctx, YamlNode node, string path)
    {
        var result = new List<NameRef>();
        if (node is YamlScalarNode && !ConfigReadContext.IsNull(node))
        {
            if (ctx.String(node, path) is { Length: > 0 } single)
            {
                result.Add(new NameRef(single, path, ConfigReadContext.LineOf(node)));
            }

            return result;
        }

        if (ctx.Sequence(node, path) is not { } seq)
        {
            return result;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var p = ConfigReadContext.Index(path, i);
            if (ctx.RequiredString(seq.Children[i], p, ConfigReadContext.LineOf(seq.Children[i])) is { } name)
            {
                result.Add(new NameRef(name, p, ConfigReadContext.LineOf(seq.Children[i])));
            }
        }

        return result;
    }
}
