using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>One server-sent event: its <c>event:</c> name (or null) and its data lines joined by <c>\n</c>.</summary>
internal sealed record SseEvent(string? Name, string Data);

/// <summary>One AWS event-stream frame: its headers (string-valued ones) and its payload.</summary>
internal sealed record EventStreamFrame(IReadOnlyDictionary<string, string> Headers, byte[] Payload, int Offset, int Length)
{
    public string? EventType => Headers.TryGetValue(":event-type", out var v) ? v : null;
    public string? MessageType => Headers.TryGetValue(":message-type", out var v) ? v : null;
}

/// <summary>
/// A recorded upstream answer ready to serve: the bytes a provider sends (vercel <c>.chunks.txt</c> payloads are
/// re-framed as the provider frames them), its content type, and an oracle that reads the expected answer straight
/// from the recording — independent of the gateway's codecs.
/// </summary>
internal sealed class Recording
{
    private Recording(string fixture, UpstreamKind kind, bool stream, byte[] body, string contentType)
    {
        Fixture = fixture;
        Kind = kind;
        Stream = stream;
        Body = body;
        ContentType = contentType;
    }

    public string Fixture { get; }
    public UpstreamKind Kind { get; }
    public bool Stream { get; }
    public byte[] Body { get; }
    public string ContentType { get; }

    public static Recording Load(string fixture)
    {
        var folder = fixture[..fixture.IndexOf('/')];
        var kind = folder switch
        {
            "anthropic" => UpstreamKind.Anthropic,
            "gemini" => UpstreamKind.Gemini,
            "bedrock" => UpstreamKind.Bedrock,
            _ => UpstreamKind.OpenAIChat, // openai, deepseek, groq, mistral, …: OpenAI chat on the wire
        };
        var raw = Fixtures.Bytes(fixture);
        if (fixture.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            return new Recording(fixture, kind, true, Reframe(kind, raw), "text/event-stream");
        }

        if (fixture.EndsWith(".bin", StringComparison.Ordinal))
        {
            return new Recording(fixture, kind, true, raw, "application/vnd.amazon.eventstream");
        }

        if (fixture.EndsWith(".sse", StringComparison.Ordinal) || fixture.EndsWith(".txt", StringComparison.Ordinal))
        {
            return new Recording(fixture, kind, true, raw, "text/event-stream");
        }

        return new Recording(fixture, kind, false, raw, "application/json");
    }

