using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

/// <summary>
/// What a non-Responses upstream's decoder would hand the Responses client encoder for the same answer as a
/// recorded Responses stream or body: the texts, tool calls, reasoning and usage are taken from the recording.
/// </summary>
internal static class RecordedIr
{
    /// <summary>IR stream events for one recorded stream (block indexes allocated in order of appearance).</summary>
    public static List<IrStreamEvent> StreamEvents(IReadOnlyList<JsonElement> recorded)
    {
        var events = new List<IrStreamEvent>();
        var blocks = new Dictionary<int, int>();
        int Block(JsonElement ev)
        {
            var outputIndex = ev.GetProperty("output_index").GetInt32();
            if (!blocks.TryGetValue(outputIndex, out var block))
            {
                block = blocks.Count;
                blocks[outputIndex] = block;
            }

            return block;
        }

        foreach (var ev in recorded)
        {
            switch (ev.GetProperty("type").GetString())
            {
                case "response.created":
                    var created = ev.GetProperty("response");
                    events.Add(new IrStreamStart(created.GetProperty("id").GetString(), created.GetProperty("model").GetString()));
                    break;
                case "response.output_item.added" when ev.GetProperty("item").GetProperty("type").GetString() == "function_call":
                    var call = ev.GetProperty("item");
                    events.Add(new IrToolCallStart(Block(ev), call.GetProperty("call_id").GetString()!, call.GetProperty("name").GetString()!));
                    break;
                case "response.output_text.delta":
                    events.Add(new IrTextDelta(Block(ev), ev.GetProperty("delta").GetString()!));
                    break;
                case "response.reasoning_summary_text.delta":
                    events.Add(new IrThinkingDelta(Block(ev), ev.GetProperty("delta").GetString()!));
                    break;
                case "response.function_call_arguments.delta":
                    events.Add(new IrToolCallArgumentsDelta(Block(ev), ev.GetProperty("delta").GetString()!));
                    break;
                case "response.output_item.done":
                    var item = ev.GetProperty("item");
                    var index = Block(ev);
                    if (item.GetProperty("type").GetString() == "reasoning")
                    {
                        var encrypted = item.TryGetProperty("encrypted_content", out var e) ? e.GetString() : null;
                        if (item.GetProperty("summary").GetArrayLength() == 0)
                        {
                            events.Add(new IrRedactedThinking(index, encrypted!));
                        }
                        else if (encrypted is not null)
                        {
                            events.Add(new IrThinkingSignature(index, encrypted));
                        }
                    }

                    events.Add(new IrBlockStop(index));
                    break;
                case "response.completed" or "response.incomplete":
                    var response = ev.GetProperty("response");
                    events.Add(new IrUsageUpdate(Usage(response.GetProperty("usage"))));
                    events.Add(new IrFinish(FinishOf(response)));
                    break;
                case "error":
                    var error = ev.TryGetProperty("error", out var nested) ? nested : ev;
                    events.Add(new IrStreamError(new IrError(429, error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!)
                    {
                        Code = error.GetProperty("code").GetString(),
                    }));
                    return events;
            }
        }

        return events;
    }

    /// <summary>The IR answer a non-streaming upstream would give for a recorded Response body.</summary>
    public static IrResponse Response(JsonElement recorded)
    {
        var response = new IrResponse { Id = recorded.GetProperty("id").GetString(), Model = recorded.GetProperty("model").GetString() };
        foreach (var item in recorded.GetProperty("output").EnumerateArray())
        {
            switch (item.GetProperty("type").GetString())
            {
                case "reasoning":
                    var encrypted = item.TryGetProperty("encrypted_content", out var e) ? e.GetString() : null;
                    var summary = item.GetProperty("summary");
                    response.Content.Add(summary.GetArrayLength() == 0
                        ? new IrRedactedThinkingPart(encrypted!)
                        : new IrThinkingPart(string.Join("\n\n", summary.EnumerateArray().Select(s => s.GetProperty("text").GetString()))) { Signature = encrypted });
                    break;
                case "message":
                    foreach (var part in item.GetProperty("content").EnumerateArray())
                    {
                        response.Content.Add(new IrTextPart(part.GetProperty("text").GetString()!));
                    }

                    break;
                case "function_call":
                    response.Content.Add(new IrToolCallPart(item.GetProperty("call_id").GetString()!, item.GetProperty("name").GetString()!, item.GetProperty("arguments").GetString()!));
                    break;
            }
        }

        response.Usage = Usage(recorded.GetProperty("usage"));
        response.FinishReason = FinishOf(recorded);
        return response;
    }

