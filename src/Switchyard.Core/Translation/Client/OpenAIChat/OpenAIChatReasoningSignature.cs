using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.OpenAIResponses;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>
/// The chat extension field <c>reasoning_signature</c> (issue 11, item 3): on an assistant message (and as a stream
/// delta) it carries OpenAI's encrypted reasoning items, one <see cref="ResponsesReasoningSignature"/> per line, for
/// the client to send back unchanged on its next turn. Only OpenAI Responses reasoning is put there.
/// </summary>
internal static class OpenAIChatReasoningSignature
{
    public static ReadOnlySpan<byte> Field => "reasoning_signature"u8;

    public static void Append(ref StringBuilder? signatures, string? signature)
    {
        if (!ResponsesReasoningSignature.Is(signature))
        {
            return;
        }

        if (signatures is null)
        {
            signatures = new StringBuilder(signature);
        }
        else
        {
            signatures.Append('\n').Append(signature);
        }
    }

    /// <summary>The assistant's reasoning as thinking parts: the text on the first, one part per carried signature.</summary>
    public static void AddThinking(List<IrPart> parts, string reasoning, string? signatures)
    {
        if (string.IsNullOrEmpty(signatures))
        {
            parts.Add(new IrThinkingPart(reasoning));
            return;
        }

        var first = true;
        foreach (var signature in signatures.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            parts.Add(new IrThinkingPart(first ? reasoning : "") { Signature = signature });
            first = false;
        }
    }
}
