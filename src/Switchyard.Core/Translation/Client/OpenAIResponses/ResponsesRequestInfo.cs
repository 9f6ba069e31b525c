using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

/// <summary>
/// What a Responses request says beyond the IR: the fields a Response object echoes back (the SDKs read them from
/// <c>response.created</c> on) and the conversation-state settings. Raw JSON members are cloned, so they outlive the
/// request body.
/// </summary>
internal sealed class ResponsesRequestInfo
{
    public static readonly ResponsesRequestInfo Default = new();

    public string? Instructions { get; init; }
    public string? PreviousResponseId { get; init; }
    /// <summary>OpenAI stores responses unless told <c>store: false</c>.</summary>
    public bool Store { get; init; } = true;
    public JsonElement? Tools { get; init; }
    public JsonElement? ToolChoice { get; init; }
    public JsonElement? Text { get; init; }
    public JsonElement? Reasoning { get; init; }
    public JsonElement? Metadata { get; init; }
    public bool? ParallelToolCalls { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? MaxOutputTokens { get; init; }
    public string? User { get; init; }

    /// <summary>System/developer parts that came from input items (stored ones first), not from <c>instructions</c>.</summary>
    public IReadOnlyList<IrTextPart> ConversationSystem { get; init; } = [];
}
