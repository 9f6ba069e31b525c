using System.Diagnostics;
using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>Before the first byte, failures move to the next attempt or candidate; final answers are relayed.</summary>
public sealed class FailoverTests
{
    private static string Config(string primaryUrl, FakeUpstream backup, int maxRetries = 0) => Yaml.Listener(maxRetries: maxRetries) + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {primaryUrl}
            fallbacks: [backup]
          - name: backup
            model: openai/gpt-4o
            access_key: k2
            base_url: {backup.BaseUrl}
        """;

    public static TheoryData<string> RetryableAnswers => ["503", "429", "500", "502", "408"];

    [Theory]
    [MemberData(nameof(RetryableAnswers))]
    public async Task ChatCompletions_PrimaryAnswersRetryableStatus_FallbackServes(string status)
    {
        var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(code, "{\"error\":{\"message\":\"nope\",\"type\":\"x\"}}", ("Retry-After", "0")));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal("backup", Header(response, "x-switchyard-model"));
        Assert.Equal(1, primary.RequestCount);
        var toBackup = backup.Single();
        Assert.Equal("Bearer k2", toBackup.Header("Authorization"));
        Assert.Contains("\"model\":\"gpt-4o\"", toBackup.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_PrimaryRefusesConnection_FallbackServes()
    {
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(Ports.RefusingBaseUrl(), backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(1, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_PrimaryStreamEndsBeforeFirstEvent_FallbackStreamServes()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse());
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-streaming.0.sse"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task ChatCompletions_PrimaryAnswersEmptyBody_FallbackServes()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Bytes(200, [], "application/json"));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(1, backup.RequestCount);
    }

    [Theory]
    [InlineData("openai/envoy__chat-bad-request.0.json", 400)]
    [InlineData("openai/envoy__chat-unknown-model.0.json", 404)]
    [InlineData("openai/envoy__chat-no-messages.0.json", 400)]
    public async Task ChatCompletions_PrimaryAnswersClientError_NoFailoverAndErrorBodyUnchanged(string fixture, int status)
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture(fixture, status));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(Fixtures.Bytes(fixture), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", Header(response, "x-switchyard-attempts"));
        Assert.Equal(0, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_EveryCandidateFails_ClientGetsOneErrorListingEveryAttempt()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Text(503, "primary overloaded"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Text(502, "backup bad gateway"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = await ErrorJson.ReadAsync(response);
        Assert.Contains("backup bad gateway", error.Message, StringComparison.Ordinal);
        Assert.Contains("primary overloaded", error.Message, StringComparison.Ordinal);
        Assert.Equal("all_candidates_failed", error.Code);
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task ChatCompletions_MaxRetriesTwo_SameCandidateTriedThreeTimesBeforeFallback()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Text(503, "busy"));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup, maxRetries: 2));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(3, primary.RequestCount);
        Assert.Equal(1, backup.RequestCount);
        Assert.Equal("4", Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task ChatCompletions_RetryAfterOneSecond_GatewayWaitsBeforeRetryingSameCandidate()
    {
        await using var primary = await FakeUpstream.StartAsync();
        primary.Enqueue(Reply.Json(503, "{\"error\":{\"message\":\"later\",\"type\":\"x\"}}", ("Retry-After", "1")));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup, maxRetries: 1));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal("openai/gpt-4o-mini", Header(response, "x-switchyard-model"));
        var requests = primary.Requests;
        Assert.Equal(2, requests.Count);
        var gap = Stopwatch.GetElapsedTime(requests[0].ReceivedAt, requests[1].ReceivedAt);
        Assert.True(gap >= TimeSpan.FromSeconds(0.9), $"retried after {gap.TotalMilliseconds:0} ms despite Retry-After: 1");
        Assert.Equal(0, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_RetryAfterMs_GatewayWaitsThatLongBeforeRetrying()
    {
        await using var primary = await FakeUpstream.StartAsync();
        primary.Enqueue(Reply.Json(429, "{\"error\":{\"message\":\"later\",\"type\":\"x\"}}", ("retry-after-ms", "800")));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup, maxRetries: 1));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        var requests = primary.Requests;
        Assert.Equal(2, requests.Count);
        var gap = Stopwatch.GetElapsedTime(requests[0].ReceivedAt, requests[1].ReceivedAt);
        Assert.True(gap >= TimeSpan.FromMilliseconds(700), $"retried after {gap.TotalMilliseconds:0} ms despite retry-after-ms: 800");
    }

    [Fact]
    public async Task ChatCompletions_RetryAfterTooLong_FailsOverAtOnceInsteadOfWaiting()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"x\"}}", ("Retry-After", "60")));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup, maxRetries: 2));

        var clock = Stopwatch.StartNew();
        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(1, primary.RequestCount);
        Assert.Equal(1, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_RateLimitedWithoutFallback_ClientGets429WithRetryAfterAndUpstreamError()
    {
        const string body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(429, body, ("Retry-After", "7")));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {primary.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(body, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
}
