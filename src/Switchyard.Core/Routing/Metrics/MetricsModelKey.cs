using Switchyard.Core.Catalog;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// What a metrics lookup knows about one candidate: the configured name it ranks under, and, when known, the
/// provider prefix and upstream model id behind it, so catalogs keyed by their own names can still match.
/// </summary>
/// <param name="Name">The gateway's configured model name (<see cref="ResolvedModel.CanonicalName"/>).</param>
/// <param name="Provider">The provider prefix (<c>openai</c>, <c>gemini</c>, …); null when unknown.</param>
/// <param name="ModelId">The model id sent upstream (<c>gpt-4o</c>); null when unknown.</param>
public readonly record struct MetricsModelKey(string Name, string? Provider, string? ModelId)
{
    /// <summary>The key of a resolved candidate: its canonical name, provider prefix and upstream model id.</summary>
    public static MetricsModelKey For(ResolvedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new MetricsModelKey(model.CanonicalName, model.Provider.Prefix, model.ModelId);
    }

    /// <summary>
    /// The key of a bare configured name: <c>provider/model</c> splits at the first <c>/</c> (the way model names
    /// are written in config); any other name carries no provider or model id.
    /// </summary>
    public static MetricsModelKey FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < name.Length - 1
            ? new MetricsModelKey(name, name[..slash], name[(slash + 1)..])
            : new MetricsModelKey(name, null, null);
    }
}
