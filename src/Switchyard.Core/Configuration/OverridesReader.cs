using System.Text.Json.Nodes;
using Switchyard.Core.Routing.Preference;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads <c>overrides</c> into <see cref="RouterSettings"/>. Plano's other overrides are accepted with a warning and
/// kept (as JSON, for <c>switchyard migrate</c>); any other key is an error. Whether the router model resolves is
/// checked later, against the catalogue (RoutingValidator).
/// </summary>
internal static class OverridesReader
{
    public const string Section = "overrides";

    internal const string PlanoOrchestratorFormat = "plano-orchestrator";
    internal const string ArchRouterFormat = "arch-router";

    /// <summary>Keys Switchyard reads.</summary>
    private static readonly string[] RouterKeys =
        ["llm_routing_model", "llm_routing_model_format", "router_timeout", "orchestrator_model_context_length", "routing_trigger"];

    /// <summary>Plano overrides Switchyard does not act on (prompt targets, agents, signals, Envoy cluster settings).</summary>
    internal static readonly string[] PlanoOnlyKeys =
    [
        "prompt_target_intent_matching_threshold", "optimize_context_window", "use_agent_orchestrator", "agent_orchestration_model",
        "disable_signals", "upstream_connect_timeout", "upstream_tls_ca_path", "upstream_timeout_ms",
    ];

    private static readonly string[] AllKeys = [.. RouterKeys, .. PlanoOnlyKeys];
    private static readonly string[] Formats = [PlanoOrchestratorFormat, ArchRouterFormat];

    /// <summary>The settings (with the line of each key written) and the Plano-only keys as JSON (null when none).</summary>
    public static (Located<RouterSettings> Settings, JsonObject? Kept) Read(ConfigReadContext ctx, YamlNode? node, int keyLine)
    {
        var settings = new RouterSettings { Line = keyLine };
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        JsonObject? kept = null;
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return (new Located<RouterSettings>(settings, Section, keyLine, lines), kept);
        }

        foreach (var (key, value, line) in ctx.Entries(map, Section, AllKeys))
        {
            lines[key] = line;
            var path = ConfigReadContext.Child(Section, key);
            switch (key)
            {
                case "llm_routing_model":
                    settings = settings with { Model = ctx.RequiredString(value, path, line) };
                    break;
                case "llm_routing_model_format":
                    settings = ctx.Enum(value, path, Formats) switch
                    {
                        ArchRouterFormat => settings with { Format = RouterPromptFormat.ArchRouter },
                        _ => settings,
                    };
                    break;
                case "router_timeout":
                    settings = settings with { Timeout = ctx.Duration(value, path) ?? settings.Timeout };
                    break;
                case "orchestrator_model_context_length":
                    settings = settings with { ContextLength = ctx.Int(value, path, 256, int.MaxValue) ?? settings.ContextLength };
                    break;
                case "routing_trigger":
                    settings = settings with { Trigger = ctx.RequiredString(value, path, line) ?? settings.Trigger };
                    break;
                default:
                    ctx.Warning(path, line, $"'{key}' is a Plano setting Switchyard does not use; it is kept and ignored");
                    kept ??= [];
                    kept[key] = YamlJson.Convert(value);
                    break;
            }
        }

        return (new Located<RouterSettings>(settings, Section, keyLine, lines), kept);
    }

    /// <summary>The config spelling of <paramref name="format"/>.</summary>
    public static string FormatName(RouterPromptFormat format)
        => format == RouterPromptFormat.ArchRouter ? ArchRouterFormat : PlanoOrchestratorFormat;
}
