using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>The finish-reason table of docs/translation.md for the OpenAI chat side.</summary>
internal static class OpenAIChatFinishReasons
{
    /// <summary>An upstream <c>finish_reason</c>; values outside OpenAI's vocabulary are kept as-is (the IR enum is open).</summary>
    public static IrFinishReason FromWire(string value) => value switch
    {
        "stop" => IrFinishReason.Stop,
        "length" => IrFinishReason.Length,
        "tool_calls" or "function_call" => IrFinishReason.ToolCalls,
        "content_filter" => IrFinishReason.ContentFilter,
        _ => new IrFinishReason(value),
    };

    /// <summary>
    /// The client-facing <c>finish_reason</c>. Only OpenAI's own values are sent: SDKs and typed clients switch on
    /// them, so an unknown reason (or none) becomes <c>stop</c>. When the answer holds tool calls, a natural stop is
    /// reported as <c>tool_calls</c>, because agent loops test the finish reason, and some upstreams (Gemini) say STOP
    /// after calling tools.
    /// </summary>
    public static string ToWire(IrFinishReason? reason, bool hasToolCalls) => reason?.Value switch
    {
        "length" => "length",
        "content_filter" => "content_filter",
        "tool_calls" => "tool_calls",
        _ => hasToolCalls ? "tool_calls" : "stop",
    };
}
