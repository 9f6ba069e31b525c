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
    public static ConfigLoadResult LoadFile(string path, Func<string, string?>? env = null)
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

        return Parse(yaml, path, env);
    }

    /// <summary>Loads config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">File name or description used as the source of every diagnostic.</param>
    /// <param name="env">Environment variable lookup; null uses <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static ConfigLoadResult Parse(string yaml, string sourceName, Func<string, string?>? env = null)
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

        var ctx = new ConfigReadContext(sourceName);
        if (stream.Documents.Count > 1)
        {
            ctx.Error("$", ConfigReadContext.LineOf(stream.Documents[1].RootNode), "a config file holds one YAML document; remove the '---' separator");
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode map)
        {
            ctx.Error("$", root, $"the config must be a mapping of sections, got {ConfigReadContext.KindName(root)}");
            return new ConfigLoadResult(null, ctx.Diagnostics) { EnvReferences = ctx.EnvReferences };
        }

        var nodeLines = new Dictionary<string, int>(StringComparer.Ordinal);
        ExpandEnvironment(ctx, map, "", env, nodeLines, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
        var config = ModelListConfigReader.Handles(map) ? ModelListConfigReader.Read(ctx, map, env) : PlanoConfigReader.Read(ctx, map, nodeLines);
        return new ConfigLoadResult(ctx.ErrorCount == 0 ? config : null, ctx.Diagnostics) { EnvReferences = ctx.EnvReferences };
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
                scalar.Value = EnvSubstitution.Expand(value, env, errors);
                ctx.RecordEnvReference(path, ConfigReadContext.LineOf(node), value, scalar.Value);
                foreach (var error in errors)
                {
                    ctx.Error(path, node, error);
                }

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
