using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>
/// Writes the IR conversation as Anthropic <c>messages</c>: user and tool turns become <c>user</c> turns, consecutive
/// turns of one role are merged (Anthropic requires alternation), and in a user turn the tool_result blocks come first
/// (Anthropic requires them before any other content, so the results of one assistant turn share one user message).
/// System/developer turns are not written here: they join the system prompt.
/// </summary>
internal static class AnthropicTurnWriter
{
    public static bool IsSystemRole(IrRole role) => role == IrRole.System || role == IrRole.Developer;

    public static void WriteMessages(Utf8JsonWriter w, IReadOnlyList<IrMessage> messages)
    {
        w.WriteStartArray("messages"u8);
        var turn = new List<IrPart>();
        string? turnRole = null;
        foreach (var message in messages)
        {
            if (IsSystemRole(message.Role))
            {
                continue;
            }

            var role = message.Role == IrRole.Assistant ? "assistant" : "user";
            var first = true;
            foreach (var part in message.Parts)
            {
                if (!HasAnthropicForm(part))
                {
                    continue;
                }

                if (first && turnRole != role)
                {
                    Flush(w, turnRole, turn);
                    turnRole = role;
                }

                first = false;
                turn.Add(part);
            }
        }

        Flush(w, turnRole, turn);
        w.WriteEndArray();
    }

    /// <summary>
    /// Whether the part produces a block, decided before writing so that a turn left with nothing (an empty text, a
    /// thinking block Anthropic cannot verify) is skipped instead of breaking alternation with an empty message.
    /// </summary>
    private static bool HasAnthropicForm(IrPart part) => part switch
    {
        IrTextPart text => text.Text.Length > 0,
        IrThinkingPart thinking => !string.IsNullOrEmpty(thinking.Signature) && !OpenAIResponses.ResponsesReasoningSignature.Is(thinking.Signature),
        IrUnknownPart unknown => unknown.Protocol == AnthropicBlockReader.Protocol,
        _ => true,
    };

    private static void Flush(Utf8JsonWriter w, string? role, List<IrPart> parts)
    {
        if (role is null || parts.Count == 0)
        {
            return;
        }

        w.WriteStartObject();
        w.WriteString("role"u8, role);
        w.WriteStartArray("content"u8);
        if (role == "user")
        {
            foreach (var part in parts)
            {
                if (part is IrToolResultPart)
                {
                    AnthropicBlockWriter.TryWrite(w, part, forRequest: true);
                }
            }
        }

        foreach (var part in parts)
        {
            if (role != "user" || part is not IrToolResultPart)
            {
                AnthropicBlockWriter.TryWrite(w, part, forRequest: true);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
        parts.Clear();
    }
}
