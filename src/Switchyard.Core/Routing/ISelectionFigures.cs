using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing;

/// <summary>
/// The figures a selection policy ranks by (cost per million tokens, latency in seconds), from the configured
/// <c>model_metrics_sources</c>. Null when no source serves the policy.
/// </summary>
public interface ISelectionFigures
{
    FigureLookup? LookupFor(SelectionPolicy policy);
}

/// <summary>No metrics sources: every policy ranks without data (declared order).</summary>
public sealed class NoSelectionFigures : ISelectionFigures
{
    public static NoSelectionFigures Instance { get; } = new();

    public FigureLookup? LookupFor(SelectionPolicy policy) => null;
}
