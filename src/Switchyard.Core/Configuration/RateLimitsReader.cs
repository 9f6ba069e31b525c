using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads Plano's top-level <c>ratelimits</c> list (<c>[{model, selector: {key, value}, limit: {tokens, unit}}]</c>,
/// every key required, as in Plano's schema) and the native per-entry <c>limits: {rpm, tpm}</c>.
/// </summary>
internal static class RateLimitsReader
{
    public const string Section = "ratelimits";

    /// <summary>The per-entry key of the native dialect.</summary>
    public const string EntryLimits = "limits";

    private static readonly string[] RuleKeys = ["model", "selector", "limit"];
    private static readonly string[] SelectorKeys = ["key", "value"];
    private static readonly string[] LimitKeys = ["tokens", "unit"];
    private static readonly string[] EntryLimitKeys = ["rpm", "tpm"];
    internal static readonly string[] Units = ["second", "minute", "hour", "day"];

    public static List<RateLimitRuleConfig> Read(ConfigReadContext ctx, YamlNode node)
    {
        var result = new List<RateLimitRuleConfig>();
        if (ConfigReadContext.IsNull(node) || ctx.Sequence(node, Section) is not { } seq)
        {
            return result;
        }

        var seen = new Dictionary<(string, string, string), int>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = ConfigReadContext.Index(Section, i);
            if (ctx.Mapping(seq.Children[i], path) is not { } map)
            {
                continue;
            }

            var line = ConfigReadContext.LineOf(map);
            var values = ctx.Entries(map, path, RuleKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            var model = ctx.RequiredString(values.GetValueOrDefault("model"), ConfigReadContext.Child(path, "model"), line);
            var selector = Pair(ctx, values.GetValueOrDefault("selector"), ConfigReadContext.Child(path, "selector"), line, SelectorKeys);
            var limit = Pair(ctx, values.GetValueOrDefault("limit"), ConfigReadContext.Child(path, "limit"), line, LimitKeys);
            if (model is null || selector is null || limit is null)
            {
                continue;
            }

            var selectorPath = ConfigReadContext.Child(path, "selector");
            var limitPath = ConfigReadContext.Child(path, "limit");
            var key = ctx.RequiredString(selector.GetValueOrDefault("key"), ConfigReadContext.Child(selectorPath, "key"), line);
            var value = ctx.RequiredString(selector.GetValueOrDefault("value"), ConfigReadContext.Child(selectorPath, "value"), line);
            var tokens = limit.GetValueOrDefault("tokens") is { } t ? ctx.Int(t, ConfigReadContext.Child(limitPath, "tokens"), 1, int.MaxValue) : Missing(ctx, limitPath, "tokens", line);
            var unit = limit.GetValueOrDefault("unit") is { } u ? ctx.Enum(u, ConfigReadContext.Child(limitPath, "unit"), Units) : Missing(ctx, limitPath, "unit", line)?.ToString();
            if (key is null || value is null || tokens is null || unit is null)
            {
                continue;
            }

            var rule = new RateLimitRuleConfig(model, key.ToLowerInvariant(), value, tokens.Value, Unit(unit)) { Line = line };
            if (seen.TryGetValue((rule.Model, rule.SelectorKey, rule.SelectorValue), out var first))
            {
                ctx.Error(path, line, $"repeats the rule for model '{model}' and selector {key}: {value} (first at line {first}); a model's selectors must be unique");
                continue;
            }

            seen[(rule.Model, rule.SelectorKey, rule.SelectorValue)] = line;
            result.Add(rule);
        }

        return result;
    }

    /// <summary>A rule naming no model entry limits nothing: say so (a typo would otherwise go unnoticed).</summary>
    public static void Validate(ConfigReadContext ctx, IReadOnlyList<RateLimitRuleConfig> rules, IReadOnlyList<ModelProviderConfig> providers)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var matched = false;
            foreach (var p in providers)
            {
                matched |= Matches(rule.Model, p) || (p.IsWildcard && rule.Model.StartsWith(p.Provider + "/", StringComparison.Ordinal));
            }

            if (!matched)
            {
                ctx.Warning(ConfigReadContext.Child(ConfigReadContext.Index(Section, i), "model"), rule.Line,
                    $"'{rule.Model}' names no model_providers entry (by name, provider/model or model id); this rule limits nothing");
            }
        }
    }

    /// <summary>True when a rule's <c>model</c> names <paramref name="entry"/> (its name, <c>provider/model</c> or model id).</summary>
    public static bool Matches(string model, ModelProviderConfig entry)
        => model == entry.Name || model == entry.Model || (!entry.IsWildcard && model == entry.ModelId);

    /// <summary>Reads a native entry's <c>limits: {rpm, tpm}</c>.</summary>
    public static (int? Rpm, int? Tpm) ReadEntryLimits(ConfigReadContext ctx, YamlNode node, string path)
    {
        if (ctx.Mapping(node, path) is not { } map)
        {
            return (null, null);
        }

        int? rpm = null, tpm = null;
        foreach (var (key, value, _) in ctx.Entries(map, path, EntryLimitKeys))
        {
            var v = ctx.Int(value, ConfigReadContext.Child(path, key), 1, int.MaxValue);
            if (key == "rpm")
            {
                rpm = v;
            }
            else
            {
                tpm = v;
            }
        }

        return (rpm, tpm);
    }

    private static RateLimitUnit Unit(string unit) => unit switch
    {
        "second" => RateLimitUnit.Second,
        "minute" => RateLimitUnit.Minute,
        "hour" => RateLimitUnit.Hour,
        _ => RateLimitUnit.Day,
    };

    private static Dictionary<string, YamlNode>? Pair(ConfigReadContext ctx, YamlNode? node, string path, int line, string[] keys)
    {
        if (node is null)
        {
            ctx.Error(path, line, "is required");
            return null;
        }

        return ctx.Mapping(node, path) is { } map
            ? ctx.Entries(map, path, keys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)
            : null;
    }

    private static int? Missing(ConfigReadContext ctx, string path, string key, int line)
    {
        ctx.Error(ConfigReadContext.Child(path, key), line, "is required");
        return null;
    }
}
