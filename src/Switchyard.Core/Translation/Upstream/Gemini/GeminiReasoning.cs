using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>Gemini <c>thinkingConfig</c>: a token budget (null = the model's dynamic default) and whether thoughts are returned.</summary>
internal readonly record struct GeminiThinking(int? Budget, bool IncludeThoughts);

/// <summary>
/// IR reasoning → <c>thinkingConfig</c>. An explicit budget wins over an effort. Effort table (docs/translation.md):
/// none → 0 (off), minimal → 512, low → 1024, medium → 8192, high and xhigh → 24576; an unknown effort leaves the
/// budget to the model. 512 is the smallest budget every thinking model accepts when thinking is on (2.5 Flash-Lite's
/// floor), 24576 the largest every one accepts (2.5 Flash's ceiling). Thinking off sends budget 0 and no thoughts;
/// models that cannot turn thinking off (2.5 Pro, Gemini 3) answer that with their own 400.
/// </summary>
internal static class GeminiReasoning
{
    public static GeminiThinking? From(IrReasoning? reasoning)
    {
        if (reasoning is null)
        {
            return null;
        }

        if (!reasoning.Enabled || reasoning.BudgetTokens == 0 || string.Equals(reasoning.Effort, "none", StringComparison.OrdinalIgnoreCase))
        {
            return new GeminiThinking(0, IncludeThoughts: false);
        }

        var budget = reasoning.BudgetTokens ?? EffortBudget(reasoning.Effort);
        return new GeminiThinking(budget, IncludeThoughts: true);
    }

    internal static int? EffortBudget(string? effort) => effort?.ToLowerInvariant() switch
    {
        "minimal" => 512,
        "low" => 1024,
        "medium" => 8192,
        "high" or "xhigh" => 24576,
        _ => null,
    };
}
