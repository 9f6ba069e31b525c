using System.Text;
using System.Text.Json;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Reads what a client received (a JSON answer, or a stream reassembled as the official SDKs do) into a
/// <see cref="GoldenAnswer"/>, checking the protocol's envelope on the way.
/// </summary>
internal static class ClientReaders
{
    public static GoldenAnswer Read(ClientKind client, bool stream, string body) => (client, stream) switch
    {
        (ClientKind.Chat, false) => ChatJson(body),
        (ClientKind.Chat, true) => ChatStream(Sse.Parse(body)),
        (ClientKind.Messages, false) => MessagesJson(body),
        (ClientKind.Messages, true) => MessagesStream(Sse.Parse(body)),
        (ClientKind.Responses, false) => ResponsesJson(body),
        _ => ResponsesStream(Sse.Parse(body)),
    };

    // ---- OpenAI chat ----

    public static GoldenAnswer ChatJson(string body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("chat.completion", Golden.Str(root, "object"));
        Assert.Equal(1, root.GetProperty("choices").GetArrayLength());
        var choice = root.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", Golden.Str(message, "role"));
        var a = new GoldenAnswer
        {
            Text = Golden.Str(message, "content") ?? "",
            Thinking = Golden.Str(message, "reasoning_content") ?? "",
            Finish = Golden.Str(choice, "finish_reason"),
            Usage = ChatUsage(Golden.Get(root, "usage")),
        };
        if (Golden.Get(message, "tool_calls") is { ValueKind: JsonValueKind.Array } calls)
        {
            foreach (var c in calls.EnumerateArray())
            {
                Assert.Equal("function", Golden.Str(c, "type"));
                a.ToolCalls.Add(new GoldenToolCall(Golden.Str(c, "id"), Golden.Str(c, "function", "name")!, Golden.Str(c, "function", "arguments")!));
            }
        }

        return a;
    }

    /// <summary>Chat chunks → answer; the stream must end with exactly one <c>[DONE]</c> and carry one finish_reason.</summary>
    public static GoldenAnswer ChatStream(List<SseEvent> events)
    {
        Assert.NotEmpty(events);
        Assert.True(events[^1].Data == "[DONE]", "the chat stream does not end with [DONE]: " + events[^1].Data);
        Assert.Equal(1, events.Count(e => e.Data == "[DONE]"));
        var a = new GoldenAnswer();
        var text = new StringBuilder();
        var thinking = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        string? id = null;
        var finishes = 0;
        foreach (var ev in events.Take(events.Count - 1))
        {
            Assert.Null(ev.Name);
            var root = JsonDocument.Parse(ev.Data).RootElement;
            Assert.False(root.TryGetProperty("error", out _), "error event in a stream that should succeed: " + ev.Data);
            Assert.Equal("chat.completion.chunk", Golden.Str(root, "object"));
            id ??= Golden.Str(root, "id");
            Assert.Equal(id, Golden.Str(root, "id"));
            if (Golden.Get(root, "usage") is { ValueKind: JsonValueKind.Object } usage)
            {
                Assert.Null(a.Usage); // one usage chunk
                a.Usage = ChatUsage(usage);
            }

            foreach (var choice in root.GetProperty("choices").EnumerateArray())
            {
                Assert.Equal(0, choice.GetProperty("index").GetInt32());
                if (Golden.Str(choice, "finish_reason") is { } finish)
                {
                    finishes++;
                    a.Finish = finish;
                }

                var delta = choice.GetProperty("delta");
                text.Append(Golden.Str(delta, "content"));
                thinking.Append(Golden.Str(delta, "reasoning_content"));
                if (Golden.Get(delta, "tool_calls") is { ValueKind: JsonValueKind.Array } deltas)
                {
                    foreach (var d in deltas.EnumerateArray())
                    {
                        var index = d.GetProperty("index").GetInt32(); // SDKs need the index on every tool delta
                        if (!calls.TryGetValue(index, out var c))
                        {
                            Assert.NotNull(Golden.Str(d, "id")); // the first delta of a call names it
                            c = (Golden.Str(d, "id"), null, new StringBuilder());
                        }

                        calls[index] = (c.Id, c.Name ?? Golden.Str(d, "function", "name"), c.Args.Append(Golden.Str(d, "function", "arguments")));
                    }
                }
            }
        }

        Assert.True(finishes == 1, $"expected exactly one finish_reason in the stream, got {finishes}");
        a.Text = text.ToString();
        a.Thinking = thinking.ToString();
        a.ToolCalls.AddRange(calls.Values.Select(c => new GoldenToolCall(c.Id, c.Name!, c.Args.ToString())));
        return a;
    }

