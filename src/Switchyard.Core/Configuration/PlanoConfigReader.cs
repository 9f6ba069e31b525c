using System.Text.Json.Nodes;
using Switchyard.Core.Catalog;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads the Plano dialect (v0.1–v0.4: <c>listeners</c>, <c>model_providers</c>/<c>llm_providers</c>,
/// <c>model_aliases</c>, the routing sections and the kept sections) into a <see cref="GatewayConfig"/>, collecting
/// every diagnostic. v0.3 inline routing preferences are migrated to the top-level list (PreferenceMigration).
/// </summary>
internal static class PlanoConfigReader
{
    private const string Providers = "model_providers";
    private const string LegacyProviders = "llm_providers";
    private static readonly string[] AliasKeys = ["target"];

    private static readonly string[] TopLevelKeys =
    [
        "version", "listeners", Providers, LegacyProviders, "model_aliases", RoutePreferenceReader.Section,
        MetricsSourceReader.Section, RoutingSectionReader.Section, OverridesReader.Section, ModelGroupReader.Section,
        CorsReader.Section, AdminReader.Section, AccessLogReader.Section, TracingReader.Section, EndpointPolicyReader.Section, RateLimitsReader.Section, .. SectionShapes.Kept, .. SectionShapes.PlanoOnly,
    ];

    /// <summary>The config, or null when any error was reported.</summary>
    /// <param name="nodeLines">Line of every node by config path, for diagnostics produced away from the YAML.</param>
    /// <param name="env">Environment lookup (for <see cref="HostedRouter.BaseUrlVariable"/>).</param>
    public static GatewayConfig? Read(ConfigReadContext ctx, YamlMappingNode root, IReadOnlyDictionary<string, int> nodeLines, Func<string, string?> env)
    {
        string? version = null;
        (YamlNode Node, int Line)? listenersNode = null;
        (string Name, YamlNode Node, int Line)? providersNode = null;
        YamlNode? aliasesNode = null;
        YamlNode? groupsNode = null;
        (YamlNode Node, int Line)? corsNode = null;
        CircuitBreakerConfig? breaker = null;
        var admin = AdminSettings.Default;
        var accessLog = AccessLogSettings.Default;
        var tracing = TracingSettings.None;
        List<RateLimitRuleConfig> rateLimits = [];
        var routingNodes = new Dictionary<string, (YamlNode Node, int Line)>(StringComparer.Ordinal);
        var sections = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

        foreach (var (key, value, keyLine) in ctx.Entries(root, "", TopLevelKeys))
        {
            switch (key)
            {
                case "version":
                    version = ctx.String(value, key);
                    break;
                case "listeners":
                    listenersNode = (value, keyLine);
                    break;
                case Providers or LegacyProviders:
                    if (providersNode is { } other)
                    {
                        ctx.Error(key, keyLine,
                            $"both model_providers and llm_providers are present (other at line {other.Line}); llm_providers is the older name of model_providers, keep one");
                    }
                    else
                    {
                        providersNode = (key, value, keyLine);
                    }

                    break;
                case "model_aliases":
                    aliasesNode = value;
                    break;
                case ModelGroupReader.Section:
                    groupsNode = value;
                    break;
                case CorsReader.Section:
                    corsNode = (value, keyLine);
                    break;
                case AdminReader.Section:
                    admin = AdminReader.Read(ctx, value, keyLine);
                    break;
                case AccessLogReader.Section:
                    accessLog = AccessLogReader.Read(ctx, value, keyLine);
                    break;
                case TracingReader.Section:
                    tracing = TracingReader.Read(ctx, value, keyLine);
                    break;
                case EndpointPolicyReader.Section:
                    breaker = EndpointPolicyReader.ReadBreaker(ctx, value, key);
                    break;
                case RateLimitsReader.Section:
                    rateLimits = RateLimitsReader.Read(ctx, value);
                    break;
                case RoutePreferenceReader.Section or MetricsSourceReader.Section or RoutingSectionReader.Section or OverridesReader.Section:
                    routingNodes[key] = (value, keyLine);
                    break;
                default:
                    if (SectionShapes.PlanoOnly.Contains(key))
                    {
                        ctx.Warning(key, keyLine, $"'{key}' is kept but not used by Switchyard yet");
                    }
                    else
                    {
                        SectionShapes.Check(ctx, key, value);
                        ctx.Warning(key, keyLine, SectionShapes.NoEffectYet(key));
                    }

                    sections[key] = YamlJson.Convert(value);
                    break;
            }
        }

        var listeners = ListenerReader.Read(ctx, listenersNode?.Node, listenersNode?.Line ?? 0);
        ConfigValidator.ValidateListeners(ctx, listeners);

        var errorsBeforeProviders = ctx.ErrorCount;
        var section = providersNode?.Name ?? Providers;
        var providers = providersNode is { } pn ? ProviderReader.Read(ctx, pn.Node, pn.Name) : [];
        if (providers.Count == 0 && ctx.ErrorCount == errorsBeforeProviders)
        {
            ctx.Error(section, providersNode?.Line ?? ConfigReadContext.LineOf(root), "at least one model provider is required");
        }

        ConfigValidator.ValidateProviders(ctx, providers);
        RateLimitsReader.Validate(ctx, rateLimits, providers.ConvertAll(p => p.Value));
        var providersSound = ctx.ErrorCount == errorsBeforeProviders;

        var aliases = aliasesNode is null ? [] : ReadAliases(ctx, aliasesNode);
        var groups = ModelGroupReader.Read(ctx, groupsNode);

        (YamlNode? Node, int Line) Routing(string key) => routingNodes.TryGetValue(key, out var n) ? n : (null, 0);
        var routes = RoutePreferenceReader.Read(ctx, Routing(RoutePreferenceReader.Section).Node);
        PreferenceMigration.Merge(ctx, routes, providers, nodeLines);
        var (router, keptOverrides) = OverridesReader.Read(ctx, Routing(OverridesReader.Section).Node, Routing(OverridesReader.Section).Line);
        var (affinity, keptRouting) = RoutingSectionReader.Read(ctx, Routing(RoutingSectionReader.Section).Node, Routing(RoutingSectionReader.Section).Line);
        var cors = CorsReader.Read(ctx, corsNode?.Node, corsNode?.Line ?? 0);
        CorsReader.WarnIfOpen(ctx, cors, providers.ConvertAll(p => p.Value));
        var metrics = MetricsSourceReader.Read(ctx, Routing(MetricsSourceReader.Section).Node, Path.GetDirectoryName(ctx.Source) ?? "");
        Keep(sections, OverridesReader.Section, keptOverrides);
        Keep(sections, RoutingSectionReader.Section, keptRouting);
        var hostedRouter = RoutingValidator.HostedRouterFor(ctx, routes, router, providers.ConvertAll(p => p.Value), env);

        var config = new GatewayConfig
        {
            Version = version,
            Source = ctx.Source,
            Listeners = listeners.ConvertAll(l => l.Value),
            Providers = providers.ConvertAll(p => p.Value),
            Aliases = aliases,
            Groups = groups.ConvertAll(g => g.Value),
            RoutingPreferences = routes.ConvertAll(r => r.ToConfig()),
            Router = hostedRouter is null ? router.Value : router.Value with { Model = HostedRouter.Name },
            HostedRouter = hostedRouter,
            Affinity = affinity,
            MetricsSources = metrics.ConvertAll(m => m.Value),
            Cors = cors,
            CircuitBreaker = breaker,
            Admin = admin,
            AccessLog = accessLog,
            Tracing = tracing,
            RateLimits = rateLimits,
            Sections = sections,
        };

        RoutingValidator.ValidateStructure(ctx, routes, config.MetricsSources);

        // Resolution over a structurally broken provider list would only add noise to the real errors.
        if (providersSound)
        {
            ConfigValidator.ValidateReferences(ctx, config, section, nodeLines);
            ModelGroupReader.Validate(ctx, config, groups, ModelGroupReader.MembersPath);
            StrategyKeys.CheckUse(ctx, config, (i, key) => (ConfigReadContext.Child(providers[i].Path, key), providers[i].LineOf(key)));
            RoutingValidator.ValidateReferences(ctx, config, routes, router, metrics, nodeLines);
        }

        return ctx.ErrorCount == 0 ? config : null;
    }

    // Keys of a typed section that Switchyard does not act on are kept under the section's name for 'migrate'.
    private static void Keep(Dictionary<string, JsonNode?> sections, string key, JsonObject? kept)
    {
        if (kept is not null)
        {
            sections[key] = kept;
        }
    }

    private static List<AliasConfig> ReadAliases(ConfigReadContext ctx, YamlNode node)
    {
        var result = new List<AliasConfig>();
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, "model_aliases") is not { } map)
        {
            return result;
        }

        foreach (var (alias, value, keyLine) in ctx.FreeEntries(map, "model_aliases"))
        {
            var path = ConfigReadContext.Child("model_aliases", alias);
            if (ctx.Mapping(value, path) is not { } entry)
            {
                continue;
            }

            var target = ctx.Entries(entry, path, AliasKeys).Select(e => e.Value).FirstOrDefault();
            if (ctx.RequiredString(target, ConfigReadContext.Child(path, "target"), keyLine) is { } t)
            {
                result.Add(new AliasConfig(alias, t, keyLine));
            }
        }

        return result;
    }
}
