using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads <c>model_providers</c> (or its older name <c>llm_providers</c>) entries: key set, value kinds and the
/// <c>provider/model_id</c> split. Rules that depend on the provider catalogue run afterwards in ConfigValidator.
/// </summary>
internal static class ProviderReader
{
    internal static readonly string[] Keys =
    [
        "model", "name", "access_key", "base_url", "provider_interface", "default", "passthrough_auth", "headers",
        "http_host", "fallbacks", "api_version", "routing_preferences", "protocol", "region", "aws_access_key_id",
        "aws_secret_access_key", "aws_session_token", "project", "location", "connect_timeout", "first_byte_timeout",
        "stream_idle_timeout", "request_timeout", "context_window_fallbacks", "context_window", "access_keys", "priority", "weight", PricingReader.Key,
        RateLimitsReader.EntryLimits, .. EndpointPolicyReader.EntryKeys,
    ];

    private static readonly string[] PreferenceKeys = ["name", "description"];

    /// <summary>
    /// Reads every entry; an entry whose <c>model</c> is missing or malformed is reported and left out (nothing can
    /// be checked against a provider without it).
    /// </summary>
    public static List<Located<ModelProviderConfig>> Read(ConfigReadContext ctx, YamlNode node, string section)
    {
        var result = new List<Located<ModelProviderConfig>>();
        if (ConfigReadContext.IsNull(node) || ctx.Sequence(node, section) is not { } seq)
        {
            return result;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = ConfigReadContext.Index(section, i);
            if (ctx.Mapping(seq.Children[i], path) is { } map && ReadEntry(ctx, map, path) is { } entry)
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private static Located<ModelProviderConfig>? ReadEntry(ConfigReadContext ctx, YamlMappingNode map, string path)
    {
        var line = ConfigReadContext.LineOf(map);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value, keyLine) in ctx.Entries(map, path, Keys))
        {
            lines[key] = keyLine;
            values[key] = value;
        }

        string? Str(string key) => values.TryGetValue(key, out var n) ? ctx.String(n, ConfigReadContext.Child(path, key)) : null;
        TimeSpan? Time(string key) => values.TryGetValue(key, out var n) ? ctx.Duration(n, ConfigReadContext.Child(path, key)) : null;
        bool Flag(string key) => values.TryGetValue(key, out var n) && (ctx.Bool(n, ConfigReadContext.Child(path, key)) ?? false);

        var modelPath = ConfigReadContext.Child(path, "model");
        var model = ctx.RequiredString(values.GetValueOrDefault("model"), modelPath, line);
        var providerInterface = Str("provider_interface");
        var entry = new ModelProviderConfig
        {
            Name = "",
            Model = model ?? "",
            Provider = "",
            ModelId = "",
            AccessKey = Str("access_key"),
            BaseUrl = Str("base_url"),
            ProviderInterface = providerInterface,
            IsDefault = Flag("default"),
            PassthroughAuth = Flag("passthrough_auth"),
            HttpHost = Str("http_host"),
            ApiVersion = Str("api_version"),
            Protocol = Str("protocol"),
            Region = Str("region"),
            AwsAccessKeyId = Str("aws_access_key_id"),
            AwsSecretAccessKey = Str("aws_secret_access_key"),
            AwsSessionToken = Str("aws_session_token"),
            Project = Str("project"),
            Location = Str("location"),
            Timeouts = new EntryTimeouts(Time("connect_timeout"), Time("first_byte_timeout"), Time("stream_idle_timeout"), Time("request_timeout")),
            Headers = values.TryGetValue("headers", out var headers) ? ReadHeaders(ctx, headers, ConfigReadContext.Child(path, "headers")) : new Dictionary<string, string>(),
            Fallbacks = values.TryGetValue("fallbacks", out var fallbacks) ? ReadStringList(ctx, fallbacks, ConfigReadContext.Child(path, "fallbacks")) : [],
            ContextWindowFallbacks = values.TryGetValue("context_window_fallbacks", out var cwf) ? ReadStringList(ctx, cwf, ConfigReadContext.Child(path, "context_window_fallbacks")) : [],
            ContextWindow = values.TryGetValue("context_window", out var cw) ? ctx.Int(cw, ConfigReadContext.Child(path, "context_window"), 1, int.MaxValue) : null,
            Pricing = values.TryGetValue(PricingReader.Key, out var pricing) ? PricingReader.Read(ctx, pricing, ConfigReadContext.Child(path, PricingReader.Key)) : null,
            RoutingPreferences = values.TryGetValue("routing_preferences", out var prefs) ? ReadPreferences(ctx, prefs, ConfigReadContext.Child(path, "routing_preferences")) : null,
            Priority = values.TryGetValue("priority", out var priority) ? StrategyKeys.Priority(ctx, priority, ConfigReadContext.Child(path, "priority")) : null,
            Weight = values.TryGetValue("weight", out var weight) ? StrategyKeys.Weight(ctx, weight, ConfigReadContext.Child(path, "weight")) : null,
            Line = line,
            CircuitBreaker = EndpointPolicyReader.ReadBreaker(ctx, values.GetValueOrDefault(EndpointPolicyReader.Section), ConfigReadContext.Child(path, EndpointPolicyReader.Section)),
            HealthCheck = EndpointPolicyReader.ReadHealthCheck(ctx, values.GetValueOrDefault(EndpointPolicyReader.HealthCheck), ConfigReadContext.Child(path, EndpointPolicyReader.HealthCheck)),
            MaxConcurrent = values.TryGetValue("max_concurrent", out var mc) ? ctx.Int(mc, ConfigReadContext.Child(path, "max_concurrent"), 1, 1_000_000) : null,
            QueueTimeout = Time("queue_timeout"),
        };

        if (values.TryGetValue(RateLimitsReader.EntryLimits, out var limits))
        {
            var (rpm, tpm) = RateLimitsReader.ReadEntryLimits(ctx, limits, ConfigReadContext.Child(path, RateLimitsReader.EntryLimits));
            entry = entry with { Rpm = rpm, Tpm = tpm };
        }

        if (values.TryGetValue("access_keys", out var keysNode)
            && KeyPoolConfig.ReadNative(ctx, keysNode, ConfigReadContext.Child(path, "access_keys"), ConfigReadContext.Child(path, "access_key"),
                values.ContainsKey("access_key"), lines.GetValueOrDefault("access_key")) is { Count: > 0 } keys)
        {
            entry = entry with { AccessKey = keys[0], AccessKeys = keys.Count > 1 ? keys : [] };
        }

        if (values.TryGetValue("name", out var nameNode))
        {
            entry = entry with { Name = ctx.RequiredString(nameNode, ConfigReadContext.Child(path, "name"), line) ?? "" };
        }

        if (model is null)
        {
            return null;
        }

        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == model.Length - 1)
        {
            // Older Arch configs wrote `model: gpt-4o` next to `provider_interface: openai`; say what the new form is.
            var hint = slash < 0 && providerInterface is not null ? $" (write '{providerInterface}/{model}')" : "";
            ctx.Error(modelPath, values["model"], $"'{model}' must be 'provider/model_id' or 'provider/*'{hint}");
            return null;
        }