    private static GoldenUsage? ChatUsage(JsonElement? usage) => usage is not { ValueKind: JsonValueKind.Object } u
        ? null
        : new GoldenUsage(Golden.Int(u, "prompt_tokens"), Golden.Int(u, "completion_tokens"),
            Golden.Int(u, "prompt_tokens_details", "cached_tokens"), Golden.Int(u, "completion_tokens_details", "reasoning_tokens"));

    // ---- Anthropic Messages ----

    public static GoldenAnswer MessagesJson(string body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("message", Golden.Str(root, "type"));
        Assert.Equal("assistant", Golden.Str(root, "role"));
        Assert.False(string.IsNullOrEmpty(Golden.Str(root, "id")), "message id missing");
        var a = new GoldenAnswer { Finish = Golden.Str(root, "stop_reason"), Usage = MessagesUsage(Golden.Get(root, "usage"), null) };
        foreach (var block in root.GetProperty("content").EnumerateArray())
        {
            AddMessagesBlock(a, block, Golden.Str(block, "text") ?? Golden.Str(block, "thinking"), Golden.Get(block, "input")?.GetRawText(), Golden.Str(block, "signature"));
        }

        return a;
    }

    /// <summary>
    /// Anthropic events → answer, checking the envelope: one message_start first, content blocks started and stopped
    /// in order with deltas only inside an open block of the matching kind, one message_delta, one message_stop last.
    /// </summary>
    public static GoldenAnswer MessagesStream(List<SseEvent> events)
    {
        Assert.NotEmpty(events);
        var a = new GoldenAnswer();
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal(1, events.Count(e => e.Name == "message_start"));
        Assert.Equal("message_stop", events[^1].Name);
        Assert.Equal(1, events.Count(e => e.Name == "message_stop"));
        Assert.Equal(1, events.Count(e => e.Name == "message_delta"));
        JsonElement? startUsage = null;
        JsonElement? deltaUsage = null;
        var open = -1;
        var next = 0;
        JsonElement openBlock = default;
        StringBuilder body = new(), signature = new();
        foreach (var ev in events)
        {
            var root = JsonDocument.Parse(ev.Data).RootElement;
            Assert.Equal(ev.Name, Golden.Str(root, "type"));
            switch (ev.Name)
            {
                case "message_start":
                    Assert.Equal("assistant", Golden.Str(root, "message", "role"));
                    startUsage = Golden.Get(root, "message", "usage");
                    break;
                case "content_block_start":
                    Assert.True(open < 0, "content_block_start while block " + open + " is open");
                    Assert.Equal(next, root.GetProperty("index").GetInt32());
                    open = next++;
                    openBlock = root.GetProperty("content_block").Clone();
                    body = new StringBuilder(Golden.Str(openBlock, "text") ?? Golden.Str(openBlock, "thinking") ?? "");
                    signature = new StringBuilder(Golden.Str(openBlock, "signature") ?? "");
                    break;
                case "content_block_delta":
                    Assert.Equal(open, root.GetProperty("index").GetInt32());
                    var delta = root.GetProperty("delta");
                    var kind = Golden.Str(openBlock, "type");
                    switch (Golden.Str(delta, "type"))
                    {
                        case "text_delta": Assert.Equal("text", kind); body.Append(Golden.Str(delta, "text")); break;
                        case "thinking_delta": Assert.Equal("thinking", kind); body.Append(Golden.Str(delta, "thinking")); break;
                        case "signature_delta": Assert.Equal("thinking", kind); signature.Append(Golden.Str(delta, "signature")); break;
                        case "input_json_delta": Assert.Equal("tool_use", kind); body.Append(Golden.Str(delta, "partial_json")); break;
                        case var other: Assert.Fail("unexpected delta type " + other); break;
                    }

                    break;
                case "content_block_stop":
                    Assert.Equal(open, root.GetProperty("index").GetInt32());
                    var type = Golden.Str(openBlock, "type");
                    var input = type == "tool_use" ? (body.Length > 0 ? body.ToString() : Golden.Get(openBlock, "input")?.GetRawText()) : null;
                    AddMessagesBlock(a, openBlock, body.ToString(), input, signature.ToString());
                    open = -1;
                    break;
                case "message_delta":
                    Assert.True(open < 0, "message_delta inside an open content block");
                    a.Finish = Golden.Str(root, "delta", "stop_reason");
                    deltaUsage = Golden.Get(root, "usage");
                    break;
                case "message_stop":
                case "ping":
                    break;
                case var other:
                    Assert.Fail($"unexpected event '{other}': {ev.Data}");
                    break;
            }
        }

        a.Usage = MessagesUsage(startUsage, deltaUsage);
        return a;
    }

