using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Collects diagnostics while reading one file and offers typed, path-aware accessors over YAML nodes, so each
/// reader reports a wrong kind or value once, with its path and line, and keeps going.
/// </summary>
internal sealed class ConfigReadContext(string source, UnsetVariables unsetVariables = UnsetVariables.Error)
{
    private readonly List<ConfigDiagnostic> _diagnostics = [];
    private readonly List<string> _unsetNames = [];
    private HashSet<string>? _unresolvedPaths;

    public string Source { get; } = source;

    /// <summary>Whether an unset environment variable is an error (serve) or a warning (validate, migrate).</summary>
    public UnsetVariables UnsetVariables { get; } = unsetVariables;

    /// <summary>Names of the unset variables the config references, each once, in document order.</summary>
    public IReadOnlyList<string> UnsetVariableNames => _unsetNames;

    public IReadOnlyList<ConfigDiagnostic> Diagnostics => _diagnostics;

    public int ErrorCount { get; private set; }

    private readonly List<EnvReference> _envReferences = [];

    /// <summary>Values whose text changed when environment references were expanded, in document order.</summary>
    public IReadOnlyList<EnvReference> EnvReferences => _envReferences;

    /// <param name="unresolved">The value holds a placeholder for an unset variable: recorded even when it equals the raw text.</param>
    public void RecordEnvReference(string path, int line, string raw, string expanded, bool unresolved = false)
    {
        if (raw != expanded || unresolved)
        {
            _envReferences.Add(new EnvReference(path, line, raw, expanded));
        }
    }

    /// <summary>
    /// Moves recorded references to the paths a written native config uses (a dialect reader knows that
    /// <c>model_list[0].litellm_params.api_key</c> is written as <c>model_providers[0].access_key</c>); a null
    /// answer keeps the path.
    /// </summary>
    public void MapEnvReferencePaths(Func<string, string?> map)
    {
        for (var i = 0; i < _envReferences.Count; i++)
        {
            if (map(_envReferences[i].Path) is { } path)
            {
                _envReferences[i] = _envReferences[i] with { Path = path };
            }
        }
    }

    public static int LineOf(YamlNode node) => checked((int)node.Start.Line);

    public static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Index(string path, int index) => $"{path}[{index}]";

    public void Error(string path, int line, string message)
        => Add(new ConfigDiagnostic(DiagnosticSeverity.Error, Source, path, line, message));

    public void Error(string path, YamlNode node, string message) => Error(path, LineOf(node), message);

