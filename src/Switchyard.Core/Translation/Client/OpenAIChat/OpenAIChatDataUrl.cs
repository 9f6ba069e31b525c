namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>
/// OpenAI carries inline images as <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c> URLs; the IR keeps data and
/// media type apart so protocols with separate fields (Anthropic, Gemini, Bedrock) need no parsing.
/// </summary>
internal static class OpenAIChatDataUrl
{
    public static bool IsDataUrl(string url) => url.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits a base64 data URL; false for one that is not base64-encoded (those carry no image in practice).</summary>
    public static bool TrySplit(string url, out string mediaType, out string base64)
    {
        mediaType = "";
        base64 = "";
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (!IsDataUrl(url) || comma < 0)
        {
            return false;
        }

        var meta = url.AsSpan(5, comma - 5);
        if (!meta.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        mediaType = meta[..^7].ToString();
        base64 = url[(comma + 1)..];
        return true;
    }

    public static string Build(string? mediaType, string base64)
        => string.Concat("data:", string.IsNullOrEmpty(mediaType) ? "application/octet-stream" : mediaType, ";base64,", base64);
}
