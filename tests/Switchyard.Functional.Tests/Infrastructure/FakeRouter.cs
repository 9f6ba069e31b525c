using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>
/// A router model on a fake OpenAI-compatible server (as Ollama or vLLM would serve Arch-Router or
/// Plano-Orchestrator). The answer envelope is a recorded Ollama chat completion; only the message content — the
/// router's answer — is replaced, chosen by keyword from the newest user turn of the conversation it was shown.
/// </summary>
internal static class FakeRouter
{
    private const string Envelope = "ollama/pydai__test_ollama_local_native_output_uses_json_schema.0.json";

    /// <summary>An OpenAI chat completion (recorded envelope) whose content is <paramref name="content"/>.</summary>
    public static UpstreamHandler Answer(string content) => Reply.Json(200, Completion(content));

    /// <summary>
    /// Answers by keyword: the first (keyword, answer) pair whose keyword occurs in the router prompt's conversation
    /// wins; <paramref name="otherwise"/> when none does.
    /// </summary>
    public static UpstreamHandler ByKeyword(string otherwise, params (string Keyword, string Answer)[] rules)
        => (context, request) =>
        {
            var conversation = Section(LastUserMessage(request.Body), "conversation");
            foreach (var (keyword, answer) in rules)
            {
                if (conversation.Contains(keyword, StringComparison.OrdinalIgnoreCase))
                {
                    return Reply.Json(200, Completion(answer))(context, request);
                }
            }

            return Reply.Json(200, Completion(otherwise))(context, request);
        };

    public static string Completion(string content)
    {
        var doc = JsonNode.Parse(Fixtures.Bytes(Envelope))!;
        doc["choices"]![0]!["message"]!["content"] = content;
        doc["choices"]![0]!["message"]!.AsObject().Remove("reasoning");
        return doc.ToJsonString();
    }

    /// <summary>Answers <paramref name="answer"/> when the prompt's route list mentions <paramref name="routeName"/>, else <paramref name="otherwise"/>.</summary>
    public static UpstreamHandler WhenRouteListed(string routeName, string answer, string otherwise)
        => (context, request) =>
        {
            var routes = Section(LastUserMessage(request.Body), "routes");
            var listed = routes.Contains(JsonSerializer.Serialize(routeName), StringComparison.Ordinal);
            return Reply.Json(200, Completion(listed ? answer : otherwise))(context, request);
        };

    /// <summary>The text inside <c>&lt;tag&gt;…&lt;/tag&gt;</c> of a router prompt (both formats mark their parts so), or all of it.</summary>
    public static string Section(string prompt, string tag)
    {
        // The instructions also mention "<tag></tag>" inline; the section itself opens and closes on its own lines.
        var open = prompt.IndexOf("<" + tag + ">\n", StringComparison.Ordinal);
        var close = open < 0 ? -1 : prompt.IndexOf("\n</" + tag + ">", open, StringComparison.Ordinal);
        return close > open ? prompt[(open + tag.Length + 3)..close] : prompt;
    }

    /// <summary>The router request's last message content (the prompt holding the conversation).</summary>
    public static string LastUserMessage(byte[] routerRequest)
    {
        using var doc = JsonDocument.Parse(routerRequest);
        var messages = doc.RootElement.GetProperty("messages");
        return messages[messages.GetArrayLength() - 1].GetProperty("content").GetString() ?? "";
    }
}