    public void Warning(string path, int line, string message)
        => Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, Source, path, line, message));

    public void Warning(string path, YamlNode node, string message) => Warning(path, LineOf(node), message);

    public void Add(ConfigDiagnostic diagnostic)
    {
        // A value built from an unset variable is a placeholder: what the rules say about it (not a URL, no key...)
        // would only bury the one real problem, which was already reported.
        if (_unresolvedPaths is not null && _unresolvedPaths.Contains(diagnostic.Path))
        {
            return;
        }

        _diagnostics.Add(diagnostic);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            ErrorCount++;
        }
    }

    /// <summary>
    /// Reports that the value at <paramref name="path"/> references the unset variable <paramref name="name"/>: an
    /// error, or under <see cref="UnsetVariables.Warning"/> a warning saying <c>serve</c> will refuse to start. The
    /// value then holds a placeholder, and later diagnostics about that path are dropped.
    /// </summary>
    public void UnsetVariable(string path, int line, string name, string? referencedAs = null)
    {
        var how = referencedAs is null ? "" : $" (referenced as '{referencedAs}')";
        var diagnostic = UnsetVariables == UnsetVariables.Error
            ? new ConfigDiagnostic(DiagnosticSeverity.Error, Source, path, line,
                $"environment variable '{name}' is not set{how} (use ${{{name}:-default}} to give a default)")
            : new ConfigDiagnostic(DiagnosticSeverity.Warning, Source, path, line,
                $"environment variable '{name}' is not set{how}: 'switchyard serve' will refuse to start until it is (use ${{{name}:-default}} to give a default)");
        Add(diagnostic);
        (_unresolvedPaths ??= new HashSet<string>(StringComparer.Ordinal)).Add(path);
        if (!_unsetNames.Contains(name))
        {
            _unsetNames.Add(name);
        }
    }

    /// <summary>True for an empty plain scalar, <c>~</c> or <c>null</c>: YAML's spellings of "no value".</summary>
    public static bool IsNull(YamlNode node)
        => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
           && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static string KindName(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "empty",
        _ => "a scalar",
    };

    public YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(path, node, $"must be a mapping (key: value), got {KindName(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string path)
    {
        if (node is YamlSequenceNode seq)
        {
            return seq;
        }

        Error(path, node, $"must be a list, got {KindName(node)}");
        return null;
    }

    /// <summary>
    /// The entries of <paramref name="map"/>; keys outside <paramref name="allowed"/> are reported as errors with a
    /// did-you-mean hint and skipped.
    /// </summary>
    public List<(string Key, YamlNode Value, int KeyLine)> Entries(YamlMappingNode map, string path, IReadOnlyCollection<string> allowed)
    {
        var result = new List<(string, YamlNode, int)>();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(path, keyNode, "keys must be plain strings");
                continue;
            }

            if (!allowed.Contains(key))
            {
                Error(Child(path, key), keyNode, $"unknown key '{key}'{KeySuggester.Hint(key, allowed)}");
                continue;
            }

            result.Add((key, value, LineOf(keyNode)));
        }

        return result;
    }

    /// <summary>All entries of a mapping whose keys are free-form (aliases, headers).</summary>
    public List<(string Key, YamlNode Value, int KeyLine)> FreeEntries(YamlMappingNode map, string path)
    {
        var result = new List<(string, YamlNode, int)>();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is YamlScalarNode { Value: { } key })
            {
                result.Add((key, value, LineOf(keyNode)));
            }
            else
            {
                Error(path, keyNode, "keys must be plain strings");
            }
        }

        return result;
    }

    /// <summary>A string value; null (without a diagnostic) for an empty value, null with an error for a list or mapping.</summary>
    public string? String(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(path, node, $"must be a string, got {KindName(node)}");
            return null;
        }

        return IsNull(node) ? null : scalar.Value;
    }

    public string? RequiredString(YamlNode? node, string path, int lineIfMissing)
    {
        if (node is null || IsNull(node))
        {
            Error(path, node is null ? lineIfMissing : LineOf(node), "is required");
            return null;
        }

        var value = String(node, path);
        if (value is { Length: 0 })
        {
            Error(path, node, "must not be empty");
            return null;
        }

        return value;
    }

    /// <summary>Only <c>true</c> and <c>false</c>: YAML 1.1's yes/no/on/off are errors, not silent booleans.</summary>
    public bool? Bool(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: "true" })
        {
            return true;
        }

        if (node is YamlScalarNode { Value: "false" })
        {
            return false;
        }

        Error(path, node, $"must be true or false, got {Describe(node)}");
        return null;
    }

    public int? Int(YamlNode node, string path, int min, int max)
    {
        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value < min || value > max)
            {
                Error(path, node, $"must be between {min} and {max}, got {value}");
                return null;
            }

            return value;
        }

        Error(path, node, $"must be an integer, got {Describe(node)}");
        return null;
    }

    /// <summary>A positive duration (<c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, bare seconds).</summary>
    public TimeSpan? Duration(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text } && DurationParser.TryParse(text, out var value))
        {
            if (value <= TimeSpan.Zero)
            {
                Error(path, node, $"must be greater than zero, got '{text}'");
                return null;
            }

            return value;
        }

        Error(path, node, $"must be a duration such as 500ms, 30s, 2m, 1h or a number of seconds, got {Describe(node)}");
        return null;
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string? Enum(YamlNode node, string path, IReadOnlyCollection<string> allowed)
    {
        var value = String(node, path);
        if (value is null)
        {
            if (node is YamlScalarNode)
            {
                Error(path, node, $"must be one of {string.Join(", ", allowed)}");
            }

            return null;
        }

        if (!allowed.Contains(value))
        {
            Error(path, node, $"'{value}' is not one of {string.Join(", ", allowed)}{KeySuggester.Hint(value, allowed)}");
            return null;
        }

        return value;
    }

    private static string Describe(YamlNode node)
        => node is YamlScalarNode s && !IsNull(node) ? $"'{s.Value}'" : KindName(node);
}
