namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// The Arch-Router contract: one user message holding the routes as a compact JSON array of <c>{name, description}</c>
/// and the conversation as a compact JSON array; the answer is <c>{"route": "name"}</c>, with <c>"other"</c> meaning
/// no route.
/// </summary>
internal sealed class ArchRouterPrompt : IRouterPrompt
{
    /// <summary>The answer Arch-Router gives when no route fits.</summary>
    public const string NoRouteName = "other";

    private const string Head =
        "You choose the single route that best fits the user's latest intent.\n" +
        "The routes are described inside <routes></routes>:\n" +
        "<routes>\n";

    private const string Middle = "\n</routes>\n\n<conversation>\n";

    private const string Tail =
        "\n</conversation>\n\n" +
        "Decide which route best matches the user's latest intent in the conversation inside <conversation></conversation>. Rules:\n" +
        "1. If the latest request fits no route, or has already been fulfilled, answer {\"route\": \"other\"}.\n" +
        "2. Compare the request with each route description and pick the closest match.\n" +
        "3. Answer with one route name, spelled exactly as in <routes></routes>.\n\n" +
        "Answer in this JSON form:\n" +
        "{\"route\": \"route_name\"}\n";

    public RouterPromptFormat Format => RouterPromptFormat.ArchRouter;

    public IReadOnlyList<RouterPromptMessage> BuildMessages(IReadOnlyList<RoutePreference> routes, IReadOnlyList<RouterTurn> conversation)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(conversation);
        var prompt = string.Concat(
            Head, RouterPromptJson.RouteArray(routes), Middle, RouterPromptJson.Conversation(conversation, indented: false), Tail);
        return [new RouterPromptMessage("user", prompt)];
    }

    public RouterDecision Parse(string? answer, IReadOnlyList<RoutePreference> routes) =>
        RouterAnswerReader.Decide(answer, routes, NoRouteName);
}
