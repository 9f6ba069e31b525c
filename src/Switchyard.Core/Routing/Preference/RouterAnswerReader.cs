using System.Text.Json;

namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// Tolerant reading of router answers. Small router models wrap JSON in code fences or prose, use single quotes, or
/// emit literal <c>\n</c> sequences; all of that is read, and anything else is a failed decision, never an exception.
/// </summary>
internal static class RouterAnswerReader
{
    // Answers are asked to be ~64 tokens; bounding the object search keeps a runaway answer from costing O(n²).
    private const int MaxObjectStarts = 32;

    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };

    /// <summary>
    /// Reads the answer's route names (in the router's order) into a decision. <paramref name="noneWord"/> is a name
    /// that means "no route" when it is not itself a configured route (Arch-Router's <c>other</c>).
    /// </summary>
    public static RouterDecision Decide(string? answer, IReadOnlyList<RoutePreference> routes, string? noneWord)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var raw = answer ?? "";
        if (string.IsNullOrWhiteSpace(raw)) return RouterDecision.Failed(raw, "empty answer");

        if (!TryFindRouteField(raw, out var route, out var failure)) return RouterDecision.Failed(raw, failure);

        List<string> names = [];
        switch (route.ValueKind)
        {
            case JsonValueKind.Null:
                break;
            case JsonValueKind.String:
                names.Add(route.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (var item in route.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.String) names.Add(item.GetString()!);
                break;
            default:
                return RouterDecision.Failed(raw, $"\"route\" is a {route.ValueKind}, not a name or a list of names");
        }

        List<string> unknown = [];
        foreach (var candidate in names)
        {
            var name = candidate.Trim();
            if (name.Length == 0) continue;
            var known = FindRoute(routes, name);
            if (known is not null) return RouterDecision.Routed(known, raw, unknown);
            if (noneWord is not null && string.Equals(name, noneWord, StringComparison.OrdinalIgnoreCase)) return RouterDecision.NoRoute(raw, unknown);
            unknown.Add(name);
        }
        return RouterDecision.NoRoute(raw, unknown);
    }

    private static string? FindRoute(IReadOnlyList<RoutePreference> routes, string name)
    {
        foreach (var route in routes)
            if (string.Equals(route.Name, name, StringComparison.Ordinal)) return route.Name;
        return null;
    }

    private static bool TryFindRouteField(string raw, out JsonElement route, out string failure)
    {
        // A literal backslash-n is never meaningful in a route answer; as whitespace it cannot break the JSON.
        var text = raw.Replace("\\n", " ", StringComparison.Ordinal);
        var sawObject = false;
        // Double-quoted JSON first, so an apostrophe inside a route name or the prose survives when it can.
        string[] candidates = text.Contains('\'', StringComparison.Ordinal) ? [text, text.Replace('\'', '"')] : [text];
        foreach (var candidate in candidates)
        {
            var starts = 0;
            for (var start = candidate.IndexOf('{'); start >= 0 && starts < MaxObjectStarts; start = candidate.IndexOf('{', start + 1), starts++)
            {
                var end = MatchingBrace(candidate, start);
                if (end < 0) continue;
                if (!TryParse(candidate.AsSpan(start, end - start + 1), out var root)) continue;
                sawObject = true;
                if (root.TryGetProperty("route", out route))
                {
                    failure = "";
                    return true;
                }
            }
        }
        route = default;
        failure = sawObject ? "no \"route\" field in the answer" : "no JSON object in the answer";
        return false;
    }

    private static bool TryParse(ReadOnlySpan<char> json, out JsonElement root)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToString(), Options);
            root = document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : default;
            return root.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            // Expected for garbage: a malformed candidate just means "try the next one".
            root = default;
            return false;
        }
    }

    private static int MatchingBrace(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }
}