    /// <summary>vercel fixtures hold one payload per line: frame them as the provider does.</summary>
    private static byte[] Reframe(UpstreamKind kind, byte[] raw)
    {
        var sb = new StringBuilder();
        foreach (var line in Encoding.UTF8.GetString(raw).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (kind == UpstreamKind.Anthropic)
            {
                using var doc = JsonDocument.Parse(line);
                sb.Append("event: ").Append(doc.RootElement.GetProperty("type").GetString()).Append('\n');
            }

            sb.Append("data: ").Append(line).Append("\n\n");
        }

        if (kind == UpstreamKind.OpenAIChat)
        {
            sb.Append("data: [DONE]\n\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The answer the recording carries, read independently of the gateway.</summary>
    public GoldenAnswer Expected() => (Kind, Stream) switch
    {
        (UpstreamKind.OpenAIChat, false) => OpenAIChatOracle.FromJson(Json()),
        (UpstreamKind.OpenAIChat, true) => OpenAIChatOracle.FromStream(Sse.Parse(Body)),
        (UpstreamKind.Anthropic, false) => AnthropicOracle.FromJson(Json()),
        (UpstreamKind.Anthropic, true) => AnthropicOracle.FromStream(Sse.Parse(Body)),
        (UpstreamKind.Gemini, false) => GeminiOracle.FromChunks([Json()]),
        (UpstreamKind.Gemini, true) => GeminiOracle.FromChunks(Sse.Parse(Body).Select(e => JsonDocument.Parse(e.Data).RootElement).ToList()),
        (UpstreamKind.Bedrock, false) => BedrockOracle.FromJson(Json()),
        (UpstreamKind.Bedrock, true) => BedrockOracle.FromFrames(EventStream.Parse(Body)),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>
    /// The first part of the recording, cut at a frame boundary about halfway (and never after the first content),
    /// as a connection that breaks mid-answer delivers it.
    /// </summary>
    public byte[] FirstHalf()
    {
        if (Kind == UpstreamKind.Bedrock)
        {
            var frames = EventStream.Parse(Body);
            var cut = frames[Math.Max(2, frames.Count / 2) - 1];
            return Body[..(cut.Offset + cut.Length)];
        }

        var text = Encoding.UTF8.GetString(Body).Replace("\r\n", "\n", StringComparison.Ordinal);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var keep = Math.Max(2, events.Length / 2);
        return Encoding.UTF8.GetBytes(string.Concat(events.Take(keep).Select(e => e + "\n\n")));
    }

    private JsonElement Json() => JsonDocument.Parse(Body).RootElement;

    public override string ToString() => Fixture;
}

/// <summary>A plain SSE parser (CRLF or LF line ends; comments ignored).</summary>
internal static class Sse
{
    public static List<SseEvent> Parse(byte[] body) => Parse(Encoding.UTF8.GetString(body));

    public static List<SseEvent> Parse(string text)
    {
        var events = new List<SseEvent>();
        string? name = null;
        var data = new List<string>();
        foreach (var rawLine in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = rawLine;
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    events.Add(new SseEvent(name, string.Join("\n", data)));
                }

                name = null;
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "event")
            {
                name = value;
            }
            else if (field == "data")
            {
                data.Add(value);
            }
        }

        if (data.Count > 0)
        {
            events.Add(new SseEvent(name, string.Join("\n", data)));
        }

        return events;
    }
}

/// <summary>A plain AWS event-stream frame reader (prelude, headers, payload; CRCs not checked here).</summary>
internal static class EventStream
{
    public static List<EventStreamFrame> Parse(byte[] body)
    {
        var frames = new List<EventStreamFrame>();
        var at = 0;
        while (at + 16 <= body.Length)
        {
            var total = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(at));
            var headersLength = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(at + 4));
            var headers = new Dictionary<string, string>();
            var h = at + 12;
            var headersEnd = h + headersLength;
            while (h < headersEnd)
            {
                int nameLength = body[h];
                var name = Encoding.UTF8.GetString(body, h + 1, nameLength);
                var type = body[h + 1 + nameLength];
                h += 2 + nameLength;
                switch (type)
                {
                    case 0 or 1: break;
                    case 2: h += 1; break;
                    case 3: h += 2; break;
                    case 4: h += 4; break;
                    case 5 or 8: h += 8; break;
                    case 9: h += 16; break;
                    case 6 or 7:
                        var length = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(h));
                        if (type == 7)
                        {
                            headers[name] = Encoding.UTF8.GetString(body, h + 2, length);
                        }

                        h += 2 + length;
                        break;
                    default: throw new InvalidDataException($"header type {type}");
                }
            }

            frames.Add(new EventStreamFrame(headers, body[headersEnd..(at + total - 4)], at, total));
            at += total;
        }

        return frames;
    }
}

internal static class OpenAIChatOracle
{
    public static GoldenAnswer FromJson(JsonElement root)
    {
        var a = new GoldenAnswer();
        var choice = root.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        a.Text = Golden.Str(message, "content") ?? "";
        a.Thinking = Golden.Str(message, "reasoning_content") ?? Golden.Str(message, "reasoning") ?? "";
        if (Golden.Get(message, "tool_calls") is { ValueKind: JsonValueKind.Array } calls)
        {
            foreach (var c in calls.EnumerateArray())
            {
                a.ToolCalls.Add(new GoldenToolCall(Golden.Str(c, "id"), Golden.Str(c, "function", "name")!, Golden.Str(c, "function", "arguments") ?? ""));
            }
        }

        a.Finish = Finish(Golden.Str(choice, "finish_reason"));
        a.Usage = Usage(Golden.Get(root, "usage"));
        return a;
    }

