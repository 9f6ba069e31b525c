using System.Text.RegularExpressions;
using Switchyard.Core.Configuration.ModelList;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Loads a YAML config: parse, expand environment variables per scalar, read the dialect (Plano, or PLLM/LiteLLM when
/// the top level has <c>model_list</c>), validate. Every problem is returned as a diagnostic with its config path and
/// line; nothing expected throws.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>Reads and loads the file at <paramref name="path"/>; diagnostics name <paramref name="path"/> as their source.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="env">Environment variable lookup; null uses <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="unsetVariables">Whether a referenced variable that is not set is an error (the default) or a warning.</param>
    public static ConfigLoadResult LoadFile(string path, Func<string, string?>? env = null, UnsetVariables unsetVariables = UnsetVariables.Error)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(path, 0, $"cannot read config file: {ex.Message}");
        }

        return Parse(yaml, path, env, unsetVariables);
    }

    /// <summary>Loads config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">File name or description used as the source of every diagnostic.</param>
    /// <param name="env">Environment variable lookup; null uses <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="unsetVariables">Whether a referenced variable that is not set is an error (the default) or a warning.</param>
    public static ConfigLoadResult Parse(string yaml, string sourceName, Func<string, string?>? env = null, UnsetVariables unsetVariables = UnsetVariables.Error)
    {
        env ??= Environment.GetEnvironmentVariable;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            // Syntax errors and duplicate keys: nothing below is meaningful without a tree, so this is the only one.
            var line = ex.Start.Line > 0 ? ex.Start.Line : ex.End.Line;
            return Failed(sourceName, checked((int)line), "invalid YAML: " + StripLocation(ex.InnerException?.Message ?? ex.Message));
        }

        if (stream.Documents.Count == 0 || ConfigReadContext.IsNull(stream.Documents[0].RootNode))
        {
            return Failed(sourceName, 1, "the config is empty");
        }

        var ctx = new ConfigReadContext(sourceName, unsetVariables);
        if (stream.Documents.Count > 1)
        {
            ctx.Error("$", ConfigReadContext.LineOf(stream.Documents[1].RootNode), "a config file holds one YAML document; remove the '---' separator");
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode map)
        {
            ctx.Error("$", root, $"the config must be a mapping of sections, got {ConfigReadContext.KindName(root)}");
            return Result(ctx, null);
        }

        var nodeLines = new Dictionary<string, int>(StringComparer.Ordinal);
        ExpandEnvironment(ctx, map, "", env, nodeLines, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
        var config = ModelListConfigReader.Handles(map) ? ModelListConfigReader.Read(ctx, map, env) : PlanoConfigReader.Read(ctx, map, nodeLines, env);
        return Result(ctx, ctx.ErrorCount == 0 ? config : null);
    }

    private static ConfigLoadResult Result(ConfigReadContext ctx, GatewayConfig? config)
        => new(config, ctx.Diagnostics) { EnvReferences = ctx.EnvReferences, UnsetVariables = ctx.UnsetVariableNames };

    /// <summary>
    /// The value a scalar gets when a variable it references is not set: the text as written, so a key such as
    /// <c>access_key: $OPENAI_API_KEY</c> still counts as set (no second, misleading "no access_key"), and the writer
    /// puts the reference back; for URL keys a URL that still validates, so the model table can be built.
    /// </summary>
    internal static string Placeholder(string path, string raw, string partial, string firstUnset)
    {
        var key = path[(path.LastIndexOf('.') + 1)..];
        if (key is not ("base_url" or "url" or "api_base"))
        {
            return raw;
        }

        return Uri.TryCreate(partial, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? partial
            : $"http://unset-{firstUnset.Replace('_', '-').ToLowerInvariant()}.invalid";
    }

    // Walks value scalars only (never keys), so each expansion error carries the path and line of its own value.
    private static void ExpandEnvironment(ConfigReadContext ctx, YamlNode node, string path, Func<string, string?> env,
        Dictionary<string, int> lines, HashSet<YamlNode> seen)
    {
        lines.TryAdd(path, ConfigReadContext.LineOf(node));

        // An anchor reused through an alias is the same node: expanding it twice would turn "$$X" into "$X" and then X.
        if (!seen.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlScalarNode { Value: { } value } scalar when value.Contains('$', StringComparison.Ordinal):
                var errors = new List<string>();
                var unset = new List<string>();
                scalar.Value = EnvSubstitution.Expand(value, env, errors, unset);
                foreach (var error in errors)
                {
                    ctx.Error(path, node, error);
                }

                if (unset.Count > 0)
                {
                    scalar.Value = Placeholder(path, value, scalar.Value, unset[0]);
                    foreach (var name in unset.Distinct(StringComparer.Ordinal))
                    {
                        ctx.UnsetVariable(path, ConfigReadContext.LineOf(node), name);
                    }
                }

                ctx.RecordEnvReference(path, ConfigReadContext.LineOf(node), value, scalar.Value, unresolved: unset.Count > 0);
                break;
            case YamlMappingNode map:
                foreach (var (key, child) in map.Children)
                {
                    var name = key is YamlScalarNode { Value: { } k } ? k : "?";
                    ExpandEnvironment(ctx, child, ConfigReadContext.Child(path, name), env, lines, seen);
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    ExpandEnvironment(ctx, seq.Children[i], ConfigReadContext.Index(path, i), env, lines, seen);
                }

                break;
        }
    }

    private static ConfigLoadResult Failed(string source, int line, string message)
        => new(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, source, "$", line, message)]);

    private static string StripLocation(string message) => LocationPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
