using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIResponses;

/// <summary>Reads the Responses wire objects both decoders share: usage, the finish reason and errors.</summary>
internal static class ResponsesUpstreamWire
{
    /// <summary>Responses usage (<c>input_tokens</c>, <c>output_tokens</c> and their details); null when absent.</summary>
    public static IrUsage? Usage(JsonElement response)
    {
        if (!OpenAIChatJson.TryGet(response, "usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new IrUsage
        {
            InputTokens = OpenAIChatJson.Int(usage, "input_tokens"),
            OutputTokens = OpenAIChatJson.Int(usage, "output_tokens"),
            CachedInputTokens = OpenAIChatJson.TryGet(usage, "input_tokens_details", out var inDetails) ? OpenAIChatJson.Int(inDetails, "cached_tokens") : null,
            ReasoningTokens = OpenAIChatJson.TryGet(usage, "output_tokens_details", out var outDetails) ? OpenAIChatJson.Int(outDetails, "reasoning_tokens") : null,
        };
    }

    /// <summary>
    /// The finish reason of a finished Response: <c>incomplete_details.reason</c> (<c>max_output_tokens</c> → length,
    /// <c>content_filter</c> → content filter) when it stopped early, tool calls when it called tools, else stop.
    /// </summary>
    public static IrFinishReason Finish(JsonElement response, bool calledTools)
    {
        if (OpenAIChatJson.TryGet(response, "incomplete_details", out var details)
            && OpenAIChatJson.String(details, "reason") is { Length: > 0 } reason)
        {
            return reason switch
            {
                "max_output_tokens" => IrFinishReason.Length,
                "content_filter" => IrFinishReason.ContentFilter,
                _ => new IrFinishReason(reason),
            };
        }

        return calledTools ? IrFinishReason.ToolCalls : IrFinishReason.Stop;
    }

    /// <summary>
    /// A Responses error object (<c>response.error</c>, an <c>error</c> event's <c>error</c>, or the event itself in
    /// the older flat form) → <see cref="IrError"/>. The status comes from the code, since a stream has none.
    /// </summary>
    public static IrError Error(JsonElement error)
    {
        var code = OpenAIChatJson.String(error, "code");
        var type = OpenAIChatJson.String(error, "type");
        var status = (code ?? type) switch
        {
            "rate_limit_exceeded" or "insufficient_quota" or "rate_limit_error" => 429,
            "invalid_prompt" or "invalid_request_error" or "context_length_exceeded" or "invalid_image" or "invalid_base64_image" => 400,
            "server_error" or "api_error" => 500,
            "vector_store_timeout" => 504,
            _ => 500,
        };
        var message = OpenAIChatJson.String(error, "message") ?? error.GetRawText();
        return new IrError(status, type is { Length: > 0 } t ? t : OpenAIChatErrorCodec.TypeFor(status), message) { Code = code };
    }
}
