using Switchyard.Core.Routing.Metrics;
using Switchyard.Core.Routing.Selection;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>The written config and the environment references that could not be written back.</summary>
/// <param name="Yaml">The v0.4 config text.</param>
/// <param name="ExpandedReferences">
/// References recorded at load that the writer could not place: their values are written expanded (or were not
/// written, e.g. a dropped informational key). Callers should tell the user, as these may be secrets.
/// </param>
public sealed record ConfigWriteResult(string Yaml, IReadOnlyList<EnvReference> ExpandedReferences)
{
    // The text may hold expanded secrets; it is for the output file, not for logs.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Member(nameof(Yaml), $"<{Yaml.Length} characters>", first: true).Member(nameof(ExpandedReferences), ExpandedReferences.Count);
        return true;
    }
}

/// <summary>
/// Writes a <see cref="GatewayConfig"/> as a native Switchyard config (Plano v0.4 shape): listeners in list form,
/// providers with every field that is set, aliases, <c>model_groups</c>, top-level <c>routing_preferences</c> (v0.3
/// inline preferences are already merged there), <c>overrides</c>, <c>routing</c>, <c>model_metrics_sources</c>, <c>cors</c> and
/// the kept sections. Values equal to their defaults are left out. Loading the text gives an equivalent config.
/// </summary>
/// <remarks>
/// Secrets: the loader expands <c>$VAR</c> before reading, so the config holds expanded values. Pass the load's
/// <see cref="ConfigLoadResult.EnvReferences"/> and each value that was written as a reference is written as that
/// reference again (only where it expands to the same value); the rest are reported in
/// <see cref="ConfigWriteResult.ExpandedReferences"/>. Listener <c>message_format</c> (informational, legacy form
/// only) is not written.
/// </remarks>
public static partial class ConfigWriter
{
    public const string Version = "v0.4.0";

    public static ConfigWriteResult Write(GatewayConfig config, IReadOnlyList<EnvReference>? envReferences = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var references = new EnvReferenceMap(envReferences ?? []);
        var y = new ConfigYaml(references);
        var root = new YamlMappingNode
        {
            { "version", new YamlScalarNode(Version) },
            { "listeners", Listeners(y, config.Listeners) },
            { "model_providers", Providers(y, config.Providers) },
        };

        if (config.Aliases.Count > 0)
        {
            root.Add("model_aliases", Aliases(y, config.Aliases));
        }

        if (config.Groups.Count > 0)
        {
            root.Add("model_groups", Groups(y, config.Groups));
        }

        if (config.RoutingPreferences.Count > 0)
        {
            root.Add(RoutePreferenceReader.Section, Routes(y, config.RoutingPreferences));
        }

        AddIfAny(root, OverridesReader.Section, Overrides(y, config));
        AddIfAny(root, RoutingSectionReader.Section, Routing(y, config));
        if (config.MetricsSources.Count > 0)
        {
            root.Add(MetricsSourceReader.Section, MetricsSources(y, config.MetricsSources));
        }

        AddIfAny(root, CorsReader.Section, Cors(y, config.Cors));
        if (config.Admin.ApiKey is { } adminKey)
        {
            // Written back as the ${VAR} reference it was read from (never the key itself when it came from one).
            root.Add(AdminReader.Section, new YamlMappingNode { { AdminReader.ApiKey, y.Str(ConfigReadContext.Child(AdminReader.Section, AdminReader.ApiKey), adminKey) } });
        }

        if (!config.AccessLog.IsDefault)
        {
            root.Add(AccessLogReader.Section, AccessLogReader.Write(y, config.AccessLog));
        }

        if (config.Tracing.Present)
        {
            root.Add(TracingReader.Section, TracingReader.Write(y, config.Tracing));
        }

        if (EndpointPolicyReader.WriteBreaker(y, EndpointPolicyReader.Section, config.CircuitBreaker) is { } breaker)
        {
            root.Add(EndpointPolicyReader.Section, breaker);
        }

        if (config.RateLimits.Count > 0)
        {
            root.Add(RateLimitsReader.Section, RateLimitRules(y, config.RateLimits));
        }

        // The other kept sections, in the order they were read.
        foreach (var (key, value) in config.Sections.Where(s => s.Key is not (OverridesReader.Section or RoutingSectionReader.Section)))
        {
            root.Add(ConfigYaml.Key(key), y.Json(key, value));
        }

        return new ConfigWriteResult(ConfigYaml.Emit(root), references.Unused);
    }

