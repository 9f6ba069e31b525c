using Switchyard.Core.Configuration;

namespace Switchyard.Cli;

/// <summary>
/// <c>switchyard migrate FILE [-o OUT]</c>: loads a config in any dialect Switchyard reads and writes it as a native
/// v0.4 config (to stdout, or to OUT). Diagnostics go to stderr; an invalid config writes nothing and exits 1.
/// </summary>
/// <remarks>
/// The config is loaded (and validated) with the process environment, like <c>validate</c>; a variable that is not
/// set is a warning, not an error, because migrate writes the reference back and never needs its value. Values that
/// were written as <c>$VAR</c> / <c>${VAR:-default}</c> are written as those references again; any the writer cannot
/// place are listed on stderr, because the output then holds their expanded value — possibly a secret.
/// </remarks>
internal static class MigrateCommand
{
    public const string Usage = "usage: switchyard migrate FILE [-o OUT]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? input = null;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-o" or "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case var a when a.StartsWith('-') || input is not null:
                    return UsageError(stderr, $"migrate: unexpected argument '{a}'");
                default:
                    input = args[i];
                    break;
            }
        }

        if (input is null)
        {
            return UsageError(stderr, Usage);
        }

        var result = ConfigLoader.LoadFile(input, unsetVariables: UnsetVariables.Warning);
        foreach (var d in result.Diagnostics)
        {
            stderr.WriteLine(d.ToString());
        }

        if (result.Config is null)
        {
            stderr.WriteLine($"{input}: invalid ({result.Errors.Count()} error(s)); nothing written");
            return 1;
        }

        var written = ConfigWriter.Write(result.Config, result.EnvReferences);
        foreach (var r in written.ExpandedReferences)
        {
            stderr.WriteLine($"{input}:{r.Line}: warning: {r.Path}: the environment reference '{r.Raw}' could not be written back; "
                + "the output holds its expanded value, or leaves the setting out where it equals the default (check for secrets)");
        }

        var text = $"# Switchyard config (v0.4), written by 'switchyard migrate' from {Path.GetFileName(input)}\n" + written.Yaml;
        if (output is null)
        {
            stdout.Write(text);
            return 0;
        }

        try
        {
            File.WriteAllText(output, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"switchyard: cannot write {output}: {ex.Message}");
            return 1;
        }

        stderr.WriteLine($"{input}: migrated to {output}");
        return 0;
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine("switchyard: " + message);
        stderr.WriteLine("Run 'switchyard --help' for usage.");
        return 2;
    }
}
