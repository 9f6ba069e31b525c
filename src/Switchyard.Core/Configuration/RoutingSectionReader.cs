using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads <c>routing</c> (session affinity, <c>route_on_user_only</c>) into <see cref="AffinitySettings"/>. Plano's older <c>model</c> and
/// <c>llm_provider</c> keys (the pre-v0.4 way to name the router model) are accepted with a warning and kept as JSON.
/// </summary>
internal static class RoutingSectionReader
{
    public const string Section = "routing";

    private static readonly string[] Keys = ["session_ttl_seconds", "session_max_entries", "session_cache", "route_on_user_only", "model", "llm_provider"];
    private static readonly string[] CacheKeys = ["type", "url", "tenant_header"];
    private static readonly string[] CacheTypes = ["memory", "redis"];

    public static (AffinitySettings Settings, JsonObject? Kept) Read(ConfigReadContext ctx, YamlNode? node, int keyLine)
    {
        var settings = new AffinitySettings { Line = keyLine };
        JsonObject? kept = null;
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return (settings, kept);
        }

        foreach (var (key, value, line) in ctx.Entries(map, Section, Keys))
        {
            var path = ConfigReadContext.Child(Section, key);
            switch (key)
            {
                case "session_ttl_seconds":
                    settings = ctx.Int(value, path, 1, int.MaxValue) is { } ttl ? settings with { SessionTtl = TimeSpan.FromSeconds(ttl) } : settings;
                    break;
                case "session_max_entries":
                    settings = settings with { MaxEntries = ctx.Int(value, path, 1, int.MaxValue) ?? settings.MaxEntries };
                    break;
                case "session_cache":
                    settings = ReadCache(ctx, value, path, settings);
                    break;
                case "route_on_user_only":
                    settings = settings with { RouteOnUserOnly = ctx.Bool(value, path) ?? false };
                    break;
                default:
                    if (ctx.String(value, path) is not null)
                    {
                        ctx.Warning(path, line,
                            $"routing.{key} is Plano's older way to name the router model and is not used by Switchyard; "
                            + "set overrides.llm_routing_model to a configured model instead (it is kept and ignored)");
                        kept ??= [];
                        kept[key] = YamlJson.Convert(value);
                    }

                    break;
            }
        }

        return (settings, kept);
    }

    private static AffinitySettings ReadCache(ConfigReadContext ctx, YamlNode node, string path, AffinitySettings settings)
    {
        if (ctx.Mapping(node, path) is not { } map)
        {
            return settings;
        }

        YamlNode? url = null;
        var typeFound = false;
        foreach (var (key, value, line) in ctx.Entries(map, path, CacheKeys))
        {
            var p = ConfigReadContext.Child(path, key);
            switch (key)
            {
                case "type":
                    typeFound = true;
                    settings = ctx.Enum(value, p, CacheTypes) switch
                    {
                        "redis" => settings with { CacheType = SessionCacheType.Redis },
                        _ => settings,
                    };
                    if (settings.CacheType == SessionCacheType.Redis)
                    {
                        // Say so rather than pretend: the config is valid and kept, the store is not shared yet.
                        ctx.Warning(p, value, "the Redis affinity backend is not in this build yet: pins are held in memory, per process (the Redis key layout plano:affinity:{tenant:}{id} is already used)");
                    }

                    break;
                case "url":
                    url = value;
                    break;
                case "tenant_header":
                    settings = settings with { TenantHeader = ReadHeaderName(ctx, value, p, line) };
                    break;
            }
        }

        if (!typeFound)
        {
            ctx.Error(ConfigReadContext.Child(path, "type"), map, $"is required: one of {string.Join(", ", CacheTypes)}");
        }

        var urlPath = ConfigReadContext.Child(path, "url");
        if (settings.CacheType == SessionCacheType.Redis)
        {
            var text = ctx.RequiredString(url, urlPath, ConfigReadContext.LineOf(map));
            if (text is not null && !IsRedisUrl(text))
            {
                ctx.Error(urlPath, url!, $"'{text}' must be a redis:// or rediss:// URL with a host, e.g. redis://localhost:6379");
            }

            return settings with { CacheUrl = text };
        }

        if (url is not null && ctx.String(url, urlPath) is { } ignored)
        {
            ctx.Warning(urlPath, url, $"url '{ignored}' is ignored: session_cache type is memory");
        }

        return settings;
    }

    private static string? ReadHeaderName(ConfigReadContext ctx, YamlNode node, string path, int line)
    {
        var name = ctx.RequiredString(node, path, line);
        if (name is not null && !name.All(IsTokenChar))
        {
            ctx.Error(path, node, $"'{name}' is not a valid HTTP header name");
            return null;
        }

        return name;
    }

    private static bool IsRedisUrl(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "redis" or "rediss" && uri.Host.Length > 0;

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c)
        => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
