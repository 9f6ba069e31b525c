using System.Security.Cryptography;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>Anthropic-style ids for answers whose upstream gave none (or gave another vendor's).</summary>
internal static class AnthropicIds
{
    // Anthropic's message ids are msg_01 + 22 base58 characters (msg_01XFDUDYJgAACzvnptvVoYEL).
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>
    /// An Anthropic id as is; another vendor's id as <c>msg_</c> + that id (stable, so the answer can be found in the
    /// provider's logs: <c>chatcmpl-abc</c> → <c>msg_chatcmpl-abc</c>); a fresh id of Anthropic's shape when there is none.
    /// </summary>
    public static string MessageId(string? upstreamId)
    {
        if (string.IsNullOrEmpty(upstreamId))
        {
            return NewMessageId();
        }

        return upstreamId.StartsWith("msg_", StringComparison.Ordinal) ? upstreamId : "msg_" + upstreamId;
    }

    public static string ToolUseId() => "toolu_" + Guid.NewGuid().ToString("N");

    private static string NewMessageId() => string.Create(28, 0, static (span, _) =>
    {
        "msg_01".AsSpan().CopyTo(span);
        RandomNumberGenerator.GetItems(Base58, span[6..]);
    });
}
