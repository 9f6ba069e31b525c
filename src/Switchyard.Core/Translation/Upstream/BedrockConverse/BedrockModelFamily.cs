using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// What Converse leaves to each model family, read from the model id (base ids, cross-region profiles like
/// <c>us.anthropic.claude-…</c> and ARNs that contain the base id all match). Reasoning controls and top-k are not
/// Converse fields: they go in <c>additionalModelRequestFields</c>, whose shape the model family decides.
/// </summary>
internal enum BedrockModelFamily { Other, Claude, Nova, GptOss }

internal static class BedrockModelFamilies
{
    public static BedrockModelFamily Of(string modelId) =>
        modelId.Contains("anthropic.claude", StringComparison.OrdinalIgnoreCase) ? BedrockModelFamily.Claude
        : modelId.Contains("amazon.nova", StringComparison.OrdinalIgnoreCase) ? BedrockModelFamily.Nova
        : modelId.Contains("openai.gpt-oss", StringComparison.OrdinalIgnoreCase) ? BedrockModelFamily.GptOss
        : BedrockModelFamily.Other;

    /// <summary>
    /// Claude: <c>thinking: {type: enabled, budget_tokens}</c> with Anthropic's effort→budget table.
    /// Nova: <c>reasoningConfig: {type: enabled, maxReasoningEffort: low|medium|high}</c>.
    /// gpt-oss: <c>reasoning_effort: low|medium|high</c>. Budgets become efforts by ≤1024 → low, ≤8192 → medium,
    /// larger → high; minimal → low, xhigh/max → high. Other families: no reasoning control is sent.
    /// Returns the Claude thinking budget (so max tokens can be raised above it), or null.
    /// </summary>
    public static int? WriteReasoning(Utf8JsonWriter w, BedrockModelFamily family, IrReasoning? reasoning)
    {
        switch (family)
        {
            case BedrockModelFamily.Claude when AnthropicThinkingBudget.For(reasoning) is { } budget:
                w.WriteStartObject("thinking"u8);
                w.WriteString("type"u8, "enabled"u8);
                w.WriteNumber("budget_tokens"u8, budget);
                w.WriteEndObject();
                return budget;
            case BedrockModelFamily.Nova when Effort(reasoning) is { } effort:
                w.WriteStartObject("reasoningConfig"u8);
                w.WriteString("type"u8, "enabled"u8);
                w.WriteString("maxReasoningEffort"u8, effort);
                w.WriteEndObject();
                return null;
            case BedrockModelFamily.GptOss when Effort(reasoning) is { } effort:
                w.WriteString("reasoning_effort"u8, effort);
                return null;
            default:
                return null;
        }
    }

    /// <summary>Whether <see cref="WriteReasoning"/> would write anything (to decide on an empty object).</summary>
    public static bool HasReasoning(BedrockModelFamily family, IrReasoning? reasoning) => family switch
    {
        BedrockModelFamily.Claude => AnthropicThinkingBudget.For(reasoning) is not null,
        BedrockModelFamily.Nova or BedrockModelFamily.GptOss => Effort(reasoning) is not null,
        _ => false,
    };

    /// <summary>Top-k: Nova reads <c>inferenceConfig.topK</c> inside the additional fields; the others <c>top_k</c>.</summary>
    public static void WriteTopK(Utf8JsonWriter w, BedrockModelFamily family, int topK)
    {
        if (family == BedrockModelFamily.Nova)
        {
            w.WriteStartObject("inferenceConfig"u8);
            w.WriteNumber("topK"u8, topK);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNumber("top_k"u8, topK);
        }
    }

    /// <summary>
    /// Whether thinking from earlier turns goes back as <c>reasoningContent</c>: always for Claude (it needs its
    /// signed thinking back during tool use); for other families only signed or redacted reasoning, which only a
    /// model that checks it produces. Unsigned reasoning is dropped for them (they do not read it back).
    /// </summary>
    public static bool SendsBackThinking(BedrockModelFamily family, IrPart part) => part switch
    {
        IrRedactedThinkingPart => true,
        IrThinkingPart thinking => family == BedrockModelFamily.Claude || !string.IsNullOrEmpty(thinking.Signature),
        _ => true,
    };

    private static string? Effort(IrReasoning? reasoning)
    {
        if (reasoning is null || !reasoning.Enabled || reasoning.BudgetTokens == 0)
        {
            return null;
        }

        return reasoning.Effort?.ToLowerInvariant() switch
        {
            "none" => null,
            "minimal" or "low" => "low",
            "medium" => "medium",
            "high" or "xhigh" or "max" => "high",
            _ => reasoning.BudgetTokens is { } budget and > 0
                ? budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high"
                : "medium",
        };
    }
}
