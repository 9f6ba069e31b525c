namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>
/// An OpenAI reasoning item (its id and <c>encrypted_content</c>) carried through a client that has no reasoning
/// items (issue 11, item 3): as the signature of an Anthropic <c>thinking</c> block, or in the chat extension field
/// <c>reasoning_signature</c>. The client sends it back untouched; the Responses encoder turns it back into the
/// reasoning item, and every other upstream encoder drops it (no other vendor can verify it; it would be rejected).
/// Format: <c>openai-reasoning:</c> + item id + <c>:</c> + encrypted content.
/// </summary>
public static class ResponsesReasoningSignature
{
    public const string Prefix = "openai-reasoning:";

    public static bool Is(string? signature) => signature is not null && signature.StartsWith(Prefix, StringComparison.Ordinal);

    public static string? Wrap(string? itemId, string? encryptedContent)
        => string.IsNullOrEmpty(encryptedContent) ? null : Prefix + (itemId ?? "") + ":" + encryptedContent;

    public static bool TryUnwrap(string? signature, out string itemId, out string encryptedContent)
    {
        itemId = "";
        encryptedContent = "";
        if (!Is(signature))
        {
            return false;
        }

        var rest = signature.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon < 0 || colon == rest.Length - 1)
        {
            return false;
        }

        itemId = rest[..colon].ToString();
        encryptedContent = rest[(colon + 1)..].ToString();
        return true;
    }
}
