namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>Anthropic-style ids for answers whose upstream gave none (or gave another vendor's).</summary>
internal static class AnthropicIds
{
    /// <summary>The upstream id when it has one (kept so logs correlate), a fresh <c>msg_…</c> otherwise.</summary>
    public static string MessageId(string? upstreamId)
        => string.IsNullOrEmpty(upstreamId) ? "msg_" + Guid.NewGuid().ToString("N") : upstreamId;

    public static string ToolUseId() => "toolu_" + Guid.NewGuid().ToString("N");
}