        entry = entry with
        {
            Provider = model[..slash],
            ModelId = model[(slash + 1)..],
            Name = entry.Name.Length == 0 ? model : entry.Name,
        };
        EndpointPolicyReader.WarnUnprobed(ctx, entry, ConfigReadContext.Child(path, EndpointPolicyReader.HealthCheck), lines);
        return new Located<ModelProviderConfig>(entry, path, line, lines);
    }

    private static Dictionary<string, string> ReadHeaders(ConfigReadContext ctx, YamlNode node, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (ctx.Mapping(node, path) is not { } map)
        {
            return result;
        }

        foreach (var (name, value, _) in ctx.FreeEntries(map, path))
        {
            var p = ConfigReadContext.Child(path, name);
            if (value is not YamlScalarNode)
            {
                ctx.Error(p, value, $"header value must be a string, got {ConfigReadContext.KindName(value)}");
            }
            else if (!result.TryAdd(name, ctx.String(value, p) ?? ""))
            {
                ctx.Error(p, value, $"header '{name}' is set twice (header names are case-insensitive)");
            }
        }

        return result;
    }

    internal static List<string> ReadStringList(ConfigReadContext ctx, YamlNode node, string path)
    {
        var result = new List<string>();
        if (ctx.Sequence(node, path) is not { } seq)
        {
            return result;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (ctx.RequiredString(seq.Children[i], ConfigReadContext.Index(path, i), ConfigReadContext.LineOf(seq.Children[i])) is { } s)
            {
                result.Add(s);
            }
        }

        return result;
    }

    // v0.3 inline routing preferences: kept as written; PreferenceMigration merges them into the top-level section.
    private static JsonNode? ReadPreferences(ConfigReadContext ctx, YamlNode node, string path)
    {
        if (ctx.Sequence(node, path) is not { } seq)
        {
            return null;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var p = ConfigReadContext.Index(path, i);
            if (ctx.Mapping(seq.Children[i], p) is not { } map)
            {
                continue;
            }

            var present = ctx.Entries(map, p, PreferenceKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            foreach (var key in PreferenceKeys)
            {
                ctx.RequiredString(present.GetValueOrDefault(key), ConfigReadContext.Child(p, key), ConfigReadContext.LineOf(map));
            }
        }

        return YamlJson.Convert(seq);
    }
}
