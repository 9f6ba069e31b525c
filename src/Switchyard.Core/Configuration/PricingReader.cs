using System.Globalization;
using Switchyard.Core.Telemetry;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// An entry's own price. Native: <c>pricing: {input, output, cached_input, cache_write}</c> in USD per MILLION tokens
/// (input and output required). model_list: LiteLLM's per-TOKEN keys — <c>input_cost_per_token</c>,
/// <c>output_cost_per_token</c>, <c>cache_read_input_token_cost</c>, <c>cache_creation_input_token_cost</c> — beside
/// <c>model_name</c> (PLLM), in <c>litellm_params</c> or in <c>model_info</c>, converted to per million.
/// </summary>
internal static class PricingReader
{
    public const string Key = "pricing";
    public const string Input = "input";
    public const string Output = "output";
    public const string CachedInput = "cached_input";
    public const string CacheWrite = "cache_write";

    private static readonly string[] Keys = [Input, Output, CachedInput, CacheWrite];

    /// <summary>LiteLLM per-token cost keys → the native key they map to.</summary>
    public static readonly IReadOnlyDictionary<string, string> PerTokenKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["input_cost_per_token"] = Input,
        ["output_cost_per_token"] = Output,
        ["cache_read_input_token_cost"] = CachedInput,
        ["cache_creation_input_token_cost"] = CacheWrite,
    };

    /// <summary>Native <c>pricing:</c> mapping; null (after an error) when malformed.</summary>
    public static ModelPrice? Read(ConfigReadContext ctx, YamlNode node, string path)
    {
        if (ctx.Mapping(node, path) is not { } map)
        {
            return null;
        }

        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value, _) in ctx.Entries(map, path, Keys))
        {
            if (Number(ctx, value, ConfigReadContext.Child(path, key)) is { } v)
            {
                values[key] = v;
            }
            else
            {
                ok = false;
            }
        }

        return Build(ctx, values, path, ConfigReadContext.LineOf(node), ok, Input, Output);
    }

    /// <summary>
    /// model_list: the per-token keys found for one item (key → value node, line, path where it was written), as
    /// a price per million; null when none were written (or after an error).
    /// </summary>
    public static ModelPrice? ReadPerToken(ConfigReadContext ctx, IReadOnlyDictionary<string, (YamlNode Node, int Line, string Path)> found, string itemPath, int itemLine)
    {
        if (found.Count == 0)
        {
            return null;
        }

        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, (node, _, path)) in found)
        {
            if (Number(ctx, node, path) is { } perToken)
            {
                values[PerTokenKeys[key]] = Normal(perToken * 1_000_000m);
            }
            else
            {
                ok = false;
            }
        }

        return Build(ctx, values, itemPath, itemLine, ok, "input_cost_per_token", "output_cost_per_token");
    }

    /// <summary>The native mapping <c>migrate</c> writes.</summary>
    public static YamlMappingNode Write(ConfigYaml y, string path, ModelPrice price)
    {
        var map = new YamlMappingNode
        {
            { Input, y.Plain(ConfigReadContext.Child(path, Input), Format(price.Input)) },
            { Output, y.Plain(ConfigReadContext.Child(path, Output), Format(price.Output)) },
        };
        if (price.CachedInput is { } cached)
        {
            map.Add(CachedInput, y.Plain(ConfigReadContext.Child(path, CachedInput), Format(cached)));
        }

        if (price.CacheWrite is { } write)
        {
            map.Add(CacheWrite, y.Plain(ConfigReadContext.Child(path, CacheWrite), Format(write)));
        }

        return map;
    }

    public static string Format(decimal value) => Normal(value).ToString(CultureInfo.InvariantCulture);

    // Trailing zeros of a decimal (2.500000 after a unit conversion) carry no meaning: dropped.
    private static decimal Normal(decimal value) => value / 1.000000000000000000000000000000000m;

    private static ModelPrice? Build(ConfigReadContext ctx, Dictionary<string, decimal> values, string path, int line, bool ok, string inputName, string outputName)
    {
        if (!ok)
        {
            return null;
        }

        var missing = new List<string>(2);
        if (!values.ContainsKey(Input))
        {
            missing.Add(inputName);
        }

        if (!values.ContainsKey(Output))
        {
            missing.Add(outputName);
        }

        if (missing.Count > 0)
        {
            ctx.Error(path == "" ? Key : path, line, $"a price needs both {inputName} and {outputName}; {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} missing");
            return null;
        }

        return new ModelPrice(values[Input], values[Output], values.TryGetValue(CachedInput, out var c) ? c : null, values.TryGetValue(CacheWrite, out var w) ? w : null, ModelPrice.FromConfig);
    }

    private static decimal? Number(ConfigReadContext ctx, YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text } && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            if (value < 0)
            {
                ctx.Error(path, node, $"must not be negative, got {text}");
                return null;
            }

            return value;
        }

        ctx.Error(path, node, $"must be a number (USD), got {(node is YamlScalarNode s ? $"'{s.Value}'" : ConfigReadContext.KindName(node))}");
        return null;
    }
}
