using System.Diagnostics;
using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// The split timeouts: <c>timeout</c>/<c>first_byte_timeout</c> bounds a stream's wait for its first event,
/// <c>request_timeout</c> a non-streamed answer as a whole, <c>stream_idle_timeout</c> the gaps after commit.
/// </summary>
public sealed class TimeoutTests
{
    private static readonly TimeSpan LongerThanTimeout = TimeSpan.FromSeconds(4);

    private static string Config(FakeUpstream primary, FakeUpstream? backup, string timeout = "1s", string streamIdle = "1s", string? extra = null, int maxRetries = 0)
        => Yaml.Listener(timeout: timeout, streamIdle: streamIdle, maxRetries: maxRetries, extra: extra) + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {primary.BaseUrl}
        {(backup is null ? "" : "    fallbacks: [backup]")}
          - name: backup
            model: openai/gpt-4o
            access_key: k
            base_url: {(backup ?? primary).BaseUrl}
        """;

    [Fact]
    public async Task ChatCompletions_NonStreamLongerThanRequestTimeout_FailsOverToFallbackAndAbortsSlowUpstream()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.After(LongerThanTimeout, Reply.Fixture("openai/envoy__chat-basic.0.json")));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-tools.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary, backup, timeout: "10s", extra: "request_timeout: 1s"));

        var clock = Stopwatch.StartNew();
        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.True(clock.Elapsed < LongerThanTimeout, $"waited {clock.Elapsed} for an upstream that exceeded the 1 s timeout");
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-tools.0.json"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
        await primary.Single().Aborted.WaitAsync(TestGateway.WaitLimit);
    }

    [Fact]
    public async Task ChatCompletions_NonStreamLongerThanRequestTimeoutWithoutFallback_Returns504OpenAIError()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.After(LongerThanTimeout, Reply.Fixture("openai/envoy__chat-basic.0.json")));
        await using var gw = await TestGateway.StartAsync(Config(primary, null, extra: "request_timeout: 1s"));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var error = await ErrorJson.ReadAsync(response);
        Assert.Equal("upstream_timeout", error.Code);
        Assert.Contains("openai/gpt-4o-mini", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_NonStreamAnswerSlowerThanFirstByteTimeout_CompletesOnTheFirstAttempt()
    {
        // Today's reasoning models answer a non-streamed request only when they are done: the first-byte timeout
        // (1 s here) must not cut them; request_timeout (default 10 min) bounds them instead. Scaled down: 2.5 s.
        await using var primary = await FakeUpstream.StartAsync(Reply.After(TimeSpan.FromMilliseconds(2500), Reply.Fixture("openai/envoy__chat-basic.0.json")));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-tools.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary, backup, timeout: "1s"));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("1", ResponseAssert.Header(response, "x-switchyard-attempts"));
        Assert.False(primary.Single().WasAborted);
        Assert.Equal(0, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_FirstByteTimeoutAfterBodySent_FailsOverWithoutRetryingTheSameEndpoint()
    {
        // max_retries: 2 would retry a connect failure on the same endpoint; a timeout after the body went out is
        // billed work on the upstream's side, so it moves on instead.
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Pause(LongerThanTimeout).Chunk("late").Done());
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Config(primary, backup, maxRetries: 2));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
        Assert.Equal(1, primary.RequestCount);
        Assert.Equal(1, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_EntryFirstByteTimeout_OverridesTheListener()
    {
        // The listener allows 1 s; this entry (a slow reasoning model) is given 10 s and its late first event is kept.
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Pause(TimeSpan.FromMilliseconds(1800)).Chunk("late").Data(SseScript.ChunkJson("", "stop")).Done());
        await using var gw = await TestGateway.StartAsync(Yaml.Listener(timeout: "1s") + $"""
            model_providers:
              - model: openai/o3
                access_key: k
                base_url: {primary.BaseUrl}
                first_byte_timeout: 10s
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/o3", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Contains("late", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_StreamHeadersOnTimeButFirstEventLate_FailsOverBeforeCommitting()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Pause(LongerThanTimeout).Chunk("late").Done());
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Config(primary, backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-streaming.0.sse"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task ChatCompletions_StreamPausesLongerThanIdleTimeout_ClientGetsIdleTimeoutErrorEvent()
    {
        var clientHasFirst = new Gate();
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Chunk("one").WaitFor(clientHasFirst).Pause(LongerThanTimeout).Chunk("two").Done());
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary, backup, timeout: "10s", streamIdle: "1s"));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var sse = new SseClient(await response.Content.ReadAsStreamAsync());
        Assert.Equal("data: " + SseScript.ChunkJson("one", null) + "\n\n", await sse.ReadEventAsync());
        clientHasFirst.Open();
        var clock = Stopwatch.StartNew();
        var rest = await sse.ReadAllEventsAsync();

        var error = Assert.Single(rest);
        Assert.StartsWith("data: ", error, StringComparison.Ordinal);
        Assert.Equal("stream_idle_timeout", ErrorJson.Parse(error["data: ".Length..]).Code);
        Assert.True(clock.Elapsed < LongerThanTimeout, $"idle timeout of 1 s took {clock.Elapsed}");
        Assert.Equal(0, backup.RequestCount);
        await primary.Single().Aborted.WaitAsync(TestGateway.WaitLimit);
    }

    [Fact]
    public async Task ChatCompletions_StreamLongerThanTimeoutWithShortGaps_CompletesNormally()
    {
        var script = Reply.Sse();
        for (var i = 0; i < 5; i++)
        {
            script.Chunk("part" + i).Pause(TimeSpan.FromMilliseconds(400));
        }

        await using var primary = await FakeUpstream.StartAsync(script.Data(SseScript.ChunkJson("", "stop")).Done());
        await using var gw = await TestGateway.StartAsync(Config(primary, null, timeout: "1s", streamIdle: "1500ms"));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit));

        Assert.DoesNotContain("\"error\"", body, StringComparison.Ordinal);
        Assert.Contains("part4", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_NonStreamBodyStallsAfterFirstBytes_ConnectionBrokenNotTruncatedSuccess()
    {
        await using var primary = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 100;
            await context.Response.Body.WriteAsync("{\"id\":\"partial\","u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(LongerThanTimeout, context.RequestAborted);
        });
        await using var gw = await TestGateway.StartAsync(Config(primary, null, timeout: "10s", streamIdle: "1s"));

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini"));
        await ResponseAssert.OkAsync(response);

        var clock = Stopwatch.StartNew();
        var failure = await Record.ExceptionAsync(() => response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit));

        Assert.True(failure is HttpRequestException or IOException, $"expected a broken body, got {failure?.GetType().Name ?? "a complete body"}");
        Assert.True(clock.Elapsed < LongerThanTimeout, $"the 1 s stream_idle_timeout took {clock.Elapsed}");
    }
}
