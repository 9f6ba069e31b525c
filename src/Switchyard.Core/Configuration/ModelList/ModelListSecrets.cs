using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// Reads string values that may be LiteLLM secret references (<c>os.environ/NAME</c>): from the file's
/// <c>environment_variables</c> first (LiteLLM copies them into the environment before reading the config), else from
/// the process environment. A process-environment value is recorded as the reference <c>${NAME}</c>, so
/// <c>switchyard migrate</c> writes the reference, not the secret.
/// </summary>
internal sealed class ModelListSecrets(Func<string, string?> environment, IReadOnlyDictionary<string, string> fromConfig)
{
    /// <summary>The LiteLLM spelling of "read this secret from the environment".</summary>
    public const string Prefix = "os.environ/";

    /// <summary>A variable's value: the file's <c>environment_variables</c> first, then the environment; null when unset.</summary>
    public string? Lookup(string name) => fromConfig.TryGetValue(name, out var configured) ? configured : environment(name);

    /// <summary>True when <paramref name="name"/> is set in the file's <c>environment_variables</c> (not a secret of the environment).</summary>
    public bool InFile(string name) => fromConfig.ContainsKey(name);

    /// <summary>A string value, with <c>os.environ/NAME</c> resolved (an error naming path and line when unset).</summary>
    public string? Read(ConfigReadContext ctx, YamlNode node, string path)
    {
        var value = ctx.String(node, path);
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return value;
        }

        var name = value[Prefix.Length..];
        if (fromConfig.TryGetValue(name, out var configured))
        {
            return configured;
        }

        var resolved = name.Length == 0 ? null : environment(name);
        if (resolved is null && name.Length > 0)
        {
            // Like $VAR in the Plano dialect: an error for serve, a warning (and a placeholder) for validate/migrate.
            ctx.UnsetVariable(path, ConfigReadContext.LineOf(node), name, value);
            var placeholder = ConfigLoader.Placeholder(path, value, "", name);
            ctx.RecordEnvReference(path, ConfigReadContext.LineOf(node), "${" + name + "}", placeholder, unresolved: true);
            return placeholder;
        }

        if (resolved is null)
        {
            ctx.Error(path, node, $"'{value}' names no environment variable");
            return null;
        }

        ctx.RecordEnvReference(path, ConfigReadContext.LineOf(node), "${" + name + "}", resolved);
        return resolved;
    }
}
