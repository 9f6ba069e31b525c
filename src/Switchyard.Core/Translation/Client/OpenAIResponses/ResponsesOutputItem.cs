using System.Security.Cryptography;
using System.Text;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIResponses;

internal enum ResponsesItemKind { Message, FunctionCall, Reasoning }

/// <summary>
/// One item of a Response's <c>output</c> while it is built: a message (one <c>output_text</c> part), a function
/// call, or a reasoning item. The stream encoder fills it from deltas, the response encoder from IR parts; both
/// write it with <see cref="ResponsesJson"/>, so a streamed answer ends with the same output a non-streamed one has.
/// </summary>
internal sealed class ResponsesOutputItem(ResponsesItemKind kind, string id)
{
    public ResponsesItemKind Kind { get; } = kind;
    public string Id { get; } = id;
    /// <summary>The item's position in <c>output</c> (items are only ever appended).</summary>
    public int OutputIndex { get; init; }
    /// <summary>Message text, function-call arguments, or reasoning summary text.</summary>
    public StringBuilder Text { get; } = new();
    public string? CallId { get; init; }
    public string? Name { get; init; }
    /// <summary>Reasoning: the IR signature (thinking) or data (redacted thinking) the client must send back.</summary>
    public string? EncryptedContent { get; set; }
    /// <summary>
    /// Reasoning: true for a thinking block (written with one summary entry, even an empty one), false for redacted
    /// thinking (no summary) — which is how the request decoder tells them apart when the client sends them back.
    /// </summary>
    public bool HasSummary { get; init; }
    public bool Done { get; set; }

    /// <summary>The IR part this item stands for, for the stored conversation.</summary>
    public IrPart ToIrPart() => Kind switch
    {
        ResponsesItemKind.Message => new IrTextPart(Text.ToString()),
        ResponsesItemKind.FunctionCall => new IrToolCallPart(CallId!, Name!, Text.ToString()),
        _ when HasSummary => new IrThinkingPart(Text.ToString()) { Signature = EncryptedContent },
        _ => new IrRedactedThinkingPart(EncryptedContent ?? ""),
    };
}

/// <summary>Ids in OpenAI's style: a prefix and random hex, unguessable because a response id unlocks its stored conversation.</summary>
internal static class ResponsesIds
{
    /// <summary>A new response id (<c>resp_</c> + 48 hex digits).</summary>
    public static string NewResponseId() => "resp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>An item id derived from its response id, unique within it.</summary>
    public static string ItemId(string responseId, ResponsesItemKind kind, int outputIndex)
    {
        var prefix = kind switch
        {
            ResponsesItemKind.Message => "msg_",
            ResponsesItemKind.FunctionCall => "fc_",
            _ => "rs_",
        };
        var suffix = responseId.StartsWith("resp_", StringComparison.Ordinal) ? responseId[5..] : responseId;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{suffix}{outputIndex:x4}");
    }
}
