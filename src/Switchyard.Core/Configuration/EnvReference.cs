namespace Switchyard.Core.Configuration;

/// <summary>
/// A config value that was written with environment references (<c>$VAR</c>, <c>${VAR:-default}</c>, <c>$$</c>), as
/// written and as expanded at load. The config writer uses these to write the references back instead of the
/// expanded values (secrets), where it can place them with certainty.
/// </summary>
/// <param name="Path">Config path of the value as written (e.g. <c>model_providers[0].access_key</c>).</param>
/// <param name="Line">1-based line of the value.</param>
/// <param name="Raw">The text as written, references included.</param>
/// <param name="Expanded">The text after expansion.</param>
public sealed record EnvReference(string Path, int Line, string Raw, string Expanded)
{
    // The expanded text is usually a secret (that is why it was written as a reference).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Member(nameof(Path), Path, first: true).Member(nameof(Line), Line).Member(nameof(Raw), Raw)
            .Member(nameof(Expanded), Redaction.Secret(Expanded));
        return true;
    }
}
