using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// Reads the PLLM / LiteLLM dialect, chosen when the top level has <c>model_list</c>: <c>model_list</c>,
/// <c>model_aliases</c> (PLLM), <c>router</c> (PLLM) or <c>router_settings</c> (LiteLLM), the fallback keys of
/// <c>litellm_settings</c>, <c>environment_variables</c>, and Switchyard's own <c>listeners</c>. Sections that configure
/// the other proxy itself (auth, database, logging...) are warnings; any other key is an error.
/// </summary>
internal static class ModelListConfigReader
{
    public const string Dialect = "model_list";

    private const string ModelList = "model_list";

    private static readonly string[] RouterSections = ["router", "router_settings"];

    // LiteLLM and PLLM sections about the proxy process itself; nothing in them changes how Switchyard routes.
    private static readonly string[] ProxySections =
        ["general_settings", "server", "database", "redis", "jwt", "auth", "cache", "rate_limit", "monitoring", "logging", "cors", "model_groups"];

    // PLLM sections of its own features (named routes, realtime sessions, guardrails): warnings like the ones above.
    private static readonly string[] PllmSections = ["routes", "realtime", "guardrails"];

    private static readonly string[] PlanoSections =
    [
        "version", "model_providers", "llm_providers", RateLimitsReader.Section, .. SectionShapes.Kept, .. SectionShapes.PlanoOnly,
    ];

    private static readonly string[] TopLevelKeys =
    [
        ModelList, "model_aliases", .. RouterSections, "litellm_settings", "listeners", "environment_variables", AdminReader.Section, AccessLogReader.Section, TracingReader.Section, .. ProxySections, .. PlanoSections,
    ];

    /// <summary>True when <paramref name="root"/> is written in this dialect.</summary>
    public static bool Handles(YamlMappingNode root) => root.Children.ContainsKey(new YamlScalarNode(ModelList));

    /// <summary>The config, or null when any error was reported.</summary>
    /// <param name="env">Environment lookup for <c>os.environ/NAME</c> values.</param>
    public static GatewayConfig? Read(ConfigReadContext ctx, YamlMappingNode root, Func<string, string?> env)
    {
        var sections = new Dictionary<string, (YamlNode Node, int Line)>(StringComparer.Ordinal);
        foreach (var (key, value, keyLine) in ctx.Entries(root, "", [.. TopLevelKeys, .. PllmSections]))
        {
            if (PlanoSections.Contains(key))
            {
                ctx.Error(key, keyLine, $"'{key}' belongs to the Plano dialect; this file is read as the model_list (LiteLLM/PLLM) dialect because it has model_list, and a file uses one dialect");
            }
            else if (ProxySections.Contains(key) || PllmSections.Contains(key))
            {
                ctx.Warning(key, keyLine, key switch
                {
                    "model_groups" => "PLLM model_groups are not used by Switchyard; model_aliases with several models form load-balanced groups",
                    "routes" => "PLLM routes are not used by Switchyard (ignored); model_aliases with several models form groups, served with the router's routing_strategy",
                    "rate_limit" => "'rate_limit' (PLLM's limits on its own clients: global_rpm, chat_completions_rpm, completions_rpm, embeddings_rpm, "
                        + "requests_per_minute, burst) is not used by Switchyard (ignored); the rpm/tpm of model_list items are enforced",
                    _ => $"'{key}' configures the LiteLLM/PLLM proxy itself and is not used by Switchyard (ignored)",
                });
            }
            else if (RouterSections.Contains(key) && RouterSections.FirstOrDefault(sections.ContainsKey) is { } other)
            {
                ctx.Error(key, keyLine, $"both {other} (line {sections[other].Line}) and {key} are present; router is PLLM's name for LiteLLM's router_settings, keep one");
            }
            else
            {
                sections[key] = (value, keyLine);
            }
        }

        var secrets = Secrets(ctx, sections, env);
        var listeners = ListenerReader.Read(ctx, Node("listeners"), Line("listeners"));
        ConfigValidator.ValidateListeners(ctx, listeners);

        var entries = ReadEntries(ctx, sections[ModelList].Node, sections[ModelList].Line, secrets);

        var routing = new ModelListRouting();
        foreach (var section in RouterSections.Where(sections.ContainsKey))
        {
            ModelListRouterReader.ReadRouter(ctx, sections[section].Node, section, routing);
        }

        if (sections.TryGetValue("litellm_settings", out var settings))
        {
            ModelListRouterReader.ReadLiteLLMSettings(ctx, settings.Node, "litellm_settings", settings.Line, routing);
        }

        listeners = ModelListPllmRouterKeys.Apply(ctx, routing, listeners);

        var aliases = sections.TryGetValue("model_aliases", out var a) ? ModelListRouterReader.ReadAliases(ctx, a.Node, "model_aliases") : [];
        aliases.AddRange(routing.Aliases);

        var config = ModelListAssembler.Assemble(ctx, entries, routing, aliases, listeners);
        if (config is not null && sections.TryGetValue(AdminReader.Section, out var admin))
        {
            config = config with { Admin = AdminReader.ReadModelList(ctx, admin.Node, admin.Line, secrets) };
        }

        if (config is not null && sections.TryGetValue(AccessLogReader.Section, out var accessLog))
        {
            config = config with { AccessLog = AccessLogReader.Read(ctx, accessLog.Node, accessLog.Line) };
        }

        if (config is not null && sections.TryGetValue(TracingReader.Section, out var tracing))
        {
            config = config with { Tracing = TracingReader.Read(ctx, tracing.Node, tracing.Line) };
        }

        return ctx.ErrorCount == 0 ? config : null;

        YamlNode? Node(string key) => sections.TryGetValue(key, out var s) ? s.Node : null;
        int Line(string key) => sections.TryGetValue(key, out var s) ? s.Line : 0;
    }

    private static List<ModelListEntry> ReadEntries(ConfigReadContext ctx, YamlNode node, int keyLine, ModelListSecrets secrets)
    {
        var result = new List<ModelListEntry>();
        var errorsBefore = ctx.ErrorCount;
        if (!ConfigReadContext.IsNull(node) && ctx.Sequence(node, ModelList) is { } seq)
        {
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var path = ConfigReadContext.Index(ModelList, i);
                if (ctx.Mapping(seq.Children[i], path) is { } map && ModelListEntryReader.Read(ctx, map, path, secrets) is { } entry)
                {
                    result.Add(entry);
                }
            }
        }

        if (result.Count == 0 && ctx.ErrorCount == errorsBefore)
        {
            ctx.Error(ModelList, keyLine, "at least one model is required");
        }

        return result;
    }

    private static ModelListSecrets Secrets(ConfigReadContext ctx, Dictionary<string, (YamlNode Node, int Line)> sections, Func<string, string?> env)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (sections.TryGetValue("environment_variables", out var section) && !ConfigReadContext.IsNull(section.Node)
            && ctx.Mapping(section.Node, "environment_variables") is { } map)
        {
            foreach (var (name, value, _) in ctx.FreeEntries(map, "environment_variables"))
            {
                values[name] = ctx.String(value, ConfigReadContext.Child("environment_variables", name)) ?? "";
            }
        }

        return new ModelListSecrets(env, values);
    }
}
