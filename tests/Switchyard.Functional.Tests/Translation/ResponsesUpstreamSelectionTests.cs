using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// Issue 11: an OpenAI (or Azure OpenAI) entry reaches /v1/responses for a Responses-only model or with
/// <c>protocol: responses</c>, and chat and Anthropic clients get a correct answer in their own protocol from the
/// recorded Responses traffic a fake upstream replays.
/// </summary>
public sealed class ResponsesUpstreamSelectionTests : IAsyncLifetime
{
    private const string Basic = "openai-responses/llm__test_responses_basic_non_streaming.0.json";
    private const string BasicStream = "openai-responses/llm__test_responses_basic_streaming.0.sse";
    private const string ToolStream = "openai-responses/llm__test_responses_tool_use_streaming.0.sse";
    private const string ToolJson = "openai-responses/llm__test_responses_tool_use.0.json";

    private FakeUpstream _upstream = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/o3-pro
                access_key: k
                base_url: {_upstream.BaseUrl}
              - model: openai/gpt-4.1
                access_key: k
                base_url: {_upstream.BaseUrl}
                protocol: responses
              - model: openai/gpt-5-pro
                access_key: k
                base_url: {_upstream.BaseUrl}
                protocol: chat
              - model: openai/gpt-4o
                access_key: k
                base_url: {_upstream.BaseUrl}
              - model: azure_openai/my-deployment
                access_key: k
                base_url: {_upstream.BaseUrl}
                protocol: responses
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private const string Tools = """[{"type":"function","function":{"name":"multiply","description":"Multiply two numbers.","parameters":{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}}}]""";

