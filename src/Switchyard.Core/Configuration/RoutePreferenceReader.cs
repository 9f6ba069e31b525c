using Switchyard.Core.Routing.Selection;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// A route while the config is read: the parts of <see cref="RoutePreferenceConfig"/> plus where each came from, so
/// the v0.3 merge and the reference checks that run after it can still point at the right path and line.
/// </summary>
internal sealed class RouteSource
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public SelectionPolicy Policy { get; init; }

    /// <summary>Config path of the entry (<c>routing_preferences[1]</c>, or the inline preference it was migrated from).</summary>
    public required string Path { get; init; }
    public required int Line { get; init; }

    /// <summary>Line of <c>selection_policy.prefer</c> (the entry's line when not written).</summary>
    public int PolicyLine { get; init; }

    /// <summary>True for an entry of the top-level section, false for one created from v0.3 inline preferences.</summary>
    public bool TopLevel { get; init; }

    /// <summary>True when <c>models</c> had an item error already reported (so "no models" is not reported again).</summary>
    public bool ModelsBroken { get; init; }

    public List<string> Models { get; } = [];

    /// <summary>Path and line each model was written at, parallel to <see cref="Models"/>.</summary>
    public List<(string Path, int Line)> ModelOrigins { get; } = [];

    public RoutePreferenceConfig ToConfig() => new(Name, Description, Models.ToArray(), Policy, Line);
}

/// <summary>
/// Reads the top-level <c>routing_preferences</c> section (Plano v0.4):
/// <c>[{name, description, models: [...], selection_policy: {prefer: cheapest | fastest | none}}]</c>.
/// Model names are checked against the catalogue later (RoutingValidator), once the providers are known to be sound.
/// </summary>
internal static class RoutePreferenceReader
{
    public const string Section = "routing_preferences";

    private static readonly string[] Keys = ["name", "description", "models", "selection_policy"];
    private static readonly string[] PolicyKeys = ["prefer"];
    private static readonly string[] PreferValues = ["cheapest", "fastest", "none"];

    public static List<RouteSource> Read(ConfigReadContext ctx, YamlNode? node)
    {
        var result = new List<RouteSource>();
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Sequence(node, Section) is not { } seq)
        {
            return result;
        }

        var byName = new Dictionary<string, RouteSource>(StringComparer.Ordinal);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = ConfigReadContext.Index(Section, i);
            if (ctx.Mapping(seq.Children[i], path) is not { } map || ReadEntry(ctx, map, path) is not { } route)
            {
                continue;
            }

            if (byName.TryGetValue(route.Name, out var first))
            {
                ctx.Error(ConfigReadContext.Child(path, "name"), route.Line,
                    $"route name '{route.Name}' is already used ({first.Path}, line {first.Line}); route names must be unique");
                continue;
            }

            byName.Add(route.Name, route);
            result.Add(route);
        }

        return result;
    }

    private static RouteSource? ReadEntry(ConfigReadContext ctx, YamlMappingNode map, string path)
    {
        var line = ConfigReadContext.LineOf(map);
        var values = new Dictionary<string, (YamlNode Node, int Line)>(StringComparer.Ordinal);
        foreach (var (key, value, keyLine) in ctx.Entries(map, path, Keys))
        {
            values[key] = (value, keyLine);
        }

        string? Required(string key)
            => ctx.RequiredString(values.TryGetValue(key, out var v) ? v.Node : null, ConfigReadContext.Child(path, key), line);

        var name = Required("name");
        var description = Required("description");

        var policy = SelectionPolicy.None;
        var policyLine = line;
        if (values.TryGetValue("selection_policy", out var sp))
        {
            (policy, policyLine) = ReadPolicy(ctx, sp.Node, ConfigReadContext.Child(path, "selection_policy"), sp.Line);
        }

        var models = new List<(string Name, string Path, int Line)>();
        var modelsBroken = values.TryGetValue("models", out var m) && !ReadModels(ctx, m.Node, ConfigReadContext.Child(path, "models"), models);

        if (name is null || description is null)
        {
            return null;
        }

        var route = new RouteSource
        {
            Name = name,
            Description = description,
            Policy = policy,
            Path = path,
            Line = line,
            PolicyLine = policyLine,
            TopLevel = true,
            ModelsBroken = modelsBroken,
        };
        foreach (var (model, modelPath, modelLine) in models)
        {
            route.Models.Add(model);
            route.ModelOrigins.Add((modelPath, modelLine));
        }

        return route;
    }

    private static (SelectionPolicy Policy, int Line) ReadPolicy(ConfigReadContext ctx, YamlNode node, string path, int keyLine)
    {
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, path) is not { } map)
        {
            return (SelectionPolicy.None, keyLine);
        }

        var prefer = ctx.Entries(map, path, PolicyKeys).Select(e => e.Value).FirstOrDefault();
        var preferPath = ConfigReadContext.Child(path, "prefer");
        if (prefer is null)
        {
            ctx.Error(preferPath, keyLine, $"is required: one of {string.Join(", ", PreferValues)}");
            return (SelectionPolicy.None, keyLine);
        }

        var value = ctx.Enum(prefer, preferPath, PreferValues);
        return SelectionPolicyNames.TryParse(value, out var policy)
            ? (policy, ConfigReadContext.LineOf(prefer))
            : (SelectionPolicy.None, ConfigReadContext.LineOf(prefer));
    }

    /// <summary>Reads the model list; false when any item was wrong (already reported).</summary>
    private static bool ReadModels(ConfigReadContext ctx, YamlNode node, string path, List<(string Name, string Path, int Line)> models)
    {
        if (ConfigReadContext.IsNull(node))
        {
            return true; // "models:" with nothing: reported as a route without models after the v0.3 merge
        }

        if (ctx.Sequence(node, path) is not { } seq)
        {
            return false;
        }

        var sound = true;
        for (var j = 0; j < seq.Children.Count; j++)
        {
            var item = seq.Children[j];
            var itemPath = ConfigReadContext.Index(path, j);
            if (ctx.RequiredString(item, itemPath, ConfigReadContext.LineOf(item)) is not { } model)
            {
                sound = false;
                continue;
            }

            var earlier = models.FindIndex(x => x.Name == model);
            if (earlier >= 0)
            {
                ctx.Error(itemPath, item, $"'{model}' is already listed in this route ({models[earlier].Path}); list each model once");
                sound = false;
                continue;
            }

            models.Add((model, itemPath, ConfigReadContext.LineOf(item)));
        }

        return sound;
    }
}
