using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>How access-log lines are written.</summary>
public enum AccessLogFormat { Json, Text }

/// <summary>
/// Top-level <c>access_log</c> (docs/observability.md, "Access log"): one line per request, on by default, JSON on
/// stdout. <c>path</c> writes a file instead, rotated by size.
/// </summary>
public sealed record AccessLogSettings
{
    public const int DefaultMaxSizeMb = 100;
    public const int DefaultMaxFiles = 5;

    public static AccessLogSettings Default { get; } = new();

    /// <summary><c>enabled</c>; default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>format</c>: <c>json</c> (default) or <c>text</c>.</summary>
    public AccessLogFormat Format { get; init; } = AccessLogFormat.Json;

    /// <summary><c>path</c>: a file to append to instead of stdout; null = stdout.</summary>
    public string? Path { get; init; }

    /// <summary><c>max_size_mb</c>: the file is rotated when a line would take it past this size; default 100.</summary>
    public int MaxSizeMb { get; init; } = DefaultMaxSizeMb;

    /// <summary><c>max_files</c>: rotated files kept (<c>FILE.1</c> … <c>FILE.N</c>, oldest dropped); default 5.</summary>
    public int MaxFiles { get; init; } = DefaultMaxFiles;

    public int Line { get; init; }

    /// <summary>True when every key has its default (nothing for <c>migrate</c> to write).</summary>
    public bool IsDefault => Enabled && Format == AccessLogFormat.Json && Path is null && MaxSizeMb == DefaultMaxSizeMb && MaxFiles == DefaultMaxFiles;
}

/// <summary>Reads <c>access_log: {enabled, format, path, max_size_mb, max_files}</c> (both dialects).</summary>
internal static class AccessLogReader
{
    public const string Section = "access_log";

    private static readonly string[] Keys = ["enabled", "format", "path", "max_size_mb", "max_files"];
    private static readonly string[] Formats = ["json", "text"];

    public static AccessLogSettings Read(ConfigReadContext ctx, YamlNode node, int keyLine)
    {
        var settings = new AccessLogSettings { Line = keyLine };
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return settings;
        }

        foreach (var (key, value, _) in ctx.Entries(map, Section, Keys))
        {
            var path = ConfigReadContext.Child(Section, key);
            settings = key switch
            {
                "enabled" => settings with { Enabled = ctx.Bool(value, path) ?? true },
                "format" => settings with { Format = ctx.Enum(value, path, Formats) == "text" ? AccessLogFormat.Text : AccessLogFormat.Json },
                "path" => settings with { Path = FilePath(ctx, value, path) },
                "max_size_mb" => settings with { MaxSizeMb = ctx.Int(value, path, 1, 1_000_000) ?? AccessLogSettings.DefaultMaxSizeMb },
                _ => settings with { MaxFiles = ctx.Int(value, path, 1, 1000) ?? AccessLogSettings.DefaultMaxFiles },
            };
        }

        if (settings.Path is null && map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value is "max_size_mb" or "max_files"))
        {
            ctx.Warning(Section, keyLine, "max_size_mb and max_files apply to a log file; without access_log.path the log goes to stdout and they have no effect");
        }

        return settings;
    }

    public static YamlMappingNode Write(ConfigYaml y, AccessLogSettings s)
    {
        var map = new YamlMappingNode();
        if (!s.Enabled)
        {
            map.Add("enabled", y.Bool(ConfigReadContext.Child(Section, "enabled"), false));
        }

        if (s.Format != AccessLogFormat.Json)
        {
            map.Add("format", y.Plain(ConfigReadContext.Child(Section, "format"), "text"));
        }

        if (s.Path is { } path)
        {
            map.Add("path", y.Str(ConfigReadContext.Child(Section, "path"), path));
        }

        if (s.MaxSizeMb != AccessLogSettings.DefaultMaxSizeMb)
        {
            map.Add("max_size_mb", y.Int(ConfigReadContext.Child(Section, "max_size_mb"), s.MaxSizeMb));
        }

        if (s.MaxFiles != AccessLogSettings.DefaultMaxFiles)
        {
            map.Add("max_files", y.Int(ConfigReadContext.Child(Section, "max_files"), s.MaxFiles));
        }

        return map;
    }

    private static string? FilePath(ConfigReadContext ctx, YamlNode value, string path)
    {
        var text = ctx.String(value, path);
        if (text is { Length: 0 } || (text is not null && text.Trim().Length != text.Length))
        {
            ctx.Error(path, value, "must be a file path without surrounding spaces");
            return null;
        }

        if (text is not null && Directory.Exists(text))
        {
            ctx.Error(path, value, $"'{text}' is a directory; give a file path (e.g. {System.IO.Path.Combine(text, "access.log")})");
            return null;
        }

        return text;
    }
}
