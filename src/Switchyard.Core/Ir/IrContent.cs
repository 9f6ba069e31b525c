using System.Text.Json;

namespace Switchyard.Core.Ir;

/// <summary>
/// One piece of message content. Polymorphic, like Microsoft.Extensions.AI's AIContent: text, images, tool calls and
/// results, thinking (with signatures), and an <see cref="IrUnknownPart"/> that carries raw JSON the IR has no
/// model for, so it can cross back to the same protocol unchanged.
/// </summary>
public abstract record IrPart;

/// <summary>Plain text. <see cref="CacheControl"/> is Anthropic's cache hint, raw (e.g. <c>{"type":"ephemeral"}</c>).</summary>
public sealed record IrTextPart(string Text) : IrPart
{
    public JsonElement? CacheControl { get; init; }
}

/// <summary>An image, either by URL or inline base64 data with its media type.</summary>
public sealed record IrImagePart : IrPart
{
    /// <summary>http(s) URL (when the client gave one; never a data: URL — those are split into data + media type).</summary>
    public string? Url { get; init; }
    /// <summary>Base64 data without the <c>data:</c> prefix.</summary>
    public string? Base64 { get; init; }
    public string? MediaType { get; init; }
    /// <summary>OpenAI <c>detail</c> (low/high/auto).</summary>
    public string? Detail { get; init; }
    public JsonElement? CacheControl { get; init; }
}

/// <summary>A tool call made by the assistant. Arguments stay raw JSON text (never re-parsed on the way through).</summary>
public sealed record IrToolCallPart(string Id, string Name, string ArgumentsJson) : IrPart;

/// <summary>The result of a tool call, sent back by the client.</summary>
public sealed record IrToolResultPart(string ToolCallId, IReadOnlyList<IrPart> Content) : IrPart
{
    public bool IsError { get; init; }
    /// <summary>The tool's name when the protocol carries it (Gemini needs it; OpenAI/Anthropic do not send it).</summary>
    public string? Name { get; init; }
    public JsonElement? CacheControl { get; init; }
}

/// <summary>Model reasoning. <see cref="Signature"/> (Anthropic, Bedrock, Gemini thought signatures) must come back unchanged.</summary>
public sealed record IrThinkingPart(string Text) : IrPart
{
    public string? Signature { get; init; }
}

/// <summary>Encrypted reasoning the client cannot read but must send back (Anthropic <c>redacted_thinking</c>).</summary>
public sealed record IrRedactedThinkingPart(string Data) : IrPart;

/// <summary>A content block of a kind the IR does not model, kept raw with the protocol it came from.</summary>
public sealed record IrUnknownPart(string Protocol, string Type, JsonElement Raw) : IrPart;

/// <summary>One conversation turn.</summary>
public sealed record IrMessage(IrRole Role, IReadOnlyList<IrPart> Parts)
{
    /// <summary>OpenAI's optional participant <c>name</c>.</summary>
    public string? Name { get; init; }
}
