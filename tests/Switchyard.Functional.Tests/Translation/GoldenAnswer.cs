using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>One tool call as any protocol carries it: id (when the wire has one), name, arguments as JSON text.</summary>
internal sealed record GoldenToolCall(string? Id, string Name, string Arguments);

/// <summary>
/// Token usage in one neutral convention: <see cref="Input"/> counts every input token (cached and cache-written
/// ones included, as OpenAI's prompt_tokens), <see cref="Output"/> every output token (reasoning included).
/// </summary>
internal sealed record GoldenUsage(int? Input, int? Output, int? Cached, int? Reasoning);

/// <summary>
/// An assistant answer reduced to what must survive translation. Built twice per golden case, independently: from the
/// upstream recording (what the provider said) and from what the client received; the test compares the two.
/// Finish reasons use a neutral vocabulary: stop, stop_sequence, length, tool_calls, content_filter.
/// </summary>
internal sealed class GoldenAnswer
{
    public string Text { get; set; } = "";
    public string Thinking { get; set; } = "";
    /// <summary>Signatures of thinking blocks (Anthropic / Bedrock reasoning), in order, empty ones left out.</summary>
    public List<string> Signatures { get; } = [];
    /// <summary>Redacted thinking blocks (their opaque data).</summary>
    public List<string> Redacted { get; } = [];
    public List<GoldenToolCall> ToolCalls { get; } = [];
    public string? Finish { get; set; }
    public GoldenUsage? Usage { get; set; }

    public override string ToString()
        => $"text[{Text.Length}] thinking[{Thinking.Length}] sigs={Signatures.Count} redacted={Redacted.Count} tools=[{string.Join(", ", ToolCalls.Select(t => t.Name + t.Arguments))}] finish={Finish} usage={Usage}";
}

/// <summary>Which upstream wire protocol a recording speaks.</summary>
public enum UpstreamKind { OpenAIChat, Anthropic, Gemini, Bedrock }

/// <summary>Which client protocol a test speaks.</summary>
public enum ClientKind { Chat, Messages, Responses }

internal static class Golden
{
    /// <summary>The client's own finish vocabulary for a neutral reason (the mapping table of DESIGN.md §4 / issue 3).</summary>
    public static string? ClientFinish(ClientKind client, string? neutral) => (client, neutral) switch
    {
        (_, null) => null,
        (ClientKind.Chat, "stop" or "stop_sequence") => "stop",
        (ClientKind.Chat, var n) => n, // length, tool_calls, content_filter are OpenAI's own words
        (ClientKind.Messages, "stop") => "end_turn",
        (ClientKind.Messages, "length") => "max_tokens",
        (ClientKind.Messages, "tool_calls") => "tool_use",
        (ClientKind.Messages, "content_filter") => "refusal",
        (ClientKind.Messages, var n) => n, // stop_sequence
        // Responses: a response is "completed" unless cut by the token limit or a filter ("incomplete" + reason).
        (ClientKind.Responses, "length") => "incomplete:max_output_tokens",
        (ClientKind.Responses, "content_filter") => "incomplete:content_filter",
        _ => "completed",
    };

    /// <summary>Asserts that the client received the recorded answer.</summary>
    /// <param name="neutralFinish">Both answers carry the same vocabulary (two recordings, or two client answers).</param>
    public static void AssertSame(ClientKind client, GoldenAnswer expected, GoldenAnswer actual, string context, bool neutralFinish = false)
    {
        var where = $"[{context}]\nexpected: {expected}\nactual:   {actual}";
        Assert.True(expected.Text == actual.Text, $"text differs {where}\n--- expected text:\n{expected.Text}\n--- actual text:\n{actual.Text}");
        Assert.True(expected.Thinking == actual.Thinking, $"thinking differs {where}\n--- expected:\n{expected.Thinking}\n--- actual:\n{actual.Thinking}");
        if (client == ClientKind.Messages)
        {
            // Only the Anthropic protocol can carry thinking signatures and redacted thinking back to its client.
            Assert.True(expected.Signatures.SequenceEqual(actual.Signatures), $"thinking signatures differ {where}");
            Assert.True(expected.Redacted.SequenceEqual(actual.Redacted), $"redacted thinking differs {where}");
        }

        Assert.True(expected.ToolCalls.Count == actual.ToolCalls.Count, $"tool call count differs {where}");
        for (var i = 0; i < expected.ToolCalls.Count; i++)
        {
            var e = expected.ToolCalls[i];
            var a = actual.ToolCalls[i];
            Assert.True(e.Name == a.Name, $"tool call {i} name: expected {e.Name}, got {a.Name} {where}");
            Assert.True(JsonEquals(e.Arguments, a.Arguments), $"tool call {i} arguments: expected {e.Arguments}, got {a.Arguments} {where}");
            Assert.False(string.IsNullOrEmpty(a.Id), $"tool call {i} has no id {where}");
            if (e.Id is not null)
            {
                Assert.True(e.Id == a.Id, $"tool call {i} id: expected {e.Id}, got {a.Id} {where}");
            }
        }

        Assert.True(actual.ToolCalls.Select(t => t.Id).Distinct().Count() == actual.ToolCalls.Count, $"tool call ids are not distinct {where}");
        var finish = neutralFinish ? expected.Finish : ClientFinish(client, expected.Finish);
        if (finish is not null)
        {
            Assert.True(finish == actual.Finish, $"finish: expected {finish}, got {actual.Finish} {where}");
        }

        if (expected.Usage is { } eu)
        {
            Assert.True(actual.Usage is not null, $"usage missing {where}");
            var au = actual.Usage!;
            if (eu.Input is { } input)
            {
                Assert.True(input == au.Input, $"input tokens: expected {input}, got {au.Input} {where}");
            }

            if (eu.Output is { } output)
            {
                Assert.True(output == au.Output, $"output tokens: expected {output}, got {au.Output} {where}");
            }

            Assert.True((eu.Cached ?? 0) == (au.Cached ?? 0), $"cached tokens: expected {eu.Cached}, got {au.Cached} {where}");
            if (client != ClientKind.Messages)
            {
                Assert.True((eu.Reasoning ?? 0) == (au.Reasoning ?? 0), $"reasoning tokens: expected {eu.Reasoning}, got {au.Reasoning} {where}");
            }
        }
    }

    /// <summary>Semantic JSON equality (key order and whitespace ignored); empty text counts as <c>{}</c>.</summary>
    public static bool JsonEquals(string a, string b)
    {
        static JsonNode? Parse(string s) => JsonNode.Parse(string.IsNullOrWhiteSpace(s) ? "{}" : s);
        try
        {
            return JsonNode.DeepEquals(Parse(a), Parse(b));
        }
        catch (JsonException)
        {
            return a == b;
        }
    }

    public static int? Int(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }

        return e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;
    }

    public static string? Str(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    public static JsonElement? Get(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e) || e.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }

        return e;
    }

    public static int? Sum(params int?[] values) => values.All(v => v is null) ? null : values.Sum(v => v ?? 0);
}
