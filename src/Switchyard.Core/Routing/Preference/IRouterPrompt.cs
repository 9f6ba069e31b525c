namespace Switchyard.Core.Routing.Preference;

/// <summary>One chat message of the request sent to the router model.</summary>
/// <param name="Role">The OpenAI chat role (<c>system</c> or <c>user</c>).</param>
/// <param name="Content">The message text.</param>
public sealed record RouterPromptMessage(string Role, string Content);

/// <summary>
/// A router prompt format: builds the messages asking the router model to pick a route, and reads its answer.
/// Implementations are pure and deterministic: the same routes and conversation give the same bytes.
/// </summary>
public interface IRouterPrompt
{
    /// <summary>Which contract this is.</summary>
    RouterPromptFormat Format { get; }

    /// <summary>The messages for the router request: routes in the given (config) order, then the conversation.</summary>
    IReadOnlyList<RouterPromptMessage> BuildMessages(IReadOnlyList<RoutePreference> routes, IReadOnlyList<RouterTurn> conversation);

    /// <summary>Reads the router's answer. Never throws for bad answers: garbage becomes a failed decision.</summary>
    RouterDecision Parse(string? answer, IReadOnlyList<RoutePreference> routes);
}

/// <summary>The built-in router prompt formats.</summary>
public static class RouterPrompts
{
    /// <summary>The Plano-Orchestrator format.</summary>
    public static IRouterPrompt PlanoOrchestrator { get; } = new PlanoOrchestratorPrompt();

    /// <summary>The Arch-Router format.</summary>
    public static IRouterPrompt ArchRouter { get; } = new ArchRouterPrompt();

    /// <summary>The prompt for <paramref name="format"/>.</summary>
    public static IRouterPrompt For(RouterPromptFormat format) => format switch
    {
        RouterPromptFormat.PlanoOrchestrator => PlanoOrchestrator,
        RouterPromptFormat.ArchRouter => ArchRouter,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown router prompt format"),
    };
}
