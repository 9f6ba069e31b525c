namespace Switchyard.Core.Ir;

/// <summary>A message role. Open: servers may send roles this build does not know, and they survive.</summary>
public readonly record struct IrRole(string Value)
{
    public static readonly IrRole System = new("system");
    public static readonly IrRole Developer = new("developer");
    public static readonly IrRole User = new("user");
    public static readonly IrRole Assistant = new("assistant");
    public static readonly IrRole Tool = new("tool");
    public override string ToString() => Value;
}

/// <summary>
/// Why generation stopped, in the IR's own vocabulary (mapped per protocol by the table in docs/translation.md).
/// Open: an unknown upstream reason is kept as-is.
/// </summary>
public readonly record struct IrFinishReason(string Value)
{
    /// <summary>Natural end (OpenAI <c>stop</c>, Anthropic <c>end_turn</c>, Gemini <c>STOP</c>, Bedrock <c>end_turn</c>).</summary>
    public static readonly IrFinishReason Stop = new("stop");
    /// <summary>A stop sequence matched (OpenAI reports <c>stop</c>).</summary>
    public static readonly IrFinishReason StopSequence = new("stop_sequence");
    /// <summary>Token limit (OpenAI <c>length</c>, Anthropic <c>max_tokens</c>, Gemini <c>MAX_TOKENS</c>).</summary>
    public static readonly IrFinishReason Length = new("length");
    /// <summary>The model called tools (OpenAI <c>tool_calls</c>, Anthropic <c>tool_use</c>).</summary>
    public static readonly IrFinishReason ToolCalls = new("tool_calls");
    /// <summary>Blocked by a safety system (OpenAI <c>content_filter</c>, Gemini <c>SAFETY</c>…, Anthropic <c>refusal</c>).</summary>
    public static readonly IrFinishReason ContentFilter = new("content_filter");
    /// <summary>Anthropic <c>pause_turn</c> (a long server-tool turn paused).</summary>
    public static readonly IrFinishReason PauseTurn = new("pause_turn");
    public override string ToString() => Value;
}

/// <summary>How the model may use tools.</summary>
public enum IrToolChoiceKind { Auto, None, Required, Named }

/// <summary><c>tool_choice</c>: auto, none, required (any tool), or one named tool.</summary>
public sealed record IrToolChoice(IrToolChoiceKind Kind, string? Name = null)
{
    public static readonly IrToolChoice Auto = new(IrToolChoiceKind.Auto);
    public static readonly IrToolChoice None = new(IrToolChoiceKind.None);
    public static readonly IrToolChoice Required = new(IrToolChoiceKind.Required);
}

/// <summary>The structured-output request.</summary>
public enum IrResponseFormatKind { Text, JsonObject, JsonSchema }
