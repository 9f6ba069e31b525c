using Switchyard.Core.Pipeline;

namespace Switchyard.Core.Resilience;

/// <summary>
/// The prompt-size estimate the context-window pre-flight check uses. INTERIM: the request body's UTF-8 bytes / 4
/// (about four bytes per token for English text and JSON; it over-counts base64 images and under-counts dense
/// scripts). This is the one seam to switch to the tokenizer-based estimator.
/// </summary>
public static class PromptEstimate
{
    /// <summary>Bytes per token of the interim estimate.</summary>
    public const int BytesPerToken = 4;

    /// <summary>Estimated prompt tokens of <paramref name="request"/>. Called only for a candidate with a known context window and context-window fallbacks.</summary>
    public static int EstimatePromptTokens(GatewayRequest request) => request.RawBody.Length / BytesPerToken;
}