    public static GoldenAnswer FromStream(List<SseEvent> events)
    {
        var a = new GoldenAnswer();
        var text = new StringBuilder();
        var thinking = new StringBuilder();
        var calls = new List<(string? Id, string? Name, StringBuilder Args, int? Index)>();
        foreach (var ev in events)
        {
            if (ev.Data == "[DONE]")
            {
                break;
            }

            using var doc = JsonDocument.Parse(ev.Data);
            var root = doc.RootElement;
            if (Golden.Get(root, "usage") is { ValueKind: JsonValueKind.Object } usage)
            {
                a.Usage = Usage(usage);
            }

            if (Golden.Get(root, "choices") is not { ValueKind: JsonValueKind.Array } choices || choices.GetArrayLength() == 0)
            {
                continue;
            }

            var choice = choices[0];
            if (Golden.Str(choice, "finish_reason") is { } finish)
            {
                a.Finish = Finish(finish);
            }

            if (Golden.Get(choice, "delta") is not { } delta)
            {
                continue;
            }

            text.Append(Golden.Str(delta, "content"));
            thinking.Append(Golden.Str(delta, "reasoning_content") ?? Golden.Str(delta, "reasoning"));
            if (Golden.Get(delta, "tool_calls") is { ValueKind: JsonValueKind.Array } deltas)
            {
                foreach (var d in deltas.EnumerateArray())
                {
                    var index = Golden.Int(d, "index");
                    var id = Golden.Str(d, "id");
                    var at = index is not null ? calls.FindIndex(c => c.Index == index) : id is null ? calls.Count - 1 : -1;
                    if (at < 0)
                    {
                        calls.Add((id, null, new StringBuilder(), index));
                        at = calls.Count - 1;
                    }

                    var c = calls[at];
                    calls[at] = (c.Id ?? id, c.Name ?? Golden.Str(d, "function", "name"), c.Args.Append(Golden.Str(d, "function", "arguments")), c.Index);
                }
            }
        }

        a.Text = text.ToString();
        a.Thinking = thinking.ToString();
        a.ToolCalls.AddRange(calls.Select(c => new GoldenToolCall(c.Id, c.Name!, c.Args.ToString())));
        return a;
    }

    public static string? Finish(string? reason) => reason switch
    {
        "function_call" => "tool_calls",
        var r => r,
    };

    public static GoldenUsage? Usage(JsonElement? usage) => usage is not { ValueKind: JsonValueKind.Object } u
        ? null
        : new GoldenUsage(Golden.Int(u, "prompt_tokens"), Golden.Int(u, "completion_tokens"),
            Golden.Int(u, "prompt_tokens_details", "cached_tokens"), Golden.Int(u, "completion_tokens_details", "reasoning_tokens"));
}

internal static class AnthropicOracle
{
    public static GoldenAnswer FromJson(JsonElement root)
    {
        var a = new GoldenAnswer();
        foreach (var block in root.GetProperty("content").EnumerateArray())
        {
            AddBlock(a, block, Golden.Str(block, "text"), Golden.Str(block, "thinking"), Golden.Get(block, "input")?.GetRawText());
        }

        a.Finish = Finish(Golden.Str(root, "stop_reason"));
        a.Usage = Usage(Golden.Get(root, "usage"), null);
        return a;
    }

    public static GoldenAnswer FromStream(List<SseEvent> events)
    {
        var a = new GoldenAnswer();
        var blocks = new SortedDictionary<int, (JsonElement Start, StringBuilder Text, StringBuilder Signature)>();
        JsonElement? startUsage = null;
        JsonElement? deltaUsage = null;
        foreach (var ev in events)
        {
            var root = JsonDocument.Parse(ev.Data).RootElement;
            switch (Golden.Str(root, "type"))
            {
                case "message_start":
                    startUsage = Golden.Get(root, "message", "usage");
                    break;
                case "content_block_start":
                    var start = root.GetProperty("content_block");
                    blocks[root.GetProperty("index").GetInt32()] = (start, new StringBuilder(Golden.Str(start, "text") ?? Golden.Str(start, "thinking") ?? ""), new StringBuilder(Golden.Str(start, "signature") ?? ""));
                    break;
                case "content_block_delta":
                    var b = blocks[root.GetProperty("index").GetInt32()];
                    var delta = root.GetProperty("delta");
                    b.Text.Append(Golden.Str(delta, "text") ?? Golden.Str(delta, "thinking") ?? Golden.Str(delta, "partial_json"));
                    b.Signature.Append(Golden.Str(delta, "signature"));
                    break;
                case "message_delta":
                    a.Finish = Finish(Golden.Str(root, "delta", "stop_reason")) ?? a.Finish;
                    deltaUsage = Golden.Get(root, "usage");
                    break;
            }
        }

        foreach (var (_, (start, text, signature)) in blocks)
        {
            var type = Golden.Str(start, "type");
            var input = type == "tool_use" ? (text.Length > 0 ? text.ToString() : Golden.Get(start, "input")?.GetRawText() ?? "{}") : null;
            AddBlock(a, start, type == "text" ? text.ToString() : null, type == "thinking" ? text.ToString() : null, input, signature.ToString());
        }

        a.Usage = Usage(startUsage, deltaUsage);
        return a;
    }

