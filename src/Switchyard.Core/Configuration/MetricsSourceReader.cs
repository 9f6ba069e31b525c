using Switchyard.Core.Routing.Metrics;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads <c>model_metrics_sources</c>: <c>{type: cost, provider: digitalocean | models.dev, url?, refresh_interval?,
/// model_aliases?}</c>, <c>{type: latency, provider: prometheus, url, query, refresh_interval?}</c> and
/// <c>{type: latency, provider: observed, half_life?}</c>. The allowed keys depend on type and provider.
/// </summary>
internal static class MetricsSourceReader
{
    public const string Section = "model_metrics_sources";

    private static readonly string[] Types = ["cost", "latency"];
    private static readonly string[] CostProviders = ["digitalocean", "models.dev"];
    private static readonly string[] LatencyProviders = ["prometheus", "observed"];
    private static readonly string[] CostKeys = ["type", "provider", "url", "refresh_interval", "model_aliases"];
    private static readonly string[] PrometheusKeys = ["type", "provider", "url", "query", "refresh_interval"];
    private static readonly string[] ObservedKeys = ["type", "provider", "half_life"];

    /// <param name="ctx">The read context.</param>
    /// <param name="node">The section value.</param>
    /// <param name="baseDirectory">Directory relative cost catalog paths are resolved against (the config file's).</param>
    public static List<Located<MetricsSourceConfig>> Read(ConfigReadContext ctx, YamlNode? node, string baseDirectory)
    {
        var result = new List<Located<MetricsSourceConfig>>();
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Sequence(node, Section) is not { } seq)
        {
            return result;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = ConfigReadContext.Index(Section, i);
            if (ctx.Mapping(seq.Children[i], path) is { } map && ReadEntry(ctx, map, path, baseDirectory) is { } source)
            {
                result.Add(source);
            }
        }

        return result;
    }

    private static Located<MetricsSourceConfig>? ReadEntry(ConfigReadContext ctx, YamlMappingNode map, string path, string baseDirectory)
    {
        var line = ConfigReadContext.LineOf(map);
        var type = Discriminator(ctx, map, path, "type", Types);
        if (type is null)
        {
            return null;
        }

        var provider = Discriminator(ctx, map, path, "provider", type == "cost" ? CostProviders : LatencyProviders);
        if (provider is null)
        {
            return null;
        }

        var allowed = type == "cost" ? CostKeys : provider == "prometheus" ? PrometheusKeys : ObservedKeys;
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value, keyLine) in ctx.Entries(map, path, allowed))
        {
            values[key] = value;
            lines[key] = keyLine;
        }

        string P(string key) => ConfigReadContext.Child(path, key);
        TimeSpan? Span(string key) => values.TryGetValue(key, out var n) ? ctx.Duration(n, P(key)) : null;

        MetricsSourceConfig source;
        if (type == "cost")
        {
            CostCatalogReader.TryParseKind(provider, out var kind);
            var url = values.TryGetValue("url", out var u) ? CatalogUrl(ctx, u, P("url"), baseDirectory) : null;
            var aliases = values.TryGetValue("model_aliases", out var a) ? ReadAliases(ctx, a, P("model_aliases")) : new Dictionary<string, string>();
            source = new CostSourceConfig(kind, url, aliases, line) { RefreshInterval = Span("refresh_interval") };
        }
        else if (provider == "prometheus")
        {
            var url = ctx.RequiredString(values.GetValueOrDefault("url"), P("url"), line) is { } text ? HttpUrl(ctx, values["url"], P("url"), text) : null;
            var query = ctx.RequiredString(values.GetValueOrDefault("query"), P("query"), line);
            source = new LatencySourceConfig(LatencySourceKind.Prometheus, url, query, line) { RefreshInterval = Span("refresh_interval") };
        }
        else
        {
            source = new LatencySourceConfig(LatencySourceKind.Observed, null, null, line) { HalfLife = Span("half_life") };
        }

        return new Located<MetricsSourceConfig>(source, path, line, lines);
    }

    /// <summary>A required discriminator (<c>type</c>, <c>provider</c>) that must be one of <paramref name="allowed"/>.</summary>
    private static string? Discriminator(ConfigReadContext ctx, YamlMappingNode map, string path, string key, string[] allowed)
    {
        var p = ConfigReadContext.Child(path, key);
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node) || ConfigReadContext.IsNull(node))
        {
            ctx.Error(p, node ?? map, $"is required: one of {string.Join(", ", allowed)}");
            return null;
        }

        return ctx.Enum(node, p, allowed);
    }

    /// <summary>An http(s) or file:// URL, an absolute path, or a path relative to the config file's directory.</summary>
    private static Uri? CatalogUrl(ConfigReadContext ctx, YamlNode node, string path, string baseDirectory)
    {
        if (ctx.String(node, path) is not { Length: > 0 } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.IsFile)
            {
                return uri;
            }

            ctx.Error(path, node, $"'{Redaction.Url(text)}' must be an http:// or https:// URL, a file:// URL or a file path");
            return null;
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            ctx.Error(path, node, $"'{Redaction.Url(text)}' is not a valid URL");
            return null;
        }

        try
        {
            return new Uri(Path.GetFullPath(Path.Combine(baseDirectory, text)));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or UriFormatException)
        {
            ctx.Error(path, node, $"'{text}' is not a valid file path: {ex.Message}");
            return null;
        }
    }

    private static Uri? HttpUrl(ConfigReadContext ctx, YamlNode node, string path, string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        ctx.Error(path, node, $"'{Redaction.Url(text)}' must be an absolute http:// or https:// URL (the Prometheus server)");
        return null;
    }

    private static Dictionary<string, string> ReadAliases(ConfigReadContext ctx, YamlNode node, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, path) is not { } map)
        {
            return result;
        }

        foreach (var (key, value, line) in ctx.FreeEntries(map, path))
        {
            if (ctx.RequiredString(value, ConfigReadContext.Child(path, key), line) is { } target)
            {
                result[key] = target;
            }
        }

        return result;
    }
}
