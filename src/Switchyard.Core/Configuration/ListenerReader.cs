using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Reads <c>listeners</c> in the list form (<c>[{name, type: model, port, ...}]</c>) or the legacy dict form
/// (<c>{egress_traffic: {...}}</c>). Only <c>type: model</c> listeners are served; others are reported and ignored.
/// </summary>
internal static class ListenerReader
{
    public const string DefaultName = "llm";
    public const string LegacyName = "egress_traffic";
    public const string DefaultAddress = "127.0.0.1";
    public const int DefaultPort = 12000;
    public static readonly TimeSpan DefaultTimeout = ListenerDefaults.FirstByteTimeout;
    public static readonly TimeSpan DefaultStreamIdleTimeout = ListenerDefaults.StreamIdleTimeout;

    private static readonly string[] TimeoutKeys = ["timeout", "first_byte_timeout", "connect_timeout", "request_timeout", "stream_idle_timeout", "max_event_bytes"];
    private static readonly string[] ListKeys = ["name", "type", "port", "address", "max_retries", .. TimeoutKeys];
    private static readonly string[] LegacyKeys = ["address", "port", "message_format", "max_retries", .. TimeoutKeys];
    private static readonly string[] ListenerTypes = ["model", "agent", "prompt"];
    private static readonly string[] LegacySections = [LegacyName, "ingress_traffic"];
    private static readonly string[] MessageFormats = ["openai"];

    /// <summary>The listener used when the config has none.</summary>
    public static ListenerConfig Default(string name = DefaultName, int line = 0) => new()
    {
        Name = name,
        Address = DefaultAddress,
        Port = DefaultPort,
        FirstByteTimeout = DefaultTimeout,
        StreamIdleTimeout = DefaultStreamIdleTimeout,
        MaxRetries = 0,
        Line = line,
    };

    public static List<Located<ListenerConfig>> Read(ConfigReadContext ctx, YamlNode? node, int keyLine)
    {
        var result = new List<Located<ListenerConfig>>();
        switch (node)
        {
            case null:
                break;
            case YamlSequenceNode seq:
                ReadList(ctx, seq, result);
                break;
            case YamlMappingNode map:
                ReadLegacy(ctx, map, result);
                break;
            default:
                if (!ConfigReadContext.IsNull(node))
                {
                    ctx.Error("listeners", node, $"must be a list of listeners (or the legacy egress_traffic mapping), got {ConfigReadContext.KindName(node)}");
                }

                break;
        }

        if (result.Count == 0)
        {
            if (node is not null && !ConfigReadContext.IsNull(node))
            {
                ctx.Warning("listeners", keyLine, $"no type: model listener; using the default {DefaultAddress}:{DefaultPort}");
            }

            result.Add(new Located<ListenerConfig>(Default(line: keyLine), "listeners", keyLine, new Dictionary<string, int>()));
        }

        return result;
    }

    private static void ReadList(ConfigReadContext ctx, YamlSequenceNode seq, List<Located<ListenerConfig>> result)
    {
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = ConfigReadContext.Index("listeners", i);
            if (ctx.Mapping(seq.Children[i], path) is not { } map)
            {
                continue;
            }

            var type = "model";
            if (map.Children.TryGetValue(new YamlScalarNode("type"), out var typeNode))
            {
                type = ctx.Enum(typeNode, ConfigReadContext.Child(path, "type"), ListenerTypes) ?? "";
            }

            if (type.Length == 0)
            {
                continue; // reported by Enum
            }

            if (type != "model")
            {
                ctx.Warning(ConfigReadContext.Child(path, "type"), typeNode ?? map,
                    $"listener of type '{type}' ignored: Switchyard serves only type: model listeners");
                continue;
            }

            result.Add(ReadFields(ctx, map, path, ListKeys, DefaultName));
        }
    }

    private static void ReadLegacy(ConfigReadContext ctx, YamlMappingNode map, List<Located<ListenerConfig>> result)
    {
        foreach (var (key, value, keyLine) in ctx.Entries(map, "listeners", LegacySections))
        {
            var path = ConfigReadContext.Child("listeners", key);
            if (key != LegacyName)
            {
                ctx.Warning(path, keyLine, $"'{key}' is ignored: Switchyard serves only model traffic (egress_traffic)");
                continue;
            }

            if (ctx.Mapping(value, path) is { } section)
            {
                var listener = ReadFields(ctx, section, path, LegacyKeys, LegacyName);
                result.Add(listener with { Value = listener.Value with { Line = keyLine }, Line = keyLine });
            }
        }
    }

    private static Located<ListenerConfig> ReadFields(ConfigReadContext ctx, YamlMappingNode map, string path, string[] allowed, string defaultName)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var listener = Default(defaultName, ConfigReadContext.LineOf(map));
        foreach (var (key, value, keyLine) in ctx.Entries(map, path, allowed))
        {
            lines[key] = keyLine;
            var p = ConfigReadContext.Child(path, key);
            switch (key)
            {
                case "name":
                    listener = listener with { Name = ctx.RequiredString(value, p, keyLine) ?? listener.Name };
                    break;
                case "type":
                    break; // already read
                case "address":
                    listener = listener with { Address = ctx.RequiredString(value, p, keyLine) ?? listener.Address };
                    break;
                case "port":
                    listener = listener with { Port = ctx.Int(value, p, 1, 65535) ?? listener.Port };
                    break;
                case "timeout" or "first_byte_timeout":
                    // Plano's `timeout` is the first-byte timeout (docs/configuration.md); one setting, one key.
                    if (lines.ContainsKey(key == "timeout" ? "first_byte_timeout" : "timeout"))
                    {
                        ctx.Error(p, keyLine, "timeout and first_byte_timeout are the same setting (Plano's timeout is the first-byte timeout); keep one");
                    }

                    listener = listener with { FirstByteTimeout = ctx.Duration(value, p) ?? listener.FirstByteTimeout };
                    break;
                case "connect_timeout":
                    listener = listener with { ConnectTimeout = ctx.Duration(value, p) ?? listener.ConnectTimeout };
                    break;
                case "request_timeout":
                    listener = listener with { RequestTimeout = ctx.Duration(value, p) ?? listener.RequestTimeout };
                    break;
                case "max_event_bytes":
                    listener = listener with { MaxEventBytes = ctx.Int(value, p, 1024, int.MaxValue) ?? listener.MaxEventBytes };
                    break;
                case "stream_idle_timeout":
                    listener = listener with { StreamIdleTimeout = ctx.Duration(value, p) ?? listener.StreamIdleTimeout };
                    break;
                case "max_retries":
                    listener = listener with { MaxRetries = ctx.Int(value, p, 0, 10) ?? listener.MaxRetries };
                    break;
                case "message_format":
                    listener = listener with { MessageFormat = ctx.Enum(value, p, MessageFormats) };
                    break;
            }
        }

        // Kept even when a field was wrong (the default stands in) so later rules still run and report.
        return new Located<ListenerConfig>(listener, path, listener.Line, lines);
    }
}
