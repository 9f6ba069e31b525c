using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

/// <summary>One tool call as a client reassembles it.</summary>
internal sealed record ToolCallInfo(string? Id, string? Name, string Arguments);

/// <summary>Usage numbers in the IR's convention (output includes reasoning).</summary>
internal sealed record UsageInfo(int? Input, int? Output, int? Cached, int? Reasoning);

/// <summary>
/// The reference reading of OpenAI chat JSON, written independently of the codecs: what a client reassembles from
/// a stream's chunks (or reads from one chat.completion). Expected values in the golden tests come from here,
/// applied to the fixture file itself.
/// </summary>
internal sealed class ChatAnswer
{
    public string Text { get; private set; } = "";
    public string Reasoning { get; private set; } = "";
    public List<ToolCallInfo> Tools { get; } = [];
    public string? Finish { get; private set; }
    public int FinishCount { get; private set; }
    public UsageInfo? Usage { get; private set; }
    public JsonElement? Error { get; private set; }

    public static ChatAnswer FromChunks(IEnumerable<JsonElement> chunks)
    {
        var answer = new ChatAnswer();
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var tools = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        foreach (var chunk in chunks)
        {
            if (chunk.TryGetProperty("error", out var error))
            {
                answer.Error = error;
                continue;
            }

            if (chunk.TryGetProperty("choices", out var choices))
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
                    {
                        Collect(delta, text, reasoning);
                        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                        {
                            var position = 0;
                            foreach (var call in calls.EnumerateArray())
                            {
                                var key = call.TryGetProperty("index", out var ix) ? ix.GetInt32() : position;
                                position++;
                                var fn = call.TryGetProperty("function", out var f) ? f : default;
                                var entry = tools.TryGetValue(key, out var e) ? e : (null, null, new StringBuilder());
                                entry.Id ??= NonEmpty(call, "id");
                                entry.Name ??= NonEmpty(fn, "name");
                                entry.Args.Append(Str(fn, "arguments"));
                                tools[key] = entry;
                            }
                        }
                    }

                    if (Str(choice, "finish_reason") is { } finish)
                    {
                        answer.FinishCount++;
                        answer.Finish ??= finish;
                    }
                }
            }

            var usage = Obj(chunk, "usage") ?? (Obj(chunk, "x_groq") is { } g ? Obj(g, "usage") : null);
            if (usage is { } u)
            {
                answer.Usage = ReadUsage(u);
            }
        }

        answer.Text = text.ToString();
        answer.Reasoning = reasoning.ToString();
        foreach (var (_, t) in tools)
        {
            answer.Tools.Add(new ToolCallInfo(t.Id, t.Name, t.Args.ToString()));
        }

        return answer;
    }

    public static ChatAnswer FromCompletion(JsonElement completion)
    {
        var answer = new ChatAnswer();
        var choice = completion.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        Collect(message, text, reasoning);
        answer.Text = text.ToString();
        answer.Reasoning = reasoning.ToString();
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var fn = call.GetProperty("function");
                answer.Tools.Add(new ToolCallInfo(NonEmpty(call, "id"), NonEmpty(fn, "name"), Str(fn, "arguments") ?? ""));
            }
        }

        answer.Finish = Str(choice, "finish_reason");
        answer.FinishCount = answer.Finish is null ? 0 : 1;
        answer.Usage = Obj(completion, "usage") is { } u ? ReadUsage(u) : null;
        return answer;
    }

    /// <summary>The text and reasoning of a delta or message, in every shape the fixtures use.</summary>
    private static void Collect(JsonElement delta, StringBuilder text, StringBuilder reasoning)
    {
        reasoning.Append(Str(delta, "reasoning_content") ?? Str(delta, "reasoning"));
        if (delta.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (Str(part, "type") == "text")
                    {
                        text.Append(Str(part, "text"));
                    }
                    else if (Str(part, "type") == "thinking")
                    {
                        foreach (var t in part.GetProperty("thinking").EnumerateArray())
                        {
                            reasoning.Append(Str(t, "text"));
                        }
                    }
                }
            }
        }

        text.Append(Str(delta, "refusal"));
    }

    /// <summary>
    /// Usage as the IR counts it. xAI reports reasoning outside completion_tokens (its total proves it); the IR,
    /// like OpenAI, counts it inside. DeepSeek's top-level cache hits stand in for missing details.
    /// </summary>
    private static UsageInfo ReadUsage(JsonElement u)
    {
        int? Int(JsonElement o, string n) => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        var input = Int(u, "prompt_tokens");
        var output = Int(u, "completion_tokens");
        var cached = (Obj(u, "prompt_tokens_details") is { } pd ? Int(pd, "cached_tokens") : null) ?? Int(u, "prompt_cache_hit_tokens");
        var reasoning = Obj(u, "completion_tokens_details") is { } cd ? Int(cd, "reasoning_tokens") : null;
        if (reasoning > 0 && Int(u, "total_tokens") == input + output + reasoning)
        {
            output += reasoning;
        }

        return new UsageInfo(input, output, cached, reasoning);
    }

    public static UsageInfo? FromIr(IrUsage? usage)
        => usage is null ? null : new UsageInfo(usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens, usage.ReasoningTokens);

    private static JsonElement? Obj(JsonElement o, string name)
        => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement o, string name)
        => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? NonEmpty(JsonElement o, string name) => Str(o, name) is { Length: > 0 } s ? s : null;
}
