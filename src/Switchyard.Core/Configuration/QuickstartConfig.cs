using System.Text;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Configuration;

/// <summary>
/// The built-in config used when <c>serve</c> gets no <c>--config</c>: the mock provider, plus — like a zero-config
/// mode — <c>provider/*</c> for every provider whose API key variable is set and whose host needs no base_url.
/// </summary>
public static class QuickstartConfig
{
    public const string SourceName = "quickstart";

    /// <summary>The embedded base YAML (also shipped as <c>examples/quickstart.yaml</c>).</summary>
    public static string BaseYaml { get; } = ReadEmbedded();

    /// <summary>The quickstart YAML with one wildcard entry per provider key found in the environment.</summary>
    public static string Build(Func<string, string?> env)
    {
        var sb = new StringBuilder(BaseYaml);
        var marker = BaseYaml.IndexOf("\nmodel_aliases:", StringComparison.Ordinal);
        var extra = new StringBuilder();
        foreach (var provider in ProviderCatalog.Known)
        {
            var variable = provider.ApiKeyEnvironmentVariable;
            if (variable is null || provider.RequiresBaseUrl || string.IsNullOrEmpty(env(variable)))
            {
                continue;
            }

            extra.Append("  - model: ").Append(provider.Prefix).Append("/*\n")
                 .Append("    access_key: ${").Append(variable).Append("}\n");
        }

        if (extra.Length > 0)
        {
            sb.Insert(marker < 0 ? sb.Length : marker, "\n" + extra.ToString().TrimEnd('\n'));
        }

        return sb.ToString();
    }

    /// <summary>Providers the quickstart would enable for this environment (for the start-up log).</summary>
    public static IEnumerable<string> DetectedProviders(Func<string, string?> env)
        => ProviderCatalog.Known
            .Where(p => p.ApiKeyEnvironmentVariable is { } v && !p.RequiresBaseUrl && !string.IsNullOrEmpty(env(v)))
            .Select(p => p.Prefix);

    private static string ReadEmbedded()
    {
        using var stream = typeof(QuickstartConfig).Assembly.GetManifestResourceStream("Switchyard.Core.Configuration.quickstart.yaml")
            ?? throw new InvalidOperationException("quickstart.yaml is not embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
