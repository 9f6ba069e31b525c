using System.Text.Json;

namespace Switchyard.Core.Ir;

/// <summary>A function tool the model may call. The JSON schema stays raw.</summary>
public sealed record IrTool(string Name, string? Description, JsonElement? ParametersSchema)
{
    public bool? Strict { get; init; }
    public JsonElement? CacheControl { get; init; }
}

/// <summary>Requested output format: text, any JSON object, or JSON matching a schema.</summary>
public sealed record IrResponseFormat(IrResponseFormatKind Kind)
{
    public string? SchemaName { get; init; }
    public JsonElement? Schema { get; init; }
    public bool? Strict { get; init; }
}

/// <summary>
/// Reasoning controls. <see cref="Effort"/> is the OpenAI vocabulary (minimal/low/medium/high…);
/// <see cref="BudgetTokens"/> Anthropic's/Gemini's. Encoders convert one to the other by the table in
/// docs/translation.md when the target has only the other.
/// </summary>
public sealed record IrReasoning
{
    public string? Effort { get; init; }
    public int? BudgetTokens { get; init; }
    /// <summary>False when the client turned thinking off explicitly.</summary>
    public bool Enabled { get; init; } = true;
}

/// <summary>
/// The canonical request, used only when client and upstream protocols differ. Same-protocol traffic never
/// builds it (pass-through).
/// </summary>
public sealed class IrRequest
{
    /// <summary>The model the client asked for (resolution happens before encoding).</summary>
    public string? Model { get; set; }
    /// <summary>System/developer instructions in order; several are concatenated, never dropped.</summary>
    public List<IrTextPart> System { get; } = [];
    public List<IrMessage> Messages { get; } = [];
    public List<IrTool> Tools { get; } = [];
    public IrToolChoice? ToolChoice { get; set; }
    public bool? ParallelToolCalls { get; set; }
    public int? MaxTokens { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? TopK { get; set; }
    public List<string> StopSequences { get; } = [];
    public IrResponseFormat? ResponseFormat { get; set; }
    public IrReasoning? Reasoning { get; set; }
    public bool Stream { get; set; }
    /// <summary>End-user id (OpenAI <c>user</c>, Anthropic <c>metadata.user_id</c>).</summary>
    public string? User { get; set; }
    /// <summary>OpenAI <c>store</c>: whether the client asked the upstream to keep the exchange (null when it did not say).</summary>
    public bool? Store { get; set; }
}
