namespace Switchyard.Core.Configuration;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>How a load treats a referenced environment variable that is not set.</summary>
public enum UnsetVariables
{
    /// <summary>An error: the config is rejected (<c>serve</c>, <c>route</c>, reloads).</summary>
    Error,

    /// <summary>
    /// A warning saying <c>serve</c> will refuse to start; the value gets a placeholder and the rest is validated
    /// (<c>validate</c> without <c>--strict</c>, <c>models</c>, <c>migrate</c>, which never need the secrets).
    /// </summary>
    Warning,
}

/// <summary>One config problem, naming its config path (e.g. <c>model_providers[2].base_url</c>) and line.</summary>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string Source, string Path, int Line, string Message)
{
    public override string ToString()
        => $"{Source}:{Line}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Path}: {Message}";
}

/// <summary>Outcome of loading a config: a config when there are no errors, and every diagnostic found.</summary>
public sealed record ConfigLoadResult(GatewayConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    /// <summary>Values written with environment references, as written and as expanded (for <c>switchyard migrate</c>).</summary>
    public IReadOnlyList<EnvReference> EnvReferences { get; init; } = [];

    /// <summary>Environment variables the config references that are not set (each once).</summary>
    public IReadOnlyList<string> UnsetVariables { get; init; } = [];

    public bool Success => Config is not null;
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);
}
