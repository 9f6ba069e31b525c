using Switchyard.Core.Providers.AmazonBedrock;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// Reads one <c>model_list</c> item: <c>model_name</c>, its <c>litellm_params</c> (or PLLM's <c>params</c>) mapped
/// onto a provider entry, <c>rpm</c>/<c>tpm</c> and <c>model_info.id</c>. Parameters Switchyard has no use for are
/// reported as warnings, never dropped silently; unknown item keys are errors.
/// </summary>
internal static partial class ModelListEntryReader
{
    private const string LiteLLMParams = "litellm_params";
    private const string PllmParams = "params";

    // PLLM's newer block (its config.docker.yaml): the parameters plus the provider's type (openai, anthropic, azure...).
    private const string PllmProvider = "provider";

    // PLLM per-instance knobs Switchyard does not act on yet.
    private static readonly string[] UnusedItemKeys = ["timeout", "tags", "instance_name"];

    // LiteLLM's per-token prices: beside model_name (PLLM), in litellm_params or in model_info (PricingReader).
    private static readonly string[] CostKeys = [.. PricingReader.PerTokenKeys.Keys];

    // PLLM per-instance group-strategy keys (priority counts the other way from Switchyard's: higher first).
    private static readonly string[] StrategyItemKeys = ["priority", "weight"];

    private static readonly string[] ItemKeys =
        ["model_name", LiteLLMParams, PllmParams, PllmProvider, "model_info", "rpm", "tpm", "enabled", .. StrategyItemKeys, .. UnusedItemKeys, .. CostKeys];

