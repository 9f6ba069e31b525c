namespace Switchyard.Core.Ir;

/// <summary>
/// One event of a translated stream. Upstream stream decoders produce them; client stream encoders (state machines)
/// turn them into the client's envelope. Content arrives as deltas keyed by an output <c>Index</c>: each index is
/// one content block (a text run, a thinking run, or one tool call), and indexes only grow.
/// </summary>
public abstract record IrStreamEvent;

/// <summary>The stream began (id, model; input usage when the upstream reports it up front).</summary>
public sealed record IrStreamStart(string? Id, string? Model) : IrStreamEvent
{
    public IrUsage? Usage { get; init; }
}

/// <summary>Text appended to the text block <paramref name="Index"/>.</summary>
public sealed record IrTextDelta(int Index, string Text) : IrStreamEvent;

/// <summary>Reasoning text appended to thinking block <paramref name="Index"/>.</summary>
public sealed record IrThinkingDelta(int Index, string Text) : IrStreamEvent;

/// <summary>The signature of thinking block <paramref name="Index"/> (sent once, usually at its end).</summary>
public sealed record IrThinkingSignature(int Index, string Signature) : IrStreamEvent;

/// <summary>A complete redacted-thinking block.</summary>
public sealed record IrRedactedThinking(int Index, string Data) : IrStreamEvent;

/// <summary>A tool call begins at block <paramref name="Index"/>.</summary>
public sealed record IrToolCallStart(int Index, string Id, string Name) : IrStreamEvent;

/// <summary>A fragment of the tool call's JSON arguments, forwarded as it arrives (never held to the end).</summary>
public sealed record IrToolCallArgumentsDelta(int Index, string Delta) : IrStreamEvent;

/// <summary>Block <paramref name="Index"/> is complete.</summary>
public sealed record IrBlockStop(int Index) : IrStreamEvent;

/// <summary>A usage report (may come several times; later members win).</summary>
public sealed record IrUsageUpdate(IrUsage Usage) : IrStreamEvent;

/// <summary>Generation finished for this reason (usage may still follow).</summary>
public sealed record IrFinish(IrFinishReason Reason) : IrStreamEvent
{
    public string? StopSequence { get; init; }
}

/// <summary>The upstream reported an error inside the stream; the stream ends with it.</summary>
public sealed record IrStreamError(IrError Error) : IrStreamEvent;