    private static string ChatBody(string model, bool stream)
        => "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true,\"stream_options\":{\"include_usage\":true}" : "false")
            + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"ping\"}],\"tools\":" + Tools + "}";

    private static string MessagesBody(string model, bool stream) =>
        $$"""{"model":"{{model}}","max_tokens":256,"stream":{{(stream ? "true" : "false")}},"system":"Be brief.","messages":[{"role":"user","content":"ping"}]}""";

    private async Task<(RecordedRequest Upstream, HttpResponseMessage Response, string Body)> AskAsync(string path, string body, string fixture, params (string, string)[] headers)
    {
        _upstream.Enqueue(Reply.Fixture(fixture));
        var hs = path == "/v1/messages" ? headers.Append(("anthropic-version", "2023-06-01")) : headers;
        var response = await _gateway.PostAsync(path, Encoding.UTF8.GetBytes(body), hs);
        var text = await response.Content.ReadAsStringAsync();
        var upstream = await _upstream.NextRequestAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        return (upstream, response, text);
    }

    /// <summary>What the recorded Response says: its output text and usage.</summary>
    private static (string Text, int Input, int Output) RecordedAnswer(string fixture)
    {
        var root = JsonDocument.Parse(Fixtures.Bytes(fixture)).RootElement;
        var text = string.Concat(root.GetProperty("output").EnumerateArray().Where(o => o.GetProperty("type").GetString() == "message")
            .SelectMany(o => o.GetProperty("content").EnumerateArray()).Select(c => c.GetProperty("text").GetString()));
        var usage = root.GetProperty("usage");
        return (text, usage.GetProperty("input_tokens").GetInt32(), usage.GetProperty("output_tokens").GetInt32());
    }

    /// <summary>The text deltas and completed function calls of a recorded Responses stream.</summary>
    private static (string Text, List<(string CallId, string Name, string Arguments)> Calls) RecordedStream(string fixture)
    {
        var text = new StringBuilder();
        var calls = new List<(string, string, string)>();
        foreach (var line in Encoding.UTF8.GetString(Fixtures.Bytes(fixture)).Split('\n'))
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var ev = JsonDocument.Parse(line["data: ".Length..]).RootElement;
            var type = ev.GetProperty("type").GetString();
            if (type == "response.output_text.delta")
            {
                text.Append(ev.GetProperty("delta").GetString());
            }
            else if (type == "response.output_item.done" && ev.GetProperty("item").GetProperty("type").GetString() == "function_call")
            {
                var item = ev.GetProperty("item");
                calls.Add((item.GetProperty("call_id").GetString()!, item.GetProperty("name").GetString()!, item.GetProperty("arguments").GetString()!));
            }
        }

        return (text.ToString(), calls);
    }

    private static JsonElement UpstreamJson(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task ChatClient_ResponsesOnlyModel_ReachesV1ResponsesAndGetsAChatCompletion()
    {
        var (upstream, _, body) = await AskAsync("/v1/chat/completions", ChatBody("openai/o3-pro", stream: false), Basic);

        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        var sent = UpstreamJson(upstream);
        Assert.Equal("o3-pro", sent.GetProperty("model").GetString());
        Assert.Equal("Be brief.", sent.GetProperty("instructions").GetString());
        Assert.Equal("ping", sent.GetProperty("input")[0].GetProperty("content").GetString());
        Assert.False(sent.GetProperty("store").GetBoolean());
        Assert.Equal("multiply", sent.GetProperty("tools")[0].GetProperty("name").GetString());

        var expected = RecordedAnswer(Basic);
        var answer = ClientReaders.ChatJson(body);
        Assert.Equal(expected.Text, answer.Text);
        Assert.Equal("stop", answer.Finish);
        Assert.Equal(expected.Input, answer.Usage!.Input);
        Assert.Equal(expected.Output, answer.Usage.Output);
        Assert.Equal("chat.completion", JsonDocument.Parse(body).RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task ChatClient_ResponsesOnlyModel_StreamedToolCallArrivesAsChatChunks()
    {
        var (upstream, response, body) = await AskAsync("/v1/chat/completions", ChatBody("openai/o3-pro", stream: true), ToolStream);

        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        Assert.True(UpstreamJson(upstream).GetProperty("stream").GetBoolean());
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var expected = RecordedStream(ToolStream);
        var answer = ClientReaders.ChatStream(Sse.Parse(body));
        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal(expected.Calls[0].CallId, call.Id);
        Assert.Equal(expected.Calls[0].Name, call.Name);
        Assert.Equal(expected.Calls[0].Arguments, call.Arguments);
        Assert.Equal("tool_calls", answer.Finish);
        Assert.NotNull(answer.Usage);
    }

    [Fact]
    public async Task ChatClient_ResponsesOnlyModel_StreamedTextArrivesAsChatChunks()
    {
        var (upstream, _, body) = await AskAsync("/v1/chat/completions", ChatBody("openai/o3-pro", stream: true), BasicStream);

        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        var answer = ClientReaders.ChatStream(Sse.Parse(body));
        Assert.Equal(RecordedStream(BasicStream).Text, answer.Text);
        Assert.Equal("stop", answer.Finish);
    }

    [Fact]
    public async Task MessagesClient_ResponsesOnlyModel_GetsAnAnthropicMessage()
    {
        var (upstream, _, body) = await AskAsync("/v1/messages", MessagesBody("openai/o3-pro", stream: false), Basic);

        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        Assert.Equal(256, UpstreamJson(upstream).GetProperty("max_output_tokens").GetInt32());
        var expected = RecordedAnswer(Basic);
        var answer = ClientReaders.MessagesJson(body);
        Assert.Equal(expected.Text, answer.Text);
        Assert.Equal("end_turn", answer.Finish);
        Assert.Equal(expected.Output, answer.Usage!.Output);
        Assert.Equal("message", JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task MessagesClient_ResponsesOnlyModel_StreamsAnthropicEvents()
    {
        var (upstream, _, body) = await AskAsync("/v1/messages", MessagesBody("openai/o3-pro", stream: true), ToolStream);

        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        var expected = RecordedStream(ToolStream);
        var answer = ClientReaders.MessagesStream(Sse.Parse(body));
        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal(expected.Calls[0].CallId, call.Id);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.Calls[0].Arguments), JsonNode.Parse(call.Arguments)));
        Assert.Equal("tool_use", answer.Finish);
    }

    [Fact]
    public async Task MessagesClient_ToolCallAnswer_GetsToolUse()
    {
        var (upstream, _, body) = await AskAsync("/v1/messages", MessagesBody("openai/o3-pro", stream: false), ToolJson);

        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        var item = JsonDocument.Parse(Fixtures.Bytes(ToolJson)).RootElement.GetProperty("output")[0];
        var answer = ClientReaders.MessagesJson(body);
        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal(item.GetProperty("call_id").GetString(), call.Id);
        Assert.Equal("tool_use", answer.Finish);
    }

    [Fact]
    public async Task EntryProtocolResponses_SendsAnOrdinaryModelToV1Responses()
    {
        var (upstream, _, body) = await AskAsync("/v1/chat/completions", ChatBody("openai/gpt-4.1", stream: false), Basic);
        Assert.Equal("/v1/responses", upstream.PathAndQuery);
        Assert.Equal(RecordedAnswer(Basic).Text, ClientReaders.ChatJson(body).Text);
    }

    [Fact]
    public async Task EntryProtocolChat_ForcesChatEvenForAResponsesOnlyModel()
    {
        var (upstream, _, _) = await AskAsync("/v1/chat/completions", ChatBody("openai/gpt-5-pro", stream: false), "openai/envoy__chat-basic.0.json");
        Assert.Equal("/v1/chat/completions", upstream.PathAndQuery);
        Assert.True(UpstreamJson(upstream).TryGetProperty("messages", out _)); // pass-through: the client's own body
    }

    [Fact]
    public async Task OrdinaryModel_StaysOnChatCompletions()
    {
        var (upstream, _, _) = await AskAsync("/v1/chat/completions", ChatBody("openai/gpt-4o", stream: false), "openai/envoy__chat-basic.0.json");
        Assert.Equal("/v1/chat/completions", upstream.PathAndQuery);
    }

    [Fact]
    public async Task AzureEntryProtocolResponses_ReachesTheV1ResponsesPath()
    {
        var (upstream, _, body) = await AskAsync("/v1/chat/completions", ChatBody("azure_openai/my-deployment", stream: false), Basic);
        Assert.Equal("/openai/v1/responses", upstream.PathAndQuery);
        Assert.Equal("my-deployment", UpstreamJson(upstream).GetProperty("model").GetString());
        Assert.Equal("k", upstream.Headers["api-key"]);
        Assert.Equal(RecordedAnswer(Basic).Text, ClientReaders.ChatJson(body).Text);
    }

    [Fact]
    public async Task Explain_ShowsTheResponsesUpstream()
    {
        var (_, response, _) = await AskAsync("/v1/chat/completions", ChatBody("openai/o3-pro", stream: false), Basic, ("x-switchyard-explain", "1"));
        Assert.True(response.Headers.TryGetValues("x-switchyard-explain", out var values), "explain header present");
        var upstream = JsonDocument.Parse(values.Single()).RootElement.GetProperty("explanation").GetProperty("upstream")[0];
        Assert.Equal("openai/o3-pro", upstream.GetProperty("model").GetString());
        Assert.Equal("openai-responses", upstream.GetProperty("protocol").GetString());
        Assert.True(upstream.GetProperty("translated").GetBoolean());
    }

    [Fact]
    public async Task StreamErrorEvent_ReachesTheChatClientAsAChatError()
    {
        // vercel/ai's recording with its SSE framing restored (one data line per event).
        var sse = string.Concat(File.ReadAllLines(Fixtures.PathOf("openai-responses/vercel__openai-error.1.chunks.txt"))
            .Where(l => l.Length > 0).Select(l => "event: " + JsonDocument.Parse(l).RootElement.GetProperty("type").GetString() + "\ndata: " + l + "\n\n"));
        _upstream.Enqueue(Reply.Bytes(200, Encoding.UTF8.GetBytes(sse), "text/event-stream"));
        using var response = await _gateway.PostAsync("/v1/chat/completions", Encoding.UTF8.GetBytes(ChatBody("openai/o3-pro", stream: true)));
        var body = await response.Content.ReadAsStringAsync();
        var error = Sse.Parse(body).Select(e => e.Data).Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement)
            .Single(e => e.TryGetProperty("error", out _)).GetProperty("error");
        Assert.StartsWith("You exceeded your current quota", error.GetProperty("message").GetString());
    }

    /// <summary>Item 3: two turns of an Anthropic client; the encrypted reasoning of turn 1 goes back upstream on turn 2.</summary>
    [Fact]
    public async Task MessagesClient_TwoTurns_EncryptedReasoningGoesBackUpstream()
    {
        const string fixture = "openai-responses/vercel__openai-reasoning-encrypted-content.1.json";
        var first = """{"model":"openai/o3-pro","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"What is (12 + 7) * 3 * 10?"}]}""";
        var (upstream1, _, answer1) = await AskAsync("/v1/messages", first, fixture);
        var sent1 = UpstreamJson(upstream1);
        Assert.False(sent1.GetProperty("store").GetBoolean());
        Assert.Equal("reasoning.encrypted_content", sent1.GetProperty("include")[0].GetString());
        Assert.Equal("auto", sent1.GetProperty("reasoning").GetProperty("summary").GetString());

        var content = JsonNode.Parse(answer1)!["content"]!;
        var second = new JsonObject
        {
            ["model"] = "openai/o3-pro",
            ["max_tokens"] = 2048,
            ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 1024 },
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "What is (12 + 7) * 3 * 10?" },
                new JsonObject { ["role"] = "assistant", ["content"] = content.DeepClone() },
                new JsonObject { ["role"] = "user", ["content"] = "And divided by 5?" }),
        };
        var (upstream2, _, _) = await AskAsync("/v1/messages", second.ToJsonString(), fixture);

        var recorded = JsonDocument.Parse(Fixtures.Bytes(fixture)).RootElement.GetProperty("output")[0];
        var reasoning = UpstreamJson(upstream2).GetProperty("input")[1];
        Assert.Equal("reasoning", reasoning.GetProperty("type").GetString());
        Assert.Equal(recorded.GetProperty("id").GetString(), reasoning.GetProperty("id").GetString());
        Assert.Equal(recorded.GetProperty("encrypted_content").GetString(), reasoning.GetProperty("encrypted_content").GetString());
    }

    [Fact]
    public async Task ChatClient_TwoTurns_ReasoningSignatureGoesBackUpstream()
    {
        const string fixture = "openai-responses/vercel__openai-reasoning-encrypted-content.1.json";
        var (_, _, answer1) = await AskAsync("/v1/chat/completions",
            """{"model":"openai/o3-pro","reasoning_effort":"high","messages":[{"role":"user","content":"What is (12 + 7) * 3 * 10?"}]}""", fixture);
        var message = JsonNode.Parse(answer1)!["choices"]![0]!["message"]!;
        Assert.NotNull(message["reasoning_signature"]);

        var second = new JsonObject
        {
            ["model"] = "openai/o3-pro",
            ["reasoning_effort"] = "high",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "What is (12 + 7) * 3 * 10?" },
                message.DeepClone(),
                new JsonObject { ["role"] = "user", ["content"] = "And divided by 5?" }),
        };
        var (upstream2, _, _) = await AskAsync("/v1/chat/completions", second.ToJsonString(), fixture);
        var recorded = JsonDocument.Parse(Fixtures.Bytes(fixture)).RootElement.GetProperty("output")[0];
        var reasoning = UpstreamJson(upstream2).GetProperty("input")[1];
        Assert.Equal(recorded.GetProperty("encrypted_content").GetString(), reasoning.GetProperty("encrypted_content").GetString());
    }
}