    private static void AddBlock(GoldenAnswer a, JsonElement block, string? text, string? thinking, string? input, string? signature = null)
    {
        switch (Golden.Str(block, "type"))
        {
            case "text":
                a.Text += text;
                break;
            case "thinking":
                a.Thinking += thinking;
                if (!string.IsNullOrEmpty(signature ?? Golden.Str(block, "signature")))
                {
                    a.Signatures.Add(signature ?? Golden.Str(block, "signature")!);
                }

                break;
            case "redacted_thinking":
                a.Redacted.Add(Golden.Str(block, "data")!);
                break;
            case "tool_use":
                a.ToolCalls.Add(new GoldenToolCall(Golden.Str(block, "id"), Golden.Str(block, "name")!, input ?? "{}"));
                break;
        }
    }

    public static string? Finish(string? reason) => reason switch
    {
        null => null,
        "end_turn" => "stop",
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        var r => r, // stop_sequence, pause_turn
    };

    /// <summary>message_start usage, then message_delta's members (cumulative) where present.</summary>
    public static GoldenUsage? Usage(JsonElement? start, JsonElement? delta)
    {
        if (start is null && delta is null)
        {
            return null;
        }

        int? Pick(string name) => (delta is { } d ? Golden.Int(d, name) : null) ?? (start is { } s ? Golden.Int(s, name) : null);
        var input = Pick("input_tokens");
        var read = Pick("cache_read_input_tokens");
        var write = Pick("cache_creation_input_tokens");
        return new GoldenUsage(Golden.Sum(input, read, write), Pick("output_tokens"), read, null);
    }
}

internal static class GeminiOracle
{
    /// <summary>A generateContent body is one chunk; a stream is many, whose parts add up and whose last usage wins.</summary>
    public static GoldenAnswer FromChunks(List<JsonElement> chunks)
    {
        var a = new GoldenAnswer();
        var sawCall = false;
        string? finish = null;
        foreach (var chunk in chunks)
        {
            if (Golden.Get(chunk, "usageMetadata") is { } u)
            {
                var thoughts = Golden.Int(u, "thoughtsTokenCount");
                a.Usage = new GoldenUsage(Golden.Int(u, "promptTokenCount"), Golden.Sum(Golden.Int(u, "candidatesTokenCount"), thoughts),
                    Golden.Int(u, "cachedContentTokenCount"), thoughts);
            }

            if (Golden.Get(chunk, "candidates") is not { ValueKind: JsonValueKind.Array } candidates || candidates.GetArrayLength() == 0)
            {
                continue;
            }

            var candidate = candidates[0];
            finish = Golden.Str(candidate, "finishReason") ?? finish;
            if (Golden.Get(candidate, "content", "parts") is not { ValueKind: JsonValueKind.Array } parts)
            {
                continue;
            }

            foreach (var part in parts.EnumerateArray())
            {
                if (Golden.Str(part, "thoughtSignature") is { Length: > 0 } signature)
                {
                    a.Signatures.Add(signature); // opaque; must come back on the next turn
                }

                if (Golden.Get(part, "functionCall") is { } call)
                {
                    sawCall = true;
                    a.ToolCalls.Add(new GoldenToolCall(Golden.Str(call, "id"), Golden.Str(call, "name")!, Golden.Get(call, "args")?.GetRawText() ?? "{}"));
                }
                else if (Golden.Str(part, "text") is { } text)
                {
                    if (Golden.Get(part, "thought") is { ValueKind: JsonValueKind.True })
                    {
                        a.Thinking += text;
                    }
                    else
                    {
                        a.Text += text;
                    }
                }
            }
        }

        a.Finish = finish switch
        {
            null => null,
            "STOP" => sawCall ? "tool_calls" : "stop", // Gemini says STOP after function calls too
            "MAX_TOKENS" => "length",
            "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => "content_filter",
            var other => other,
        };
        return a;
    }
}

