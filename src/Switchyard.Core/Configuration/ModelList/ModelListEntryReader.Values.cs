using Switchyard.Core.Providers.AmazonBedrock;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>The value readers of a <c>model_list</c> item: vendor keys, headers, limits, costs, <c>model_info</c>.</summary>
internal static partial class ModelListEntryReader
{
    private static ModelProviderConfig ApplyVendorKeys(ConfigReadContext ctx, ModelProviderConfig config,
        Dictionary<string, (string? Value, int Line)> vendor, string path, Dictionary<string, int> lines, Dictionary<string, string> written, string model)
    {
        foreach (var (key, (_, keyLine)) in vendor)
        {
            var owner = BedrockKeys.Contains(key) ? ("amazon_bedrock", "bedrock/") : ("vertex", "vertex_ai/");
            if (config.Provider != owner.Item1)
            {
                ctx.Error(ConfigReadContext.Child(path, key), keyLine, $"{key} applies only to {owner.Item2} models, not '{model}'");
            }
        }

        string? V(string key, string target)
        {
            if (!vendor.TryGetValue(key, out var v))
            {
                return null;
            }

            lines[target] = v.Line;
            written[target] = key;
            return v.Value;
        }

        if (config.Provider == "amazon_bedrock")
        {
            if (vendor.ContainsKey("aws_region_name") && vendor.TryGetValue("aws_region", out var pllmRegion))
            {
                ctx.Error(ConfigReadContext.Child(path, "aws_region"), pllmRegion.Line, "both aws_region_name and aws_region are present; they are the same setting, keep one");
            }

            config = config with
            {
                Region = V("aws_region_name", "region") ?? V("aws_region", "region"),
                AwsAccessKeyId = V("aws_access_key_id", "aws_access_key_id"),
                AwsSecretAccessKey = V("aws_secret_access_key", "aws_secret_access_key"),
                AwsSessionToken = V("aws_session_token", "aws_session_token"),
            };

            // LiteLLM reaches Bedrock by region; Switchyard needs the runtime host, which the region names.
            if (config.BaseUrl is null && config.Region is { Length: > 0 } region)
            {
                config = config with { BaseUrl = AmazonBedrockProvider.EndpointFor(region) };
            }
        }
        else if (config.Provider == "vertex")
        {
            config = config with { Project = V("vertex_project", "project"), Location = V("vertex_location", "location") };
        }

        return config;
    }

    private static Dictionary<string, string> ReadHeaders(ConfigReadContext ctx, Dictionary<string, (YamlNode Node, int Line)> values, string path,
        Dictionary<string, int> lines, Dictionary<string, string> written, ModelListSecrets secrets)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in (string[])["extra_headers", "headers"])
        {
            if (!values.Remove(key, out var v) || ctx.Mapping(v.Node, ConfigReadContext.Child(path, key)) is not { } map)
            {
                continue;
            }

            lines["headers"] = v.Line;
            written["headers"] = key;
            foreach (var (name, value, _) in ctx.FreeEntries(map, ConfigReadContext.Child(path, key)))
            {
                var p = ConfigReadContext.Child(ConfigReadContext.Child(path, key), name);
                if (secrets.Read(ctx, value, p) is { } text && !result.TryAdd(name, text))
                {
                    ctx.Error(p, value, $"header '{name}' is set twice (header names are case-insensitive)");
                }
            }
        }

        if (values.Remove("organization", out var org) && secrets.Read(ctx, org.Node, ConfigReadContext.Child(path, "organization")) is { } orgId
            && !result.TryAdd("OpenAI-Organization", orgId))
        {
            ctx.Error(ConfigReadContext.Child(path, "organization"), org.Line, "organization and an OpenAI-Organization header are both set");
        }

        return result;
    }

    private static int? Limit(ConfigReadContext ctx, Dictionary<string, (YamlNode Node, int Line)> item, string key, string path, int? fromParams)
    {
        if (!item.TryGetValue(key, out var v))
        {
            return fromParams;
        }

        if (fromParams is not null)
        {
            ctx.Error(ConfigReadContext.Child(path, key), v.Line, $"{key} is set both here and in the parameter block; keep one");
        }

        return ctx.Int(v.Node, ConfigReadContext.Child(path, key), 1, int.MaxValue);
    }

    // A price written in two places of one item is a mistake worth an error: which one was meant?
    private static void AddCost(ConfigReadContext ctx, Dictionary<string, (YamlNode Node, int Line, string Path)> costs, string key, YamlNode node, int line, string path)
    {
        if (costs.TryGetValue(key, out var first))
        {
            ctx.Error(path, line, $"{key} is also set at {first.Path} (line {first.Line}); keep one");
            return;
        }

        costs[key] = (node, line, path);
    }

    private static (string? Id, int Line, int? ContextWindow) ReadModelInfo(ConfigReadContext ctx, YamlNode node, string path,
        Dictionary<string, (YamlNode Node, int Line, string Path)> costs)
    {
        if (ctx.Mapping(node, path) is not { } map)
        {
            return (null, 0, null);
        }

        string? id = null;
        int? window = null;
        var idLine = 0;
        var unused = new List<string>();
        foreach (var (key, value, keyLine) in ctx.FreeEntries(map, path))
        {
            if (key == "id")
            {
                id = ctx.RequiredString(value, ConfigReadContext.Child(path, key), keyLine);
                idLine = keyLine;
            }
            else if (key == "max_input_tokens")
            {
                // LiteLLM/PLLM keep the model's input limit here: it is the context window the pre-flight check uses.
                window = ctx.Int(value, ConfigReadContext.Child(path, key), 1, int.MaxValue);
            }
            else if (PricingReader.PerTokenKeys.ContainsKey(key))
            {
                AddCost(ctx, costs, key, value, keyLine, ConfigReadContext.Child(path, key));
            }
            else
            {
                unused.Add(key);
            }
        }

        if (unused.Count > 0)
        {
            ctx.Warning(path, node, $"model_info {string.Join(", ", unused)} {(unused.Count == 1 ? "is" : "are")} informational and not used by Switchyard");
        }

        return (id, idLine, window);
    }
}
