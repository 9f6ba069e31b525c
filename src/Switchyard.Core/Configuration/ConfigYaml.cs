using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Builds YAML nodes for the config writer so that reading them back gives the same values: every string value has
/// its <c>$</c> doubled (the loader expands <c>$VAR</c> in values), strings a YAML reader could take for something
/// else (empty, <c>null</c>, <c>true</c>, numbers) are quoted, and recorded environment references are written back
/// in place of their expanded text where <see cref="EnvReferenceMap"/> can place them.
/// </summary>
internal sealed partial class ConfigYaml(EnvReferenceMap references)
{
    /// <summary>A string value at <paramref name="path"/>.</summary>
    public YamlScalarNode Str(string path, string value, IEnumerable<string>? alternatePaths = null)
    {
        var text = references.Take(path, value, alternatePaths) ?? value.Replace("$", "$$", StringComparison.Ordinal);
        return new YamlScalarNode(text) { Style = StyleFor(value) };
    }

    /// <summary>A free-form mapping key (alias, header, catalog key): never expanded by the loader, so never escaped.</summary>
    public static YamlScalarNode Key(string key) => new(key) { Style = StyleFor(key) };

    /// <summary>A number, boolean or other plain token at <paramref name="path"/> (which may have been written as a reference).</summary>
    public YamlScalarNode Plain(string path, string value, IEnumerable<string>? alternatePaths = null)
        => new(references.Take(path, value, alternatePaths) ?? value) { Style = ScalarStyle.Plain };

    public YamlScalarNode Int(string path, long value, IEnumerable<string>? alternatePaths = null)
        => Plain(path, value.ToString(CultureInfo.InvariantCulture), alternatePaths);

    public YamlScalarNode Bool(string path, bool value) => Plain(path, value ? "true" : "false");

    public YamlScalarNode Duration(string path, TimeSpan value, IEnumerable<string>? alternatePaths = null)
        => Plain(path, FormatDuration(value), alternatePaths);

    /// <summary>A flow list of strings (<c>[a, b]</c>).</summary>
    public YamlSequenceNode FlowList(string path, IEnumerable<string> items)
    {
        var seq = new YamlSequenceNode { Style = SequenceStyle.Flow };
        foreach (var item in items)
        {
            seq.Add(Str(ConfigReadContext.Index(path, seq.Children.Count), item));
        }

        return seq;
    }

    /// <summary>A kept JSON section (or leftover keys of one) as YAML, typed as YamlJson read it.</summary>
    public YamlNode Json(string path, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var map = new YamlMappingNode();
                foreach (var (key, value) in obj)
                {
                    map.Add(Key(key), Json(ConfigReadContext.Child(path, key), value));
                }

                map.Style = map.Children.Count == 0 ? MappingStyle.Flow : MappingStyle.Block;
                return map;
            case JsonArray array:
                var seq = new YamlSequenceNode();
                for (var i = 0; i < array.Count; i++)
                {
                    seq.Add(Json(ConfigReadContext.Index(path, i), array[i]));
                }

                seq.Style = seq.Children.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block;
                return seq;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return Str(path, value.GetValue<string>());
            case JsonValue value:
                return Plain(path, value.ToJsonString());
            default:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
        }
    }

    /// <summary>Durations as the shortest exact unit: <c>750ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        var ms = value.TotalMilliseconds;
        if (ms != Math.Floor(ms))
        {
            return value.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) + "s";
        }

        var whole = (long)ms;
        return whole switch
        {
            _ when whole % 3_600_000 == 0 => (whole / 3_600_000).ToString(CultureInfo.InvariantCulture) + "h",
            _ when whole % 60_000 == 0 => (whole / 60_000).ToString(CultureInfo.InvariantCulture) + "m",
            _ when whole % 1000 == 0 => (whole / 1000).ToString(CultureInfo.InvariantCulture) + "s",
            _ => whole.ToString(CultureInfo.InvariantCulture) + "ms",
        };
    }

    /// <summary>
    /// The YAML text of <paramref name="root"/> (a mapping of sections), one blank line between top-level sections,
    /// no line folding (a long description stays on one line).
    /// </summary>
    public static string Emit(YamlMappingNode root)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(2, int.MaxValue, false, 1024, false, true, "\n"));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        EmitNode(emitter, root);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());

        var topLevel = root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value + ":").ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder();
        var first = true;
        foreach (var line in text.ToString().Split('\n'))
        {
            // Only the emitted section keys start a line at column 0 (values and block scalars are indented).
            if (!first && topLevel.Contains(line.Split(' ', 2)[0]))
            {
                sb.Append('\n');
            }

            sb.Append(line).Append('\n');
            first = false;
        }

        return sb.ToString().TrimEnd('\n') + "\n";
    }

    private static void EmitNode(IEmitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                emitter.Emit(new Scalar(null, null, scalar.Value ?? "", scalar.Style, isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case YamlSequenceNode seq:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, seq.Style));
                foreach (var child in seq.Children)
                {
                    EmitNode(emitter, child);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case YamlMappingNode map:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, map.Style));
                foreach (var (key, value) in map.Children)
                {
                    EmitNode(emitter, key);
                    EmitNode(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
        }
    }

    // Plain unless a reader could take the text for null, a boolean or a number (YamlJson types plain scalars), or it
    // has surrounding blanks; the emitter itself switches to quotes when plain is impossible (': ', '#', leading '-').
    private static ScalarStyle StyleFor(string value)
        => value.Length == 0 || value.Trim().Length != value.Length || value.Contains('\n', StringComparison.Ordinal) || Ambiguous().IsMatch(value)
            ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Plain;

    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9_]+)([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|0[xob][0-9a-fA-F_]+)$")]
    private static partial Regex Ambiguous();
}
