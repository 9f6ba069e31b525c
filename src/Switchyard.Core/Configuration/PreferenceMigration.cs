using System.Text.Json.Nodes;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Migrates Plano v0.3 inline <c>routing_preferences</c> (a <c>[{name, description}]</c> list under a provider
/// entry) into the v0.4 top-level list at load, and then requires every route to have at least one model.
/// </summary>
/// <remarks>
/// Merge rules, applied to providers in declaration order and to each provider's preferences in order:
/// <list type="bullet">
/// <item>the provider's entry name is appended to the route of the same name (once);</item>
/// <item>a route already declared at top level keeps its description and position, and the inline model is still
/// appended when it is not listed yet (Plano drops the inline preference in that case; appending keeps what the
/// file says, and the warning names the route it went to);</item>
/// <item>otherwise a new route is added after the top-level ones, with the first description seen and
/// <c>prefer: none</c>;</item>
/// <item>a wildcard entry (<c>provider/*</c>) with preferences is an error: a route needs concrete models.</item>
/// </list>
/// Every migrated preference is reported as a deprecation warning at its own line.
/// </remarks>
internal static class PreferenceMigration
{
    public static void Merge(ConfigReadContext ctx, List<RouteSource> routes, IReadOnlyList<Located<ModelProviderConfig>> providers,
        IReadOnlyDictionary<string, int> nodeLines)
    {
        foreach (var located in providers)
        {
            if (located.Value.RoutingPreferences is not JsonArray inline)
            {
                continue;
            }

            var prefsPath = ConfigReadContext.Child(located.Path, "routing_preferences");
            if (located.Value.IsWildcard)
            {
                ctx.Error(prefsPath, located.LineOf("routing_preferences"),
                    $"routing_preferences cannot be set on a wildcard entry ('{located.Value.Model}'): a route needs concrete models; "
                    + $"declare the model explicitly (model: {located.Value.Provider}/<model_id>) and list it in a top-level routing_preferences route");
                continue;
            }

            for (var j = 0; j < inline.Count; j++)
            {
                var path = ConfigReadContext.Index(prefsPath, j);
                var line = nodeLines.TryGetValue(path, out var l) ? l : located.LineOf("routing_preferences");
                if (Text(inline[j], "name") is { Length: > 0 } name && Text(inline[j], "description") is { Length: > 0 } description)
                {
                    MergeOne(ctx, routes, located.Value.Name, name, description, path, line);
                }
            }
        }

        foreach (var route in routes.Where(r => r.Models.Count == 0 && !r.ModelsBroken))
        {
            ctx.Error(ConfigReadContext.Child(route.Path, "models"), route.Line,
                $"route '{route.Name}' has no models: add models: [<model>, ...] listing the configured models to use for it, in order (v0.4 requires at least one)");
        }
    }

    private static void MergeOne(ConfigReadContext ctx, List<RouteSource> routes, string model, string name, string description, string path, int line)
    {
        var route = routes.Find(r => r.Name == name);
        string what;
        if (route is null)
        {
            route = new RouteSource { Name = name, Description = description, Path = path, Line = line, PolicyLine = line };
            routes.Add(route);
            what = $"migrated to the top-level route '{name}' with model '{model}'";
        }
        else
        {
            var appended = route.Models.Contains(model) ? $"'{model}' is already one of its models" : $"'{model}' appended to its models";
            var kept = route.TopLevel ? "the top-level description is kept" : "the first description is kept";
            var differs = description == route.Description ? "" : " (this one differs and is dropped)";
            what = $"merged into the {(route.TopLevel ? "top-level " : "")}route '{name}' ({route.Path}, line {route.Line}): {appended}; {kept}{differs}";
        }

        if (!route.Models.Contains(model))
        {
            route.Models.Add(model);
            route.ModelOrigins.Add((path, line));
        }

        ctx.Warning(path, line,
            $"inline routing_preferences under a provider entry are deprecated (Plano v0.3); {what}. In v0.4 declare each route once at top level: "
            + "routing_preferences: [{name, description, models: [...]}]; 'switchyard migrate FILE' rewrites the file in that form");
    }

    // Plain scalars such as "2024" were typed by YamlJson; the name is their text either way.
    private static string? Text(JsonNode? entry, string key)
        => entry is JsonObject obj && obj[key] is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;
}
