using Switchyard.Core.Catalog;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads the Plano-dialect <c>model_groups</c> section (<c>{name: {models: [model names], strategy: round-robin}}</c>;
/// any name of <see cref="GroupStrategies"/>, kept as Switchyard's own name)
/// and checks groups from either dialect once the providers are sound: members resolve to concrete models, group
/// names clash with no model or alias name.
/// </summary>
internal static class ModelGroupReader
{
    public const string Section = "model_groups";

    private static readonly string[] GroupKeys = ["models", "strategy"];

    public static List<Located<ModelGroupConfig>> Read(ConfigReadContext ctx, YamlNode? node)
    {
        var result = new List<Located<ModelGroupConfig>>();
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return result;
        }

        foreach (var (name, value, keyLine) in ctx.FreeEntries(map, Section))
        {
            var path = ConfigReadContext.Child(Section, name);
            if (ctx.Mapping(value, path) is not { } entry)
            {
                continue;
            }

            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            List<string>? members = null;
            var strategy = ModelGroup.RoundRobin;
            foreach (var (key, v, line) in ctx.Entries(entry, path, GroupKeys))
            {
                lines[key] = line;
                if (key == "models")
                {
                    members = ProviderReader.ReadStringList(ctx, v, ConfigReadContext.Child(path, key));
                    if (members.Count == 0 && v is YamlSequenceNode)
                    {
                        ctx.Error(ConfigReadContext.Child(path, key), v, "a group needs at least one model");
                    }
                    else if (v is YamlSequenceNode seq && seq.Children.Count == members.Count)
                    {
                        for (var i = 0; i < members.Count; i++)
                        {
                            lines[ConfigReadContext.Index(ConfigReadContext.Child(path, key), i)] = ConfigReadContext.LineOf(seq.Children[i]);
                        }
                    }
                }
                else
                {
                    strategy = ctx.Enum(v, ConfigReadContext.Child(path, key), ModelGroup.Strategies) is { } named ? GroupStrategies.Canonical(named) : strategy;
                }
            }

            if (members is null)
            {
                ctx.Error(ConfigReadContext.Child(path, "models"), keyLine, "is required");
                continue;
            }

            result.Add(new Located<ModelGroupConfig>(new ModelGroupConfig(name, members, strategy, keyLine), path, keyLine, lines));
        }

        return result;
    }

    /// <summary>Plano-dialect member paths: <c>model_groups.NAME.models[i]</c>.</summary>
    public static string MembersPath(Located<ModelGroupConfig> group, int index)
        => ConfigReadContext.Index(ConfigReadContext.Child(group.Path, "models"), index);

    /// <summary>
    /// Checks every group against the config it belongs to (whose <see cref="GatewayConfig.Groups"/> holds them).
    /// <paramref name="memberPath"/> names the config path of member <c>i</c> of a group.
    /// </summary>
    public static void Validate(ConfigReadContext ctx, GatewayConfig config, IReadOnlyList<Located<ModelGroupConfig>> groups,
        Func<Located<ModelGroupConfig>, int, string> memberPath)
    {
        if (groups.Count == 0)
        {
            return;
        }

        var errorsBefore = ctx.ErrorCount;
        var modelNames = config.Providers.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var aliasNames = config.Aliases.Select(a => a.Alias).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, Located<ModelGroupConfig>>(StringComparer.Ordinal);
        foreach (var located in groups)
        {
            var g = located.Value;
            if (!seen.TryAdd(g.Name, located))
            {
                ctx.Error(located.Path, located.Line, $"group '{g.Name}' is declared twice (first at line {seen[g.Name].Line})");
            }

            if (modelNames.Contains(g.Name))
            {
                ctx.Error(located.Path, located.Line, $"group name '{g.Name}' is also the name of a model entry; names must be unique");
            }

            if (aliasNames.Contains(g.Name))
            {
                ctx.Error(located.Path, located.Line, $"group name '{g.Name}' is also an alias; names must be unique");
            }
        }

        // A name clash makes member resolution ambiguous; report the clash alone.
        if (ctx.ErrorCount != errorsBefore)
        {
            return;
        }

        var catalog = ModelCatalog.Build(config);
        foreach (var located in groups)
        {
            var g = located.Value;
            var members = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < g.Members.Count; i++)
            {
                var member = g.Members[i];
                var problem = catalog.ResolvePublic(member) switch
                {
                    null => $"'{member}' does not match any configured model",
                    { Group: not null } => $"'{member}' is a group; a group lists models, not other groups",
                    { ModelId: "*" } => $"'{member}' is a wildcard entry; list concrete models",
                    _ => members.Add(member) ? null : $"'{member}' is listed twice",
                };
                if (problem is not null)
                {
                    var path = memberPath(located, i);
                    ctx.Error(path, located.KeyLines.TryGetValue(path, out var line) ? line : located.LineOf("models"), problem);
                }
            }
        }
    }
}