internal static class BedrockOracle
{
    public static GoldenAnswer FromJson(JsonElement root)
    {
        var a = new GoldenAnswer();
        foreach (var block in root.GetProperty("output").GetProperty("message").GetProperty("content").EnumerateArray())
        {
            if (Golden.Str(block, "text") is { } text)
            {
                a.Text += text;
            }
            else if (Golden.Get(block, "reasoningContent") is { } reasoning)
            {
                if (Golden.Get(reasoning, "reasoningText") is { } rt)
                {
                    a.Thinking += Golden.Str(rt, "text");
                    if (Golden.Str(rt, "signature") is { Length: > 0 } sig)
                    {
                        a.Signatures.Add(sig);
                    }
                }
                else if (Golden.Str(reasoning, "redactedContent") is { } redacted)
                {
                    a.Redacted.Add(redacted);
                }
            }
            else if (Golden.Get(block, "toolUse") is { } tool)
            {
                a.ToolCalls.Add(new GoldenToolCall(Golden.Str(tool, "toolUseId"), Golden.Str(tool, "name")!, Golden.Get(tool, "input")?.GetRawText() ?? "{}"));
            }
        }

        a.Finish = Finish(Golden.Str(root, "stopReason"));
        a.Usage = Usage(Golden.Get(root, "usage"));
        return a;
    }

    public static GoldenAnswer FromFrames(List<EventStreamFrame> frames)
    {
        var a = new GoldenAnswer();
        var blocks = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Text, StringBuilder Thinking, StringBuilder Signature, StringBuilder Input, List<string> Redacted)>();
        (string?, string?, StringBuilder, StringBuilder, StringBuilder, StringBuilder, List<string>) Block(int i)
            => blocks.TryGetValue(i, out var b) ? b : blocks[i] = (null, null, new(), new(), new(), new(), []);
        foreach (var frame in frames.Where(f => f.MessageType == "event"))
        {
            var root = JsonDocument.Parse(frame.Payload).RootElement;
            switch (frame.EventType)
            {
                case "contentBlockStart":
                    var index = root.GetProperty("contentBlockIndex").GetInt32();
                    var b = Block(index);
                    if (Golden.Get(root, "start", "toolUse") is { } tool)
                    {
                        blocks[index] = b with { Item1 = Golden.Str(tool, "toolUseId"), Item2 = Golden.Str(tool, "name") };
                    }

                    break;
                case "contentBlockDelta":
                    var d = Block(root.GetProperty("contentBlockIndex").GetInt32());
                    var delta = root.GetProperty("delta");
                    d.Item3.Append(Golden.Str(delta, "text"));
                    d.Item4.Append(Golden.Str(delta, "reasoningContent", "text"));
                    d.Item5.Append(Golden.Str(delta, "reasoningContent", "signature"));
                    if (Golden.Str(delta, "reasoningContent", "redactedContent") is { } redacted)
                    {
                        d.Item7.Add(redacted);
                    }

                    d.Item6.Append(Golden.Str(delta, "toolUse", "input"));
                    break;
                case "messageStop":
                    a.Finish = Finish(Golden.Str(root, "stopReason"));
                    break;
                case "metadata":
                    a.Usage = Usage(Golden.Get(root, "usage"));
                    break;
            }
        }

        foreach (var (_, b) in blocks)
        {
            a.Text += b.Text.ToString();
            a.Thinking += b.Thinking.ToString();
            if (b.Signature.Length > 0)
            {
                a.Signatures.Add(b.Signature.ToString());
            }

            a.Redacted.AddRange(b.Redacted);
            if (b.Name is not null)
            {
                a.ToolCalls.Add(new GoldenToolCall(b.Id, b.Name, b.Input.ToString()));
            }
        }

        return a;
    }

    public static string? Finish(string? reason) => reason switch
    {
        null => null,
        "end_turn" => "stop",
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "stop_sequence" => "stop_sequence",
        "content_filtered" or "guardrail_intervened" => "content_filter",
        var r => r,
    };

    public static GoldenUsage? Usage(JsonElement? usage)
    {
        if (usage is not { } u)
        {
            return null;
        }

        var read = Golden.Int(u, "cacheReadInputTokens");
        return new GoldenUsage(Golden.Sum(Golden.Int(u, "inputTokens"), read, Golden.Int(u, "cacheWriteInputTokens")), Golden.Int(u, "outputTokens"), read, null);
    }
}

internal static class ErrorOracle
{
    /// <summary>The message of a recorded error body: <c>error.message</c> (OpenAI, Anthropic, Gemini) or <c>message</c> (Bedrock).</summary>
    public static string MessageOf(Recording recording)
    {
        var root = JsonDocument.Parse(recording.Body).RootElement;
        return Golden.Str(root, "error", "message") ?? Golden.Str(root, "message")
            ?? throw new InvalidDataException("no error message in " + recording.Fixture);
    }
}
