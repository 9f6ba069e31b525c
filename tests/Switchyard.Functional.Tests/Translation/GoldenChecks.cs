using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// The golden checks, shared by the three client-protocol test classes: each runs them for its own client protocol
/// against every other upstream protocol.
/// </summary>
public abstract class GoldenChecks(GoldenHarness harness) : IClassFixture<GoldenHarness>
{
    private protected abstract ClientKind Client { get; }

    /// <summary>The upstream protocol this client's requests pass through to unchanged.</summary>
    private protected abstract UpstreamKind Native { get; }

    private protected GoldenHarness Harness { get; } = harness;

    /// <summary>The client receives the recorded answer: text, thinking, tool calls, finish reason and usage.</summary>
    private protected async Task AnswerMatchesRecordingAsync(string fixture)
    {
        var recording = Recording.Load(fixture);
        Assert.NotEqual(Native, recording.Kind);
        var expected = recording.Expected();
        var actual = await Harness.AskAsync(Client, recording);
        Golden.AssertSame(Client, expected, actual, $"{Client} ← {fixture}");
    }

    /// <summary>Where a fixture set has the same answer streamed and not, both translate to the same answer.</summary>
    private protected async Task StreamEqualsNonStreamAsync(string jsonFixture, string streamFixture)
    {
        var json = Recording.Load(jsonFixture);
        var stream = Recording.Load(streamFixture);
        Golden.AssertSame(Client, json.Expected(), stream.Expected(), "the two recordings are not the same answer", neutralFinish: true);
        var fromJson = await Harness.AskAsync(Client, json);
        var fromStream = await Harness.AskAsync(Client, stream);
        Golden.AssertSame(Client, fromJson, fromStream, $"{Client}: stream {streamFixture} vs answer {jsonFixture}", neutralFinish: true);
        Golden.AssertSame(Client, json.Expected(), fromJson, $"{Client} ← {jsonFixture}");
    }

    /// <summary>An upstream error status reaches the client with that status, its message, in the client's error shape.</summary>
    private protected async Task UpstreamErrorInClientShapeAsync(string fixture, int status, bool stream)
    {
        var recording = Recording.Load(fixture);
        var message = ErrorOracle.MessageOf(recording);
        _ = Harness.Serve(Reply.Bytes(status, recording.Body, "application/json"));
        var (response, body) = await Harness.PostAsync(Client, recording.Kind, stream);
        using (response)
        {
            Assert.True(status == (int)response.StatusCode, $"expected HTTP {status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var (_, clientMessage) = ClientError(JsonDocument.Parse(body).RootElement, body);
            Assert.Contains(message, clientMessage, StringComparison.Ordinal);
        }
    }

    /// <summary>An error the provider sends inside an HTTP 200 stream ends the client's stream with its error event.</summary>
    private protected async Task ErrorInsideStreamAsync(string fixture)
    {
        var recording = Recording.Load(fixture);
        var recordedError = Sse.Parse(recording.Body).Single(e => e.Name == "error" || e.Data.StartsWith("{\"error\"", StringComparison.Ordinal));
        var message = Golden.Str(JsonDocument.Parse(recordedError.Data).RootElement, "error", "message")!;
        _ = Harness.Serve(GoldenHarness.Recorded(recording));
        var (response, body) = await Harness.PostAsync(Client, recording.Kind, stream: true);
        using (response)
        {
            // Content came before the error, so the gateway had committed to a stream.
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
            var (_, clientMessage) = StreamError(Sse.Parse(body), body);
            Assert.Contains(message, clientMessage, StringComparison.Ordinal);
        }
    }

    /// <summary>A stream broken off mid-way ends with the client protocol's error event, never as if complete.</summary>
    private protected async Task CutStreamEndsWithErrorAsync(UpstreamKind upstream)
    {
        var recording = Recording.Load(GoldenHarness.Cases.ToCut[upstream]);
        var events = await Harness.CutStreamAsync(Client, recording);
        var whole = string.Join("\n", events.Select(e => $"{e.Name}: {e.Data}"));
        StreamError(events, whole);
    }

    /// <summary>The error object of a JSON error body in the client's shape: (type, message).</summary>
    private (string Type, string Message) ClientError(JsonElement root, string raw)
    {
        if (Client == ClientKind.Messages)
        {
            Assert.True(Golden.Str(root, "type") == "error", "not an Anthropic error: " + raw);
            Assert.True(Golden.Str(root, "error", "type") is not null, "error.type missing: " + raw);
            return (Golden.Str(root, "error", "type")!, Golden.Str(root, "error", "message") ?? Fail<string>("error.message missing: " + raw));
        }

        var e = ErrorJson.Parse(raw);
        return (e.Type, e.Message);
    }

    /// <summary>Checks that a stream ended with the client protocol's error event and not as complete; returns the error.</summary>
    private (string Type, string Message) StreamError(List<SseEvent> events, string raw)
    {
        Assert.NotEmpty(events);
        var last = events[^1];
        switch (Client)
        {
            case ClientKind.Chat:
                Assert.DoesNotContain(events, e => e.Data == "[DONE]");
                Assert.True(last.Name is null && last.Data.StartsWith('{'), "the stream does not end with an error chunk:\n" + raw);
                return ClientError(JsonDocument.Parse(last.Data).RootElement, last.Data);
            case ClientKind.Messages:
                Assert.Equal("message_start", events[0].Name);
                Assert.DoesNotContain(events, e => e.Name == "message_stop");
                Assert.True(last.Name == "error", "the stream does not end with event: error\n" + raw);
                return ClientError(JsonDocument.Parse(last.Data).RootElement, last.Data);
            default:
                Assert.Equal("response.created", events[0].Name);
                Assert.DoesNotContain(events, e => e.Name is "response.completed" or "response.incomplete");
                Assert.True(last.Name == "response.failed", "the stream does not end with response.failed\n" + raw);
                var seq = events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("sequence_number").GetInt32()).ToList();
                Assert.True(seq.Zip(seq.Skip(1)).All(p => p.Second > p.First), "sequence_number not increasing: " + string.Join(",", seq));
                var failed = JsonDocument.Parse(last.Data).RootElement;
                Assert.Equal("failed", Golden.Str(failed, "response", "status"));
                var error = Golden.Get(failed, "response", "error") ?? Fail<JsonElement>("response.error missing: " + last.Data);
                return (Golden.Str(error, "code") ?? "", Golden.Str(error, "message") ?? Fail<string>("response.error.message missing"));
        }
    }

