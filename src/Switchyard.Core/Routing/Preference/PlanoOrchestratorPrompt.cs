using System.Text;

namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// The Plano-Orchestrator contract: one user message holding the routes (one JSON object per line, each with an
/// empty <c>parameters</c> schema, as the model was trained to see them), the conversation as an indented JSON array,
/// and the answer <c>{"route": ["name", ...]}</c> where the first configured name wins and an empty list means none.
/// </summary>
internal sealed class PlanoOrchestratorPrompt : IRouterPrompt
{
    private const string Head =
        "You pick the routes that can best serve the user's latest request.\n" +
        "The available routes are listed inside <routes></routes>, one JSON object per line:\n" +
        "<routes>\n";

    private const string Middle =
        "\n</routes>\n\n" +
        "The conversation so far is inside <conversation></conversation>, oldest turn first:\n" +
        "<conversation>\n";

    private const string Tail =
        "\n</conversation>\n\n" +
        "## Instructions\n" +
        "1. Work out what the user wants in their latest message, using earlier turns only as context.\n" +
        "2. Pick the routes whose descriptions fit that request, best fit first.\n" +
        "3. Use route names exactly as they appear in <routes>.\n" +
        "4. If no route fits, or the request has already been answered, pick none.\n\n" +
        "## Answer format\n" +
        "Answer with JSON only, in this form:\n" +
        "{\"route\": [\"route_name_1\", \"route_name_2\"]}\n" +
        "Use an empty list when no route fits: {\"route\": []}\n";

    public RouterPromptFormat Format => RouterPromptFormat.PlanoOrchestrator;

    public IReadOnlyList<RouterPromptMessage> BuildMessages(IReadOnlyList<RoutePreference> routes, IReadOnlyList<RouterTurn> conversation)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(conversation);
        var prompt = new StringBuilder(Head);
        for (var i = 0; i < routes.Count; i++)
        {
            if (i > 0) prompt.Append('\n');
            // Spaced separators (", " and ": ") match the Python-style JSON the model was trained on.
            prompt.Append("{\"name\": ").Append(RouterPromptJson.Quote(routes[i].Name))
                .Append(", \"description\": ").Append(RouterPromptJson.Quote(routes[i].Description))
                .Append(", \"parameters\": {\"type\": \"object\", \"properties\": {}}}");
        }
        prompt.Append(Middle).Append(RouterPromptJson.Conversation(conversation, indented: true)).Append(Tail);
        return [new RouterPromptMessage("user", prompt.ToString())];
    }

    public RouterDecision Parse(string? answer, IReadOnlyList<RoutePreference> routes) =>
        RouterAnswerReader.Decide(answer, routes, noneWord: null);
}
