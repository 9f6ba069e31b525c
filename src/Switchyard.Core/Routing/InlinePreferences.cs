using System.Text.Json;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing;

/// <summary>
/// Reads a request's inline <c>routing_preferences</c> (the v0.4 shape: <c>[{name, description, models,
/// selection_policy}]</c>). They replace the config's preferences for that request; <c>[]</c> disables preference
/// routing. Every listed model must resolve in the catalog; any problem is a 400 naming the member.
/// </summary>
public static class InlinePreferences
{
    private const string Member = "routing_preferences";

    public static bool TryRead(ReadOnlySpan<byte> json, ModelCatalog catalog, out IReadOnlyList<RoutePreferenceConfig> preferences, out RoutingError? error)
    {
        preferences = [];
        error = null;
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            error = Invalid($"'{Member}' is not valid JSON: {ex.Message}");
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return true; // null means "none given": treat like absent
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                error = Invalid($"'{Member}' must be an array of {{name, description, models, selection_policy}}");
                return false;
            }

            var result = new List<RoutePreferenceConfig>(root.GetArrayLength());
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                var path = $"{Member}[{index++}]";
                if (!TryReadOne(item, path, catalog, out var preference, out error))
                {
                    return false;
                }

                if (!names.Add(preference!.Name))
                {
                    error = Invalid($"{path}.name: duplicate route name '{preference.Name}'");
                    return false;
                }

                result.Add(preference);
            }

            preferences = result;
            return true;
        }
    }

    private static bool TryReadOne(JsonElement item, string path, ModelCatalog catalog, out RoutePreferenceConfig? preference, out RoutingError? error)
    {
        preference = null;
        error = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = Invalid($"{path} must be an object");
            return false;
        }

        string? name = null, description = null;
        var models = new List<string>();
        var policy = SelectionPolicy.None;
        foreach (var property in item.EnumerateObject())
        {
            var p = path + "." + property.Name;
            var value = property.Value;
            switch (property.Name)
            {
                case "name" or "description":
                    if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
                    {
                        error = Invalid($"{p} must be a non-empty string");
                        return false;
                    }

                    if (property.Name == "name")
                    {
                        name = value.GetString();
                    }
                    else
                    {
                        description = value.GetString();
                    }

                    break;
                case "models":
                    if (value.ValueKind != JsonValueKind.Array)
                    {
                        error = Invalid($"{p} must be an array of model names");
                        return false;
                    }

                    foreach (var m in value.EnumerateArray())
                    {
                        if (m.ValueKind != JsonValueKind.String || m.GetString() is not { Length: > 0 } model)
                        {
                            error = Invalid($"{p} must hold model names (strings)");
                            return false;
                        }

                        if (catalog.ResolvePublic(model) is null)
                        {
                            error = new RoutingError(400, $"{p}: model '{model}' is not configured on this gateway; GET /v1/models lists the available models", "invalid_request_error", "model_not_found");
                            return false;
                        }

                        models.Add(model);
                    }

                    break;
                case "selection_policy":
                    if (value.ValueKind != JsonValueKind.Object
                        || !value.TryGetProperty("prefer", out var prefer)
                        || prefer.ValueKind != JsonValueKind.String
                        || !SelectionPolicyNames.TryParse(prefer.GetString(), out policy))
                    {
                        error = Invalid($"{p} must be {{\"prefer\": \"cheapest\" | \"fastest\" | \"none\"}}");
                        return false;
                    }

                    break;
                default:
                    error = Invalid($"{p}: unknown member; a routing preference has name, description, models and selection_policy");
                    return false;
            }
        }

        if (name is null || description is null)
        {
            error = Invalid($"{path} needs both 'name' and 'description'");
            return false;
        }

        if (models.Count == 0)
        {
            error = Invalid($"{path}.models must list at least one model");
            return false;
        }

        preference = new RoutePreferenceConfig(name, description, models, policy, 0);
        return true;
    }

    private static RoutingError Invalid(string message) => new(400, message, "invalid_request_error", "invalid_routing_preferences");
}
