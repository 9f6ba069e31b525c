using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>
/// The Anthropic <c>thinking.budget_tokens</c> for IR reasoning controls, or null for no thinking.
/// <code>
/// effort:  none → off   minimal → 1024   low → 2048   medium → 8192   high → 24576   xhigh/max → 27648
///          unknown word, or thinking on with neither effort nor budget → 8192 (medium)
/// budget:  0 → off   below 1024 → 1024 (Anthropic's minimum)   negative (Gemini "dynamic") → by effort, else 8192
/// </code>
/// The largest value keeps budget + 4096 answer tokens under 32k, the smallest output cap of current thinking models.
/// </summary>
internal static class AnthropicThinkingBudget
{
    public const int Minimum = 1024;
    public const int Medium = 8192;

    public static int? For(IrReasoning? reasoning)
    {
        if (reasoning is null || !reasoning.Enabled)
        {
            return null;
        }

        if (reasoning.BudgetTokens is { } budget and >= 0)
        {
            return budget == 0 ? null : Math.Max(Minimum, budget);
        }

        return reasoning.Effort?.ToLowerInvariant() switch
        {
            "none" => null,
            "minimal" => Minimum,
            "low" => 2048,
            "medium" => Medium,
            "high" => 24576,
            "xhigh" or "max" => 27648,
            _ => Medium,
        };
    }
}