    private static YamlSequenceNode Listeners(ConfigYaml y, IReadOnlyList<ListenerConfig> listeners)
    {
        var seq = new YamlSequenceNode();
        for (var i = 0; i < listeners.Count; i++)
        {
            var l = listeners[i];
            var path = ConfigReadContext.Index("listeners", i);
            string[] Legacy(string key) => [ConfigReadContext.Child("listeners." + l.Name, key)];
            var map = new YamlMappingNode
            {
                { "name", y.Str(ConfigReadContext.Child(path, "name"), l.Name) },
                { "type", "model" },
                { "address", y.Str(ConfigReadContext.Child(path, "address"), l.Address, Legacy("address")) },
                { "port", y.Int(ConfigReadContext.Child(path, "port"), l.Port, Legacy("port")) },
            };
            if (l.FirstByteTimeout != ListenerReader.DefaultTimeout)
            {
                map.Add("timeout", y.Duration(ConfigReadContext.Child(path, "timeout"), l.FirstByteTimeout, [.. Legacy("timeout"), ConfigReadContext.Child(path, "first_byte_timeout")]));
            }

            if (l.ConnectTimeout != ListenerDefaults.ConnectTimeout)
            {
                map.Add("connect_timeout", y.Duration(ConfigReadContext.Child(path, "connect_timeout"), l.ConnectTimeout, Legacy("connect_timeout")));
            }

            if (l.RequestTimeout != ListenerDefaults.RequestTimeout)
            {
                map.Add("request_timeout", y.Duration(ConfigReadContext.Child(path, "request_timeout"), l.RequestTimeout, Legacy("request_timeout")));
            }

            if (l.MaxEventBytes != ListenerDefaults.MaxEventBytes)
            {
                map.Add("max_event_bytes", y.Int(ConfigReadContext.Child(path, "max_event_bytes"), l.MaxEventBytes, Legacy("max_event_bytes")));
            }

            if (l.StreamIdleTimeout != ListenerReader.DefaultStreamIdleTimeout)
            {
                map.Add("stream_idle_timeout", y.Duration(ConfigReadContext.Child(path, "stream_idle_timeout"), l.StreamIdleTimeout, Legacy("stream_idle_timeout")));
            }

            if (l.MaxRetries != 0)
            {
                map.Add("max_retries", y.Int(ConfigReadContext.Child(path, "max_retries"), l.MaxRetries, Legacy("max_retries")));
            }

            seq.Add(map);
        }

        return seq;
    }

