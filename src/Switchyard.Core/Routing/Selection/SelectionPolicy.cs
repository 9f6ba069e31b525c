namespace Switchyard.Core.Routing.Selection;

/// <summary>
/// How a route's candidate models are reordered before dispatch (<c>selection_policy.prefer</c>).
/// </summary>
public enum SelectionPolicy
{
    /// <summary>Keep the declared order.</summary>
    None,

    /// <summary>Ascending input+output price (USD per million tokens) from a cost source.</summary>
    Cheapest,

    /// <summary>Ascending latency (seconds) from a latency source.</summary>
    Fastest,
}