    // aws_region is how PLLM's config.yaml writes LiteLLM's aws_region_name.
    private static readonly string[] BedrockKeys = ["aws_region_name", "aws_region", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"];
    private static readonly string[] VertexKeys = ["vertex_project", "vertex_location"];

    public static ModelListEntry? Read(ConfigReadContext ctx, YamlMappingNode map, string path, ModelListSecrets secrets)
    {
        var line = ConfigReadContext.LineOf(map);
        var item = new Dictionary<string, (YamlNode Node, int Line)>(StringComparer.Ordinal);
        foreach (var (key, value, keyLine) in ctx.Entries(map, path, ItemKeys))
        {
            item[key] = (value, keyLine);
            if (UnusedItemKeys.Contains(key))
            {
                ctx.Warning(ConfigReadContext.Child(path, key), keyLine, $"'{key}' is not used by Switchyard yet (ignored)");
            }
        }

        var nameNode = item.TryGetValue("model_name", out var n) ? n.Node : null;
        var modelName = ctx.RequiredString(nameNode, ConfigReadContext.Child(path, "model_name"), line);

        var paramsKey = item.ContainsKey(LiteLLMParams) ? LiteLLMParams : item.ContainsKey(PllmParams) ? PllmParams : PllmProvider;
        if (item.ContainsKey(LiteLLMParams) && item.TryGetValue(PllmParams, out var pllm))
        {
            ctx.Error(ConfigReadContext.Child(path, PllmParams), pllm.Line,
                "both litellm_params and params are present; params is PLLM's name for litellm_params, keep one");
        }

        if (paramsKey != PllmProvider && item.TryGetValue(PllmProvider, out var provider))
        {
            ctx.Error(ConfigReadContext.Child(path, PllmProvider), provider.Line,
                $"both {paramsKey} and provider are present; provider is PLLM's newer name for the parameter block, keep one");
        }

        var paramsPath = ConfigReadContext.Child(path, paramsKey);
        if (!item.TryGetValue(paramsKey, out var paramsEntry))
        {
            ctx.Error(ConfigReadContext.Child(path, LiteLLMParams), line, "is required (the upstream model and its credentials)");
            return null;
        }

        if (ctx.Mapping(paramsEntry.Node, paramsPath) is not { } paramsMap)
        {
            return null;
        }

        var costs = new Dictionary<string, (YamlNode Node, int Line, string Path)>(StringComparer.Ordinal);
        foreach (var key in CostKeys)
        {
            if (item.TryGetValue(key, out var cost))
            {
                costs[key] = (cost.Node, cost.Line, ConfigReadContext.Child(path, key));
            }
        }

        var entry = ReadParams(ctx, paramsMap, paramsPath, paramsEntry.Line, secrets, paramsKey == PllmProvider, costs);
        if (entry is null || modelName is null)
        {
            return null;
        }

        var (config, keyLines, written, strategyKeys) = entry.Value;
        config = config with
        {
            Rpm = Limit(ctx, item, "rpm", path, config.Rpm),
            Tpm = Limit(ctx, item, "tpm", path, config.Tpm),
            Line = line,
        };
        config = StrategyItemKeysOf(ctx, item, path, config, strategyKeys);
        var (id, idLine, window) = item.TryGetValue("model_info", out var info) ? ReadModelInfo(ctx, info.Node, ConfigReadContext.Child(path, "model_info"), costs) : (null, 0, null);
        config = config with { ContextWindow = window, Pricing = PricingReader.ReadPerToken(ctx, costs, path, line) };
        var result = new ModelListEntry
        {
            ModelName = modelName,
            ModelNameLine = nameNode is null ? line : ConfigReadContext.LineOf(nameNode),
            Path = path,
            ParamsPath = paramsPath,
            Config = config,
            KeyLines = keyLines,
            WrittenKeys = written,
            DeploymentId = id,
            DeploymentIdLine = idLine,
            Enabled = !item.TryGetValue("enabled", out var enabled) || (ctx.Bool(enabled.Node, ConfigReadContext.Child(path, "enabled")) ?? true),
            Line = line,
            ParamsLine = paramsEntry.Line,
        };
        foreach (var (key, at) in strategyKeys)
        {
            result.StrategyKeyAt[key] = at;
        }

        return result;
    }

    // PLLM writes priority (higher first) and weight beside model_name; LiteLLM writes order (lower first) and weight
    // in litellm_params (read by ReadParams). Switchyard's priority is lower first, so PLLM's is negated.
    private static ModelProviderConfig StrategyItemKeysOf(ConfigReadContext ctx, Dictionary<string, (YamlNode Node, int Line)> item, string path,
        ModelProviderConfig config, Dictionary<string, (string Path, int Line)> at)
    {
        if (item.TryGetValue("priority", out var p))
        {
            var keyPath = ConfigReadContext.Child(path, "priority");
            if (config.Priority is not null)
            {
                ctx.Error(keyPath, p.Line, $"priority is set here and as order in the parameter block ({at["priority"].Path}); keep one");
            }
            else if (StrategyKeys.Priority(ctx, p.Node, keyPath) is { } value)
            {
                config = config with { Priority = -value };
                at["priority"] = (keyPath, p.Line);
            }
        }

        if (item.TryGetValue("weight", out var w))
        {
            var keyPath = ConfigReadContext.Child(path, "weight");
            if (config.Weight is not null)
            {
                ctx.Error(keyPath, w.Line, "weight is set both here and in the parameter block; keep one");
            }
            else if (StrategyKeys.Weight(ctx, w.Node, keyPath) is { } value)
            {
                config = config with { Weight = value };
                at["weight"] = (keyPath, w.Line);
            }
        }

        return config;
    }

    private static (ModelProviderConfig, Dictionary<string, int>, Dictionary<string, string>, Dictionary<string, (string Path, int Line)>)? ReadParams(
        ConfigReadContext ctx, YamlMappingNode map, string path, int blockLine, ModelListSecrets secrets, bool providerBlock,
        Dictionary<string, (YamlNode Node, int Line, string Path)> costs)
    {
        var values = new Dictionary<string, (YamlNode Node, int Line)>(StringComparer.Ordinal);
        foreach (var (key, value, keyLine) in ctx.FreeEntries(map, path))
        {
            values[key] = (value, keyLine);
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Get(string key, string? target = null)
        {
            if (!values.Remove(key, out var v))
            {
                return null;
            }

            if (target is not null)
            {
                lines[target] = v.Line;
                written[target] = key;
            }

            return secrets.Read(ctx, v.Node, ConfigReadContext.Child(path, key));
        }

        var modelNode = values.GetValueOrDefault("model");
        var model = Get("model", "model");
        var type = providerBlock && values.Remove("type", out var typeNode) ? ctx.RequiredString(typeNode.Node, ConfigReadContext.Child(path, "type"), typeNode.Line) : null;
        if (modelNode.Node is null)
        {
            ctx.Error(ConfigReadContext.Child(path, "model"), blockLine, "is required (e.g. openai/gpt-4o, azure/<deployment>, anthropic/<model>)");
        }

        if (values.ContainsKey("api_base") && values.TryGetValue("base_url", out var both))
        {
            ctx.Error(ConfigReadContext.Child(path, "base_url"), both.Line, "both api_base and base_url are present; they are the same setting, keep one");
            values.Remove("base_url");
        }

        var apiBase = values.ContainsKey("api_base") ? Get("api_base", "base_url") : Get("base_url", "base_url");
        var keyText = (values.GetValueOrDefault("api_key").Node as YamlScalarNode)?.Value;
        var accessKey = Get("api_key", "access_key");
        var keyPool = KeyPoolConfig.ModelListPool(ctx, ConfigReadContext.Child(path, "api_key"), keyText, accessKey, secrets);
        var apiVersionLine = values.GetValueOrDefault("api_version").Line;
        var apiVersion = Get("api_version", "api_version");
        var vendor = new Dictionary<string, (string? Value, int Line)>(StringComparer.Ordinal);
        foreach (var key in (string[])[.. BedrockKeys, .. VertexKeys])
        {
            var keyLine = values.GetValueOrDefault(key).Line;
            if (values.ContainsKey(key))
            {
                vendor[key] = (Get(key), keyLine);
            }
        }

        var headers = ReadHeaders(ctx, values, path, lines, written, secrets);
        int? rpm = values.Remove("rpm", out var r) ? ctx.Int(r.Node, ConfigReadContext.Child(path, "rpm"), 1, int.MaxValue) : null;
        int? tpm = values.Remove("tpm", out var t) ? ctx.Int(t.Node, ConfigReadContext.Child(path, "tpm"), 1, int.MaxValue) : null;
        int? maxParallel = values.Remove("max_parallel_requests", out var mp) ? ctx.Int(mp.Node, ConfigReadContext.Child(path, "max_parallel_requests"), 1, 1_000_000) : null;
        var strategyKeys = new Dictionary<string, (string Path, int Line)>(StringComparer.Ordinal);
        int? order = null;
        double? weight = null;
        if (values.Remove("order", out var o) && StrategyKeys.Priority(ctx, o.Node, ConfigReadContext.Child(path, "order")) is { } orderValue)
        {
            order = orderValue;
            strategyKeys["priority"] = (ConfigReadContext.Child(path, "order"), o.Line);
        }

        if (values.Remove("weight", out var w) && StrategyKeys.Weight(ctx, w.Node, ConfigReadContext.Child(path, "weight")) is { } weightValue)
        {
            weight = weightValue;
            strategyKeys["weight"] = (ConfigReadContext.Child(path, "weight"), w.Line);
        }

        foreach (var key in CostKeys)
        {
            if (values.Remove(key, out var cost))
            {
                AddCost(ctx, costs, key, cost.Node, cost.Line, ConfigReadContext.Child(path, key));
            }
        }

        foreach (var (key, (_, keyLine)) in values)
        {
            ctx.Warning(ConfigReadContext.Child(path, key), keyLine, $"'{key}' is not used by Switchyard (ignored)");
        }

        if (model is null)
        {
            return null;
        }

        // PLLM's provider block: type names the provider and model is its id (at an openrouter.ai base_url, PLLM's
        // OpenRouter convention applies to the id alone, as in params).
        if (type is not null && !LiteLLMProviders.IsOpenRouter(apiBase))
        {
            model = type + "/" + model;
        }

        var mapped = LiteLLMProviders.Map(model, apiBase, out var error);
        if (mapped is null)
        {
            ctx.Error(ConfigReadContext.Child(path, "model"), modelNode.Line, error!);
            return null;
        }

        if (mapped.Note is not null)
        {
            ctx.Warning(ConfigReadContext.Child(path, "model"), modelNode.Line, mapped.Note);
        }

        var config = new ModelProviderConfig
        {
            Name = "",
            Model = mapped.Provider + "/" + mapped.ModelId,
            Provider = mapped.Provider,
            ModelId = mapped.ModelId,
            ProviderInterface = mapped.ProviderInterface,
            AccessKey = keyPool?[0] ?? accessKey,
            AccessKeys = keyPool ?? [],
            BaseUrl = apiBase,
            Headers = mapped.Provider == "openrouter" ? KeyPoolConfig.WithOpenRouterHeaders(ctx, headers, path, blockLine, secrets.Lookup) : headers,
            Rpm = rpm,
            Tpm = tpm,
            MaxConcurrent = maxParallel,
            Priority = order,
            Weight = weight,
        };

        if (apiVersion is not null && mapped.Provider != "azure_openai")
        {
            ctx.Warning(ConfigReadContext.Child(path, "api_version"), apiVersionLine, $"api_version is used only by azure/ models; ignored for '{model}'");
            lines.Remove("api_version");
        }
        else
        {
            config = config with { ApiVersion = apiVersion };
        }

        config = ApplyVendorKeys(ctx, config, vendor, path, lines, written, model);
        return (config, lines, written, strategyKeys);
    }

    // aws_* belong to bedrock/ models and vertex_* to vertex_ai/ models; elsewhere they are mistakes.
}
