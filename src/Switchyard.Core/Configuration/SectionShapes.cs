using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Shape checks for sections that later features consume (node kinds, required keys, enum values). They are kept
/// as JSON in <see cref="GatewayConfig.Sections"/>; checking now means a typo fails at load, not when the feature lands.
/// The routing sections have typed readers (RoutePreferenceReader, OverridesReader, RoutingSectionReader,
/// MetricsSourceReader).
/// </summary>
internal static class SectionShapes
{
    /// <summary>Sections read by later Switchyard features.</summary>
    public static readonly string[] Kept = ["state_storage"];

    /// <summary>Plano keys Switchyard accepts and keeps but does not act on (agents, prompt targets...).</summary>
    public static readonly string[] PlanoOnly =
        ["agents", "filters", "endpoints", "prompt_targets", "prompt_guards", "system_prompt", "mode"];

    /// <summary>
    /// Why a kept section has no effect yet (a load warning names it: accepted keys must act or say they do not).
    /// Remove a line when its feature lands.
    /// </summary>
    public static string NoEffectYet(string section) => section switch
    {
        "state_storage" => "'state_storage' has no effect yet: Responses conversation state (previous_response_id) is held in memory, per process, whatever it says",
        _ => $"'{section}' has no effect yet",
    };

    private static readonly string[] StateStorageKeys = ["type", "connection_string"];
    private static readonly string[] StateStorageTypes = ["memory", "postgres", "redis"];

    public static void Check(ConfigReadContext ctx, string section, YamlNode node)
    {
        switch (section)
        {
            case "state_storage":
                if (ctx.Mapping(node, section) is { } storage)
                {
                    StateStorage(ctx, storage);
                }

                break;
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
