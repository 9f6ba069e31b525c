namespace Switchyard.Core.Routing.Selection;

/// <summary>The config spelling of <see cref="SelectionPolicy"/> (<c>selection_policy.prefer</c>).</summary>
public static class SelectionPolicyNames
{
    /// <summary>
    /// Parses <c>cheapest</c>, <c>fastest</c> or <c>none</c> (exact, lower case, as Plano spells them);
    /// false for anything else so the validator can report it.
    /// </summary>
    public static bool TryParse(string? value, out SelectionPolicy policy)
    {
        switch (value)
        {
            case "cheapest":
                policy = SelectionPolicy.Cheapest;
                return true;
            case "fastest":
                policy = SelectionPolicy.Fastest;
                return true;
            case "none":
                policy = SelectionPolicy.None;
                return true;
            default:
                policy = SelectionPolicy.None;
                return false;
        }
    }

    /// <summary>The config spelling of <paramref name="policy"/>.</summary>
    public static string ToConfigName(SelectionPolicy policy) => policy switch
    {
        SelectionPolicy.Cheapest => "cheapest",
        SelectionPolicy.Fastest => "fastest",
        _ => "none",
    };
}
