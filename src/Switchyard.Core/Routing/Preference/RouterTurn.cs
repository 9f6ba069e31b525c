using Switchyard.Core.Ir;

namespace Switchyard.Core.Routing.Preference;

/// <summary>One text-only turn of the conversation shown to the router model (user or assistant).</summary>
/// <param name="Role"><see cref="IrRole.User"/> or <see cref="IrRole.Assistant"/>.</param>
/// <param name="Text">The turn's text, possibly trimmed in the middle to fit the token budget.</param>
public sealed record RouterTurn(IrRole Role, string Text);