    /// <summary>The request the upstream received is the target protocol, with the vendor's auth.</summary>
    private protected async Task UpstreamRequestIsTargetProtocolAsync(UpstreamKind upstream, bool stream)
    {
        var answer = Recording.Load(upstream switch
        {
            UpstreamKind.OpenAIChat => stream ? "openai/envoy__chat-streaming.0.sse" : "openai/envoy__chat-basic.0.json",
            UpstreamKind.Anthropic => stream ? "anthropic/llmanth__test_stream_events_text.0.sse" : "anthropic/vercel__anthropic-text.json",
            UpstreamKind.Gemini => stream ? "gemini/pydai__test_google_model_stream.0.sse" : "gemini/pydai__test_google_extra_headers.0.json",
            _ => stream ? "bedrock/pydai__test_bedrock_model_stream.0.bin" : "bedrock/pydai__test_bedrock_model.0.json",
        });
        var seenTask = Harness.Serve(GoldenHarness.Recorded(answer));
        var (response, body) = await Harness.PostAsync(Client, upstream, stream);
        response.Dispose();
        Assert.True(response.IsSuccessStatusCode, body);
        var seen = await seenTask;
        Assert.Equal("POST", seen.Method);
        var root = JsonDocument.Parse(seen.Body).RootElement;
        var raw = seen.BodyText;
        switch (upstream)
        {
            case UpstreamKind.OpenAIChat:
                Assert.Equal("/v1/chat/completions", seen.PathAndQuery);
                Assert.Equal("Bearer k", seen.Header("Authorization"));
                Assert.Equal("deepseek-chat", Golden.Str(root, "model"));
                var messages = root.GetProperty("messages");
                Assert.True(Golden.Str(messages[0], "role") is "system" or "developer", raw);
                Assert.Contains("Be brief.", messages[0].GetProperty("content").GetRawText(), StringComparison.Ordinal);
                Assert.Equal("user", Golden.Str(messages[1], "role"));
                Assert.Contains("Hi", messages[1].GetProperty("content").GetRawText(), StringComparison.Ordinal);
                Assert.Equal("get_weather", Golden.Str(root.GetProperty("tools")[0], "function", "name"));
                Assert.Equal(1024, Golden.Int(root, "max_tokens") ?? Golden.Int(root, "max_completion_tokens"));
                Assert.Equal(stream, Golden.Get(root, "stream")?.GetBoolean() ?? false);
                if (stream)
                {
                    Assert.True(Golden.Get(root, "stream_options", "include_usage")?.GetBoolean(), "stream usage not asked for: " + raw);
                }

                break;
            case UpstreamKind.Anthropic:
                Assert.Equal("/v1/messages", seen.PathAndQuery);
                Assert.Equal("k", seen.Header("x-api-key"));
                Assert.Equal("2023-06-01", seen.Header("anthropic-version"));
                Assert.Null(seen.Header("Authorization"));
                Assert.Equal("claude-sonnet-4-5", Golden.Str(root, "model"));
                Assert.Equal(1024, Golden.Int(root, "max_tokens"));
                Assert.Contains("Be brief.", root.GetProperty("system").GetRawText(), StringComparison.Ordinal);
                Assert.All(root.GetProperty("messages").EnumerateArray(), m => Assert.True(Golden.Str(m, "role") is "user" or "assistant", raw));
                Assert.Contains("Hi", root.GetProperty("messages")[0].GetProperty("content").GetRawText(), StringComparison.Ordinal);
                Assert.Equal("get_weather", Golden.Str(root.GetProperty("tools")[0], "name"));
                Assert.True(Golden.Get(root.GetProperty("tools")[0], "input_schema") is not null, raw);
                Assert.Equal(stream, Golden.Get(root, "stream")?.GetBoolean() ?? false);
                break;
            case UpstreamKind.Gemini:
                Assert.Equal(stream ? "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" : "/v1beta/models/gemini-2.5-flash:generateContent", seen.PathAndQuery);
                Assert.Equal("k", seen.Header("x-goog-api-key"));
                Assert.Null(seen.Header("Authorization"));
                Assert.Equal("user", Golden.Str(root.GetProperty("contents")[0], "role"));
                Assert.Equal("Hi", Golden.Str(root.GetProperty("contents")[0].GetProperty("parts")[0], "text"));
                Assert.Contains("Be brief.", root.GetProperty("systemInstruction").GetRawText(), StringComparison.Ordinal);
                Assert.Equal("get_weather", Golden.Str(root.GetProperty("tools")[0].GetProperty("functionDeclarations")[0], "name"));
                Assert.Equal(1024, Golden.Int(root, "generationConfig", "maxOutputTokens"));
                break;
            default:
                var path = Uri.UnescapeDataString(seen.PathAndQuery);
                Assert.Equal("/model/anthropic.claude-3-7-sonnet-20250219-v1:0/" + (stream ? "converse-stream" : "converse"), path);
                Assert.Equal("Bearer k", seen.Header("Authorization"));
                Assert.Equal("user", Golden.Str(root.GetProperty("messages")[0], "role"));
                Assert.Equal("Hi", Golden.Str(root.GetProperty("messages")[0].GetProperty("content")[0], "text"));
                Assert.Equal("Be brief.", Golden.Str(root.GetProperty("system")[0], "text"));
                Assert.Equal(1024, Golden.Int(root, "inferenceConfig", "maxTokens"));
                Assert.Equal("get_weather", Golden.Str(root.GetProperty("toolConfig").GetProperty("tools")[0], "toolSpec", "name"));
                break;
        }
    }

    private static T Fail<T>(string message)
    {
        Assert.Fail(message);
        return default!;
    }

    public static TheoryData<UpstreamKind, bool> RequestCases(UpstreamKind native)
    {
        var data = new TheoryData<UpstreamKind, bool>();
        foreach (var kind in Enum.GetValues<UpstreamKind>().Where(k => k != native))
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    public static TheoryData<UpstreamKind> CutCases(UpstreamKind native)
    {
        var data = new TheoryData<UpstreamKind>();
        foreach (var kind in Enum.GetValues<UpstreamKind>().Where(k => k != native))
        {
            data.Add(kind);
        }

        return data;
    }
}
