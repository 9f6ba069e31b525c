using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Translation;

/// <summary>
/// One fake upstream and one real gateway configured with a provider per upstream protocol, shared by the tests of
/// a class (xUnit runs a class's tests one at a time, so each test sets the upstream's answer for itself).
/// </summary>
public sealed class GoldenHarness : IAsyncLifetime
{
    internal FakeUpstream Upstream { get; private set; } = null!;
    internal TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync(Reply.Json(500, """{"error":{"message":"no answer scripted","type":"server_error"}}"""));
        Gateway = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: deepseek/deepseek-chat
                access_key: k
                base_url: {Upstream.BaseUrl}
              - model: anthropic/claude-sonnet-4-5
                access_key: k
                base_url: {Upstream.BaseUrl}
              - model: gemini/gemini-2.5-flash
                access_key: k
                base_url: {Upstream.BaseUrl}
              - model: amazon_bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0
                access_key: k
                base_url: {Upstream.BaseUrl}
            """);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>The configured model that reaches an upstream of <paramref name="kind"/>.</summary>
    internal static string ModelFor(UpstreamKind kind) => kind switch
    {
        // deepseek speaks only OpenAI chat (openai/ would pass Responses clients through to /v1/responses).
        UpstreamKind.OpenAIChat => "deepseek/deepseek-chat",
        UpstreamKind.Anthropic => "anthropic/claude-sonnet-4-5",
        UpstreamKind.Gemini => "gemini/gemini-2.5-flash",
        _ => "amazon_bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0",
    };

    internal static string PathFor(ClientKind client) => client switch
    {
        ClientKind.Chat => "/v1/chat/completions",
        ClientKind.Messages => "/v1/messages",
        _ => "/v1/responses",
    };

    /// <summary>A small request in the client's protocol: system instructions, one user turn, one tool, 1024 max tokens.</summary>
    internal static string RequestBody(ClientKind client, UpstreamKind upstream, bool stream)
    {
        var model = "{\"model\":" + JsonSerializer.Serialize(ModelFor(upstream));
        var tail = ",\"stream\":" + (stream ? "true" : "false") + "}";
        const string schema = """{"type":"object","properties":{"city":{"type":"string"}}}""";
        return client switch
        {
            ClientKind.Chat => model + ""","max_tokens":1024,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":""" + schema + "}}]"
                + (stream ? ""","stream_options":{"include_usage":true}""" : "") + tail,
            ClientKind.Messages => model + ""","max_tokens":1024,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}],"tools":[{"name":"get_weather","description":"Weather","input_schema":""" + schema + "}]" + tail,
            _ => model + ""","instructions":"Be brief.","input":"Hi","max_output_tokens":1024,"tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":""" + schema + "}]" + tail,
        };
    }

    /// <summary>Answers the next upstream request(s) with <paramref name="handler"/>; the returned task yields the request.</summary>
    internal Task<RecordedRequest> Serve(UpstreamHandler handler)
    {
        var seen = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.SetDefault(async (context, request) =>
        {
            seen.TrySetResult(request);
            await handler(context, request);
        });
        return seen.Task.WaitAsync(TestGateway.WaitLimit);
    }

    internal static UpstreamHandler Recorded(Recording recording, int status = 200)
        => Reply.Bytes(status, recording.Body, recording.ContentType);

    /// <summary>Sends <paramref name="firstPart"/>, waits until the test opens <paramref name="go"/>, then breaks the connection.</summary>
    internal static UpstreamHandler CutAfter(byte[] firstPart, string contentType, Gate go)
        => async (context, _) =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = contentType;
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(firstPart, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await go.WaitAsync(context.RequestAborted);
            context.Abort();
        };

    internal async Task<(HttpResponseMessage Response, string Body)> PostAsync(ClientKind client, UpstreamKind upstream, bool stream)
    {
        var response = await Gateway.PostAsync(PathFor(client), Encoding.UTF8.GetBytes(RequestBody(client, upstream, stream)),
            client == ClientKind.Messages ? [("anthropic-version", "2023-06-01")] : null);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Serves the recording, sends the client's request for it, and returns the answer the client read (after checking
    /// the status and content type).
    /// </summary>
    internal async Task<GoldenAnswer> AskAsync(ClientKind client, Recording recording)
    {
        _ = Serve(Recorded(recording));
        var (response, body) = await PostAsync(client, recording.Kind, recording.Stream);
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
            Assert.Equal(recording.Stream ? "text/event-stream" : "application/json", response.Content.Headers.ContentType?.MediaType);
            return ClientReaders.Read(client, recording.Stream, body);
        }
    }

    /// <summary>
    /// Serves the first half of a streamed recording and then breaks the connection; returns the client's events
    /// (read after its first event arrived, so the cut happens after the gateway committed to the stream).
    /// </summary>
    internal async Task<List<SseEvent>> CutStreamAsync(ClientKind client, Recording recording)
    {
        var go = new Gate();
        _ = Serve(CutAfter(recording.FirstHalf(), recording.ContentType, go));
        using var response = await Gateway.PostAsync(PathFor(client), Encoding.UTF8.GetBytes(RequestBody(client, recording.Kind, stream: true)),
            client == ClientKind.Messages ? [("anthropic-version", "2023-06-01")] : null, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
        var sse = new SseClient(await response.Content.ReadAsStreamAsync());
        var first = await sse.ReadEventAsync();
        Assert.NotNull(first);
        go.Open();
        var rest = await sse.ReadAllEventsAsync();
        return Sse.Parse(first + string.Concat(rest));
    }

    /// <summary>The recorded fixtures, grouped by what they show (all of them real provider answers).</summary>
    internal static class Cases
    {
        public static readonly string[] OpenAIChat =
        [
            "openai/envoy__chat-basic.0.json",                     // text
            "openai/envoy__chat-tools.0.json",                     // one tool call
            "openai/envoy__chat-parallel-tools.0.json",            // parallel tool calls
            "openai/envoy__chat-reasoning.0.json",                 // reasoning_tokens in usage
            "deepseek/vercel__deepseek-reasoning.json",            // reasoning_content + cached tokens
            "deepseek/vercel__deepseek-tool-call.json",            // reasoning_content + tool call
            "mistral/vercel__mistral-tool-call.json",              // tool call without index/type
            "groq/vercel__groq-tool-call.json",                    // tool call, no content
            "openai/envoy__chat-streaming.0.sse",                  // text stream
            "openai/envoy__chat-streaming-detailed-usage.0.sse",   // finish length, reasoning tokens, usage chunk
            "openai/llm__test_tool_use_basic.0.sse",               // tool arguments in many small deltas
            "openai/pydai__test_complex_agent_run.0.sse",          // parallel tool calls streamed
            "deepseek/vercel__deepseek-tool-call.chunks.txt",      // reasoning_content deltas, then a tool call
            "mistral/vercel__mistral-tool-call.chunks.txt",        // whole tool call in one index-less delta
            "mistral/vercel__mistral-text.chunks.txt",             // text
            "groq/pydai__test_tool_use_failed_error_streaming.1.sse", // groq "reasoning" deltas + tool call
        ];

        public static readonly string[] Anthropic =
        [
            "anthropic/vercel__anthropic-text.json",
            "anthropic/pydai__test_anthropic_tool_with_thinking.0.json", // thinking with signature + tool_use
            "anthropic/pydai__test_multiple_parallel_tool_calls.0.json", // four parallel tool_use blocks
            "anthropic/llmanth__test_stream_events_text.0.sse",
            "anthropic/llmanth__test_stream_events_thinking.0.sse",       // thinking_delta + signature_delta
            "anthropic/llmanth__test_stream_events_tool_calls.0.sse",     // tool_use with empty input
            "anthropic/llmanth__test_tools.0.sse",                        // input_json_delta
            "anthropic/llmanth__test_prompt_with_prefill_and_stop_sequences.0.sse", // stop_sequence
            "anthropic/pydai__test_anthropic_model_thinking_part_stream.0.sse",
            "anthropic/vercel__anthropic-json-tool.1.chunks.txt",         // input_json_delta fragments
            "anthropic/vercel__anthropic-text.chunks.txt",
            "anthropic/vercel__anthropic-refusal.chunks.txt",            // stop_reason refusal
            "anthropic/vercel__anthropic-message-delta-input-tokens.chunks.txt", // input_tokens in message_delta
        ];

        public static readonly string[] Gemini =
        [
            "gemini/gaijs__unary-success-basic-reply-short.json",
            "gemini/pydai__test_google_extra_headers.0.json",
            "gemini/gaijs__streaming-success-basic-reply-short.txt",
            "gemini/gaijs__streaming-success-basic-reply-long.txt",
            "gemini/gaijs__streaming-success-utf8.txt",
            "gemini/gaijs__streaming-success-function-call-short.txt",
            "gemini/gaijs__streaming-failure-finish-reason-safety.txt",   // SAFETY
            "gemini/pydai__test_google_model_stream.0.sse",
            "gemini/pydai__test_google_model_iter_stream.0.sse",          // functionCall
            "gemini/pydai__test_google_model_thinking_part_iter.0.sse",   // thought parts + thoughtsTokenCount
            "gemini/pydai__test_google_streaming_tool_call_thought_signature.0.sse",
            "gemini/pydai__test_google_stream_usage_is_live_mid_stream.0.sse",
        ];

        public static readonly string[] Bedrock =
        [
            "bedrock/pydai__test_bedrock_model.0.json",
            "bedrock/pydai__test_bedrock_anthropic_tool_with_thinking.0.json", // reasoningContent + signature + toolUse
            "bedrock/pydai__test_bedrock_moonshotai_tool_call.0.json",
            "bedrock/pydai__test_bedrock_model_stream.0.bin",
            "bedrock/plano__response.hex.bin",                                  // stopReason max_tokens
            "bedrock/plano__response_with_tools.hex.bin",                       // text + toolUse, 543 frames
            "bedrock/pydai__test_bedrock_model_iter_stream.0.bin",              // toolUse start/delta
            "bedrock/pydai__test_bedrock_model_thinking_part_stream.0.bin",     // reasoningContent text + signature
            "bedrock/pydai__test_bedrock_model_thinking_part_redacted_stream.0.bin", // redactedContent
            "bedrock/pydai__test_bedrock_model_stream_empty_text_delta.0.bin",
        ];

        public static IEnumerable<string> For(UpstreamKind kind) => kind switch
        {
            UpstreamKind.OpenAIChat => OpenAIChat,
            UpstreamKind.Anthropic => Anthropic,
            UpstreamKind.Gemini => Gemini,
            _ => Bedrock,
        };

        /// <summary>Every recording of the upstream protocols other than <paramref name="native"/> (whose pairs pass through).</summary>
        public static TheoryData<string> Except(UpstreamKind native)
        {
            var data = new TheoryData<string>();
            foreach (var kind in Enum.GetValues<UpstreamKind>().Where(k => k != native))
            {
                foreach (var f in For(kind))
                {
                    data.Add(f);
                }
            }

            return data;
        }

        /// <summary>One streamed recording per upstream protocol for the cut-stream cases.</summary>
        public static readonly Dictionary<UpstreamKind, string> ToCut = new()
        {
            [UpstreamKind.OpenAIChat] = "openai/envoy__chat-streaming.0.sse",
            [UpstreamKind.Anthropic] = "anthropic/llmanth__test_stream_events_thinking.0.sse",
            [UpstreamKind.Gemini] = "gemini/gaijs__streaming-success-basic-reply-long.txt",
            [UpstreamKind.Bedrock] = "bedrock/pydai__test_bedrock_model_stream.0.bin",
        };

        /// <summary>Recorded error bodies and the HTTP status the provider sent them with (from the cassettes).</summary>
        public static readonly (string Fixture, int Status)[] Errors =
        [
            ("openai/envoy__chat-bad-request.0.json", 400),
            ("groq/pydai__test_tool_regular_error.0.json", 404),
            ("anthropic/pydai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.0.json", 400),
            ("gemini/gaijs__unary-failure-image-rejected.json", 400),
            ("gemini/vercel__google-429-retry-info.json", 429),
            ("bedrock/pydai__test_bedrock_error.0.json", 400),
        ];

        public static TheoryData<string, int> ErrorsExcept(UpstreamKind native)
        {
            var data = new TheoryData<string, int>();
            foreach (var (f, s) in Errors.Where(e => Recording.Load(e.Fixture).Kind != native))
            {
                data.Add(f, s);
            }

            return data;
        }

        /// <summary>Fixture sets holding the same answer both streamed and not (ids and usage match).</summary>
        public static readonly (string Json, string Stream)[] Pairs =
        [
            ("mistral/vercel__mistral-tool-call.json", "mistral/vercel__mistral-tool-call.chunks.txt"),
        ];
    }
}