    private static void AddMessagesBlock(GoldenAnswer a, JsonElement block, string? content, string? input, string? signature)
    {
        switch (Golden.Str(block, "type"))
        {
            case "text":
                a.Text += content;
                break;
            case "thinking":
                a.Thinking += content;
                if (!string.IsNullOrEmpty(signature))
                {
                    a.Signatures.Add(signature);
                }

                break;
            case "redacted_thinking":
                a.Redacted.Add(Golden.Str(block, "data")!);
                break;
            case "tool_use":
                a.ToolCalls.Add(new GoldenToolCall(Golden.Str(block, "id"), Golden.Str(block, "name")!, input ?? "{}"));
                break;
            case var other:
                Assert.Fail("unexpected content block type " + other);
                break;
        }
    }

    private static GoldenUsage? MessagesUsage(JsonElement? start, JsonElement? delta) => AnthropicOracle.Usage(start, delta);

    // ---- OpenAI Responses ----

    public static GoldenAnswer ResponsesJson(string body) => ResponseObject(JsonDocument.Parse(body).RootElement);

    private static GoldenAnswer ResponseObject(JsonElement root)
    {
        Assert.Equal("response", Golden.Str(root, "object"));
        var a = new GoldenAnswer();
        var status = Golden.Str(root, "status");
        a.Finish = status == "incomplete" ? "incomplete:" + Golden.Str(root, "incomplete_details", "reason") : status;
        foreach (var item in root.GetProperty("output").EnumerateArray())
        {
            switch (Golden.Str(item, "type"))
            {
                case "message":
                    Assert.Equal("assistant", Golden.Str(item, "role"));
                    foreach (var part in item.GetProperty("content").EnumerateArray())
                    {
                        if (Golden.Str(part, "type") == "output_text")
                        {
                            a.Text += Golden.Str(part, "text");
                        }
                    }

                    break;
                case "reasoning":
                    a.Thinking += ReasoningText(item);
                    break;
                case "function_call":
                    a.ToolCalls.Add(new GoldenToolCall(Golden.Str(item, "call_id"), Golden.Str(item, "name")!, Golden.Str(item, "arguments")!));
                    break;
                case var other:
                    Assert.Fail("unexpected output item type " + other);
                    break;
            }
        }

        if (Golden.Get(root, "usage") is { } u)
        {
            a.Usage = new GoldenUsage(Golden.Int(u, "input_tokens"), Golden.Int(u, "output_tokens"),
                Golden.Int(u, "input_tokens_details", "cached_tokens"), Golden.Int(u, "output_tokens_details", "reasoning_tokens"));
        }

        return a;
    }

