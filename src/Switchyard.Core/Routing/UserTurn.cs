using System.Text;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Routing;

/// <summary>
/// Whether a request opens a new user turn (<c>routing.route_on_user_only</c>, as in Plano): only then is the router
/// asked. Tool results, assistant output, and user text that is empty or only harness envelopes (Claude Code's
/// <c>&lt;system-reminder&gt;</c> and <c>&lt;user-prompt-submit-hook&gt;</c>, injected next to tool results) are an
/// agent's loop continuing, which should stay on the model — and the prompt cache — it started on.
/// </summary>
public static class UserTurn
{
    // Written by the harness, not typed by the user.
    private static readonly (string Open, string Close)[] Envelopes =
    [
        ("<system-reminder>", "</system-reminder>"),
        ("<user-prompt-submit-hook>", "</user-prompt-submit-hook>"),
    ];

    /// <summary>
    /// True when the last message is a user message carrying an attachment or text that survives stripping the
    /// harness envelopes. False for an empty conversation.
    /// </summary>
    public static bool IsUserTurn(IReadOnlyList<IrMessage> messages)
    {
        if (messages.Count == 0 || messages[^1] is not { } last || last.Role != IrRole.User)
        {
            return false;
        }

        var text = new StringBuilder();
        foreach (var part in last.Parts)
        {
            switch (part)
            {
                case IrTextPart t:
                    text.Append(t.Text).Append('\n');
                    break;
                case IrToolResultPart or IrThinkingPart or IrRedactedThinkingPart:
                    break;
                default:
                    return true; // an image (or another attachment) is the user speaking, even without a caption
            }
        }

        return !string.IsNullOrWhiteSpace(StripEnvelopes(text.ToString()));
    }

    /// <summary>Removes every envelope span; an unterminated one swallows the rest (a truncated envelope is still harness output).</summary>
    internal static string StripEnvelopes(string text)
    {
        foreach (var (open, close) in Envelopes)
        {
            int start;
            while ((start = text.IndexOf(open, StringComparison.Ordinal)) >= 0)
            {
                var end = text.IndexOf(close, start + open.Length, StringComparison.Ordinal);
                text = end < 0 ? text[..start] : string.Concat(text.AsSpan(0, start), text.AsSpan(end + close.Length));
            }
        }

        return text;
    }

    /// <summary>What the last turn is, for explanations ("a tool result", "assistant output", ...).</summary>
    public static string Describe(IReadOnlyList<IrMessage> messages)
    {
        if (messages.Count == 0)
        {
            return "the conversation is empty";
        }

        var last = messages[^1];
        if (last.Role == IrRole.Tool || last.Parts.Count > 0 && last.Parts.All(p => p is IrToolResultPart))
        {
            return "the last turn is a tool result";
        }

        if (last.Role == IrRole.User)
        {
            return "the last user turn holds no user text (empty, or only <system-reminder>-style envelopes)";
        }

        return $"the last turn is {last.Role} output";
    }
}
