using System.Text;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// Reduces a client conversation to what the router model needs to classify intent: user and assistant text only,
/// the most recent turns, within a token budget. Pure and deterministic.
/// </summary>
public static class RouterConversation
{
    /// <summary>At most this many turns (messages) are shown to the router; older ones are noise for intent.</summary>
    public const int MaxTurns = 16;

    /// <summary>The default budget, matching <c>overrides.orchestrator_model_context_length</c>.</summary>
    public const int DefaultTokenBudget = 8192;

    /// <summary>Characters per token for the estimate; a tokenizer on the hot path would cost more than it saves.</summary>
    public const int CharsPerToken = 4;

    /// <summary>Put between the head and tail of a message trimmed in the middle.</summary>
    public const string TrimMarker = " ... ";

    /// <summary>
    /// Builds the router's view of <paramref name="messages"/>: drops system, developer and tool roles and every part
    /// that is not text (tool calls and results, images, thinking); drops turns left without text; keeps the last
    /// <see cref="MaxTurns"/>; then drops oldest turns until the estimate fits <paramref name="tokenBudget"/>. When the
    /// newest turn alone is over budget it is trimmed in the middle instead, so the router still sees the intent.
    /// </summary>
    public static IReadOnlyList<RouterTurn> Build(IReadOnlyList<IrMessage> messages, int tokenBudget = DefaultTokenBudget)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenBudget, 1);

        var turns = new List<RouterTurn>();
        foreach (var message in messages)
        {
            if (message.Role != IrRole.User && message.Role != IrRole.Assistant) continue;
            var text = TextOf(message);
            if (string.IsNullOrWhiteSpace(text)) continue;
            turns.Add(new RouterTurn(message.Role, text));
        }
        if (turns.Count > MaxTurns) turns.RemoveRange(0, turns.Count - MaxTurns);

        // Walk newest to oldest so the budget is spent on the most recent context first.
        var used = 0;
        var keepFrom = turns.Count;
        for (var i = turns.Count - 1; i >= 0; i--)
        {
            var cost = EstimateTokens(turns[i].Text);
            if (used + cost > tokenBudget)
            {
                if (i == turns.Count - 1)
                {
                    // Users often frame the task first and put the actual ask after a long paste, so a middle cut
                    // keeps more intent than cutting the tail.
                    turns[i] = turns[i] with { Text = TrimMiddle(turns[i].Text, tokenBudget * CharsPerToken) };
                    keepFrom = i;
                }
                break;
            }
            used += cost;
            keepFrom = i;
        }
        return turns.GetRange(keepFrom, turns.Count - keepFrom);
    }

    /// <summary>The token estimate used for the budget: characters divided by <see cref="CharsPerToken"/>, rounded up.</summary>
    public static int EstimateTokens(string text) => (text.Length + CharsPerToken - 1) / CharsPerToken;

    /// <summary>
    /// Shortens <paramref name="text"/> to at most <paramref name="maxChars"/> characters by keeping its head and tail
    /// joined by <see cref="TrimMarker"/> (the head gets the odd character). Never splits a surrogate pair. When there is
    /// no room for the marker, only the head is kept.
    /// </summary>
    public static string TrimMiddle(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxChars) return text;
        if (maxChars <= TrimMarker.Length) return text[..SafeEnd(text, Math.Max(0, maxChars))];

        var available = maxChars - TrimMarker.Length;
        var headEnd = SafeEnd(text, (available + 1) / 2);
        var tailStart = text.Length - (available - (available + 1) / 2);
        // A tail starting on a low surrogate would orphan it; move right, which only shortens the result.
        if (tailStart < text.Length && char.IsLowSurrogate(text[tailStart])) tailStart++;
        return string.Concat(text.AsSpan(0, headEnd), TrimMarker, text.AsSpan(tailStart));
    }

    private static int SafeEnd(string text, int end) =>
        end > 0 && end < text.Length && char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;

    private static string TextOf(IrMessage message)
    {
        string? single = null;
        StringBuilder? many = null;
        foreach (var part in message.Parts)
        {
            if (part is not IrTextPart { Text: { Length: > 0 } text }) continue;
            if (single is null) { single = text; continue; }
            // Several text blocks are one message to the reader; a newline keeps their boundary visible.
            many ??= new StringBuilder(single);
            many.Append('\n').Append(text);
        }
        return many?.ToString() ?? single ?? "";
    }
}
