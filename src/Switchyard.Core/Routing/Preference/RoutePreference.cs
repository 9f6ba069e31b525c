namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// One route the router model may choose: a name and a plain-language description of the traffic it serves.
/// Routes are always handed over in config order, because the order shows up in the prompt and the prompt must be
/// byte-for-byte deterministic (cacheable upstream, testable here).
/// </summary>
/// <param name="Name">The route name the router answers with (case-sensitive).</param>
/// <param name="Description">What kind of request belongs on this route.</param>
public sealed record RoutePreference(string Name, string Description);