    /// <summary>Reasoning text of a reasoning item: its <c>content</c> (reasoning_text) if any, else its summary.</summary>
    private static string ReasoningText(JsonElement item)
    {
        static string Join(JsonElement? parts) => parts is { ValueKind: JsonValueKind.Array } p ? string.Concat(p.EnumerateArray().Select(x => Golden.Str(x, "text"))) : "";
        var content = Join(Golden.Get(item, "content"));
        return content.Length > 0 ? content : Join(Golden.Get(item, "summary"));
    }

    /// <summary>
    /// Responses events → answer. Checks: strictly increasing sequence_number, response.created first, exactly one
    /// terminal event (response.completed, or response.incomplete) and it is last, every output item added and done,
    /// and the deltas add up to the final response's items (which are then the answer).
    /// </summary>
    public static GoldenAnswer ResponsesStream(List<SseEvent> events)
    {
        Assert.NotEmpty(events);
        var last = -1;
        var text = new Dictionary<int, StringBuilder>();
        var args = new Dictionary<int, StringBuilder>();
        var reasoning = new Dictionary<int, StringBuilder>();
        var added = new HashSet<int>();
        var done = new HashSet<int>();
        JsonElement? final = null;
        for (var i = 0; i < events.Count; i++)
        {
            var ev = events[i];
            var root = JsonDocument.Parse(ev.Data).RootElement;
            var type = Golden.Str(root, "type");
            Assert.Equal(ev.Name, type);
            var seq = root.GetProperty("sequence_number").GetInt32();
            Assert.True(seq > last, $"sequence_number {seq} after {last}");
            last = seq;
            int Index() => root.GetProperty("output_index").GetInt32();
            StringBuilder At(Dictionary<int, StringBuilder> d) => d.TryGetValue(Index(), out var sb) ? sb : d[Index()] = new StringBuilder();
            switch (type)
            {
                case "response.created":
                    Assert.Equal(0, i);
                    break;
                case "response.output_item.added":
                    Assert.True(added.Add(Index()), "output item added twice");
                    break;
                case "response.output_item.done":
                    Assert.Contains(Index(), added);
                    Assert.True(done.Add(Index()), "output item done twice");
                    break;
                case "response.output_text.delta":
                    Assert.Contains(Index(), added);
                    Assert.DoesNotContain(Index(), done);
                    At(text).Append(Golden.Str(root, "delta"));
                    break;
                case "response.function_call_arguments.delta":
                    Assert.Contains(Index(), added);
                    Assert.DoesNotContain(Index(), done);
                    At(args).Append(Golden.Str(root, "delta"));
                    break;
                case "response.reasoning_text.delta" or "response.reasoning_summary_text.delta":
                    Assert.Contains(Index(), added);
                    At(reasoning).Append(Golden.Str(root, "delta"));
                    break;
                case "response.completed" or "response.incomplete":
                    Assert.True(i == events.Count - 1, type + " is not the last event");
                    final = root.GetProperty("response").Clone();
                    break;
                case "response.failed" or "error":
                    Assert.Fail("the stream failed: " + ev.Data);
                    break;
            }
        }

        Assert.True(final is not null, "no response.completed / response.incomplete event");
        Assert.True(added.SetEquals(done), "an output item was added but never done");
        var a = ResponseObject(final!.Value);
        // The deltas must add up to the final items.
        var output = final.Value.GetProperty("output");
        for (var i = 0; i < output.GetArrayLength(); i++)
        {
            var item = output[i];
            switch (Golden.Str(item, "type"))
            {
                case "message":
                    var itemText = string.Concat(item.GetProperty("content").EnumerateArray().Select(p => Golden.Str(p, "text")));
                    Assert.Equal(itemText, text.TryGetValue(i, out var t) ? t.ToString() : "");
                    break;
                case "function_call":
                    Assert.Equal(Golden.Str(item, "arguments"), args.TryGetValue(i, out var g) ? g.ToString() : "");
                    break;
                case "reasoning":
                    Assert.Equal(ReasoningText(item), reasoning.TryGetValue(i, out var r) ? r.ToString() : "");
                    break;
            }
        }

        return a;
    }
}
