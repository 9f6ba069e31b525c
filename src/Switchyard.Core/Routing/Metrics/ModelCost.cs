namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// A model's list price. Every figure in Switchyard's cost types is USD per MILLION tokens, whatever unit the
/// source published (the DigitalOcean parser converts from its per-token values).
/// </summary>
/// <param name="InputPerMillion">USD per million input tokens.</param>
/// <param name="OutputPerMillion">USD per million output tokens.</param>
public readonly record struct ModelCost(double InputPerMillion, double OutputPerMillion)
{
    /// <summary>Input + output, USD per million tokens: the figure the cheapest policy ranks by.</summary>
    public double TotalPerMillion => InputPerMillion + OutputPerMillion;
}
