namespace Switchyard.Core.Ir;

/// <summary>Token usage. Null members were not reported (never invented as 0).</summary>
public sealed record IrUsage
{
    /// <summary>All input tokens, cached and cache-written ones included (OpenAI's prompt_tokens convention).</summary>
    public int? InputTokens { get; init; }
    public int? OutputTokens { get; init; }
    /// <summary>Input tokens read from the prompt cache.</summary>
    public int? CachedInputTokens { get; init; }
    /// <summary>Input tokens written to the prompt cache (Anthropic cache_creation_input_tokens).</summary>
    public int? CacheWriteInputTokens { get; init; }
    /// <summary>Output tokens spent on reasoning (included in <see cref="OutputTokens"/>).</summary>
    public int? ReasoningTokens { get; init; }

    /// <summary>Merges a later report into this one: members present in <paramref name="later"/> win.</summary>
    public IrUsage Merge(IrUsage? later) => later is null ? this : new IrUsage
    {
        InputTokens = later.InputTokens ?? InputTokens,
        OutputTokens = later.OutputTokens ?? OutputTokens,
        CachedInputTokens = later.CachedInputTokens ?? CachedInputTokens,
        CacheWriteInputTokens = later.CacheWriteInputTokens ?? CacheWriteInputTokens,
        ReasoningTokens = later.ReasoningTokens ?? ReasoningTokens,
    };
}

/// <summary>A complete (non-streamed) assistant answer.</summary>
public sealed class IrResponse
{
    public string? Id { get; set; }
    public string? Model { get; set; }
    /// <summary>Output in order: thinking, text, tool calls as the upstream produced them.</summary>
    public List<IrPart> Content { get; } = [];
    public IrFinishReason? FinishReason { get; set; }
    /// <summary>The stop sequence that ended generation, when the upstream says which.</summary>
    public string? StopSequence { get; set; }
    public IrUsage? Usage { get; set; }
}

/// <summary>An error in protocol-neutral form: HTTP status, a type (OpenAI/Anthropic vocabulary) and a message.</summary>
public sealed record IrError(int Status, string Type, string Message)
{
    public string? Code { get; init; }
}