    private static YamlSequenceNode Providers(ConfigYaml y, IReadOnlyList<ModelProviderConfig> providers)
    {
        var seq = new YamlSequenceNode();
        for (var i = 0; i < providers.Count; i++)
        {
            var p = providers[i];
            var path = ConfigReadContext.Index("model_providers", i);
            var legacy = ConfigReadContext.Index("llm_providers", i);
            var map = new YamlMappingNode();
            void Add(string key, string? value)
            {
                if (value is not null)
                {
                    map.Add(key, y.Str(ConfigReadContext.Child(path, key), value, [ConfigReadContext.Child(legacy, key)]));
                }
            }

            Add("model", p.Model);
            Add("name", p.Name == p.Model ? null : p.Name);
            if (p.AccessKeys.Count > 0)
            {
                map.Add("access_keys", KeyList(y, path, legacy, p.AccessKeys));
            }
            else
            {
                Add("access_key", p.AccessKey);
            }

            Add("base_url", p.BaseUrl);
            Add("provider_interface", p.ProviderInterface);
            if (p.IsDefault)
            {
                map.Add("default", y.Bool(ConfigReadContext.Child(path, "default"), true));
            }

            if (p.PassthroughAuth)
            {
                map.Add("passthrough_auth", y.Bool(ConfigReadContext.Child(path, "passthrough_auth"), true));
            }

            if (p.Headers.Count > 0)
            {
                var headers = new YamlMappingNode();
                foreach (var (name, value) in p.Headers)
                {
                    headers.Add(ConfigYaml.Key(name), y.Str(ConfigReadContext.Child(ConfigReadContext.Child(path, "headers"), name), value,
                        [ConfigReadContext.Child(ConfigReadContext.Child(legacy, "headers"), name)]));
                }

                map.Add("headers", headers);
            }

            Add("http_host", p.HttpHost);
            if (p.Fallbacks.Count > 0)
            {
                map.Add("fallbacks", y.FlowList(ConfigReadContext.Child(path, "fallbacks"), p.Fallbacks));
            }

            if (p.ContextWindowFallbacks.Count > 0)
            {
                map.Add("context_window_fallbacks", y.FlowList(ConfigReadContext.Child(path, "context_window_fallbacks"), p.ContextWindowFallbacks));
            }

            if (p.ContextWindow is { } window)
            {
                map.Add("context_window", y.Int(ConfigReadContext.Child(path, "context_window"), window));
            }

            if (p.Pricing is { } price)
            {
                map.Add(PricingReader.Key, PricingReader.Write(y, ConfigReadContext.Child(path, PricingReader.Key), price));
            }

            Add("api_version", p.ApiVersion);
            Add("protocol", p.Protocol);
            Add("region", p.Region);
            Add("aws_access_key_id", p.AwsAccessKeyId);
            Add("aws_secret_access_key", p.AwsSecretAccessKey);
            Add("aws_session_token", p.AwsSessionToken);
            Add("project", p.Project);
            Add("location", p.Location);
            void Time(string key, TimeSpan? value)
            {
                if (value is { } v)
                {
                    map.Add(key, y.Duration(ConfigReadContext.Child(path, key), v, [ConfigReadContext.Child(legacy, key)]));
                }
            }

            Time("connect_timeout", p.Timeouts.Connect);
            Time("first_byte_timeout", p.Timeouts.FirstByte);
            Time("stream_idle_timeout", p.Timeouts.StreamIdle);
            Time("request_timeout", p.Timeouts.Request);
            EndpointPolicyWriter.AddEntryKeys(y, map, path, p);
            if (p.Rpm is not null || p.Tpm is not null)
            {
                map.Add(RateLimitsReader.EntryLimits, EntryLimits(y, ConfigReadContext.Child(path, RateLimitsReader.EntryLimits), p));
            }

            if (p.Priority is { } priority)
            {
                map.Add("priority", y.Int(ConfigReadContext.Child(path, "priority"), priority));
            }

            if (p.Weight is { } weight)
            {
                map.Add("weight", y.Plain(ConfigReadContext.Child(path, "weight"), weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            }

            seq.Add(map);
        }

        return seq;
    }

    // model_list rpm/tpm and native limits are the same setting: both are written as the native key.
    private static YamlMappingNode EntryLimits(ConfigYaml y, string path, ModelProviderConfig p)
    {
        var map = new YamlMappingNode();
        if (p.Rpm is { } rpm)
        {
            map.Add("rpm", y.Int(ConfigReadContext.Child(path, "rpm"), rpm));
        }

        if (p.Tpm is { } tpm)
        {
            map.Add("tpm", y.Int(ConfigReadContext.Child(path, "tpm"), tpm));
        }

        return map;
    }

    private static YamlSequenceNode RateLimitRules(ConfigYaml y, IReadOnlyList<RateLimitRuleConfig> rules)
    {
        var seq = new YamlSequenceNode();
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            var path = ConfigReadContext.Index(RateLimitsReader.Section, i);
            seq.Add(new YamlMappingNode
            {
                { "model", y.Str(ConfigReadContext.Child(path, "model"), r.Model) },
                { "selector", new YamlMappingNode
                    {
                        { "key", y.Str(ConfigReadContext.Child(path, "selector.key"), r.SelectorKey) },
                        { "value", y.Str(ConfigReadContext.Child(path, "selector.value"), r.SelectorValue) },
                    }
                },
                { "limit", new YamlMappingNode
                    {
                        { "tokens", y.Int(ConfigReadContext.Child(path, "limit.tokens"), r.Tokens) },
                        { "unit", r.UnitName },
                    }
                },
            });
        }

        return seq;
    }

    // A key pool, one key per line (each written back as its ${VAR} reference where one was recorded).
    private static YamlSequenceNode KeyList(ConfigYaml y, string path, string legacy, IReadOnlyList<string> keys)
    {
        var seq = new YamlSequenceNode();
        for (var j = 0; j < keys.Count; j++)
        {
            seq.Add(y.Str(ConfigReadContext.Index(ConfigReadContext.Child(path, "access_keys"), j), keys[j],
                [ConfigReadContext.Index(ConfigReadContext.Child(legacy, "access_keys"), j)]));
        }

        return seq;
    }

    private static void AddKept(ConfigYaml y, YamlMappingNode map, GatewayConfig config, string section)
    {
        if (config.Sections.TryGetValue(section, out var kept) && kept is System.Text.Json.Nodes.JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                map.Add(ConfigYaml.Key(key), y.Json(ConfigReadContext.Child(section, key), value));
            }
        }
    }

    private static YamlMappingNode Cors(ConfigYaml y, CorsSettings cors)
    {
        var map = new YamlMappingNode();
        if (cors.Enabled || cors.HeadersConfigured)
        {
            IEnumerable<string> origins = cors.AllowAnyOrigin ? ["*", .. cors.AllowedOrigins] : cors.AllowedOrigins;
            map.Add("allowed_origins", y.FlowList(ConfigReadContext.Child(CorsReader.Section, "allowed_origins"), origins));
        }

        if (cors.HeadersConfigured)
        {
            IEnumerable<string> headers = cors.AllowAnyHeader ? ["*", .. cors.AllowedHeaders] : cors.AllowedHeaders;
            map.Add("allowed_headers", y.FlowList(ConfigReadContext.Child(CorsReader.Section, "allowed_headers"), headers));
        }

        return map;
    }

    private static void AddIfAny(YamlMappingNode root, string key, YamlMappingNode section)
    {
        if (section.Children.Count > 0)
        {
            root.Add(key, section);
        }
    }
}