    /// <summary>Reassembles IR stream events into the complete answer (what a non-streaming call would return).</summary>
    public static IrResponse Aggregate(IEnumerable<IrStreamEvent> events)
    {
        var response = new IrResponse();
        var text = new SortedDictionary<int, (string Kind, StringBuilder Text, string? Id, string? Name, string? Signature)>();
        foreach (var ev in events)
        {
            switch (ev)
            {
                case IrTextDelta d:
                    Get(d.Index, "text").Text.Append(d.Text);
                    break;
                case IrThinkingDelta d:
                    Get(d.Index, "thinking").Text.Append(d.Text);
                    break;
                case IrThinkingSignature s:
                    text[s.Index] = Get(s.Index, "thinking") with { Signature = s.Signature };
                    break;
                case IrRedactedThinking r:
                    text[r.Index] = ("redacted", new StringBuilder(r.Data), null, null, null);
                    break;
                case IrToolCallStart c:
                    text[c.Index] = ("tool", new StringBuilder(), c.Id, c.Name, null);
                    break;
                case IrToolCallArgumentsDelta a:
                    text[a.Index].Text.Append(a.Delta);
                    break;
                case IrUsageUpdate u:
                    response.Usage = (response.Usage ?? new IrUsage()).Merge(u.Usage);
                    break;
                case IrFinish f:
                    response.FinishReason = f.Reason;
                    break;
            }
        }

        foreach (var (_, block) in text)
        {
            response.Content.Add(block.Kind switch
            {
                "text" => new IrTextPart(block.Text.ToString()),
                "thinking" => new IrThinkingPart(block.Text.ToString()) { Signature = block.Signature },
                "redacted" => new IrRedactedThinkingPart(block.Text.ToString()),
                _ => new IrToolCallPart(block.Id!, block.Name!, block.Text.ToString()),
            });
        }

        return response;

        (string Kind, StringBuilder Text, string? Id, string? Name, string? Signature) Get(int index, string kind)
        {
            if (!text.TryGetValue(index, out var block))
            {
                block = (kind, new StringBuilder(), null, null, null);
                text[index] = block;
            }

            return block;
        }
    }

    public static IrUsage Usage(JsonElement usage) => new()
    {
        InputTokens = usage.GetProperty("input_tokens").GetInt32(),
        OutputTokens = usage.GetProperty("output_tokens").GetInt32(),
        CachedInputTokens = usage.TryGetProperty("input_tokens_details", out var i) ? i.GetProperty("cached_tokens").GetInt32() : null,
        ReasoningTokens = usage.TryGetProperty("output_tokens_details", out var o) ? o.GetProperty("reasoning_tokens").GetInt32() : null,
    };

    private static IrFinishReason FinishOf(JsonElement response)
    {
        if (response.GetProperty("status").GetString() == "incomplete")
        {
            return response.GetProperty("incomplete_details").GetProperty("reason").GetString() == "content_filter"
                ? IrFinishReason.ContentFilter
                : IrFinishReason.Length;
        }

        return response.GetProperty("output").EnumerateArray().Any(i => i.GetProperty("type").GetString() == "function_call")
            ? IrFinishReason.ToolCalls
            : IrFinishReason.Stop;
    }

    /// <summary>
    /// The comparable content of an output item: its type and, per type, text / call id, name, arguments / summary
    /// texts and encrypted content — everything but ids, statuses and fields the gateway does not produce.
    /// </summary>
    public static string ItemKey(JsonElement item)
    {
        var type = item.GetProperty("type").GetString();
        return type switch
        {
            "message" => "message:" + string.Concat(item.GetProperty("content").EnumerateArray().Select(p => "[" + p.GetProperty("type").GetString() + ":" + p.GetProperty("text").GetString() + "]")),
            "function_call" => $"function_call:{item.GetProperty("call_id").GetString()}:{item.GetProperty("name").GetString()}:{item.GetProperty("arguments").GetString()}",
            "reasoning" => "reasoning:" + string.Concat(item.GetProperty("summary").EnumerateArray().Select(s => "[" + s.GetProperty("text").GetString() + "]"))
                + ":" + (item.TryGetProperty("encrypted_content", out var e) ? e.GetString() : null),
            _ => type!,
        };
    }
}
