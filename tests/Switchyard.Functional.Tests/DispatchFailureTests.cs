using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// The dispatch core's failure model end to end (docs/failures.md): the peek rule (keep-alives never commit, an
/// early error event is classified like its HTTP status), the gateway's own key refused, the aggregated error when
/// every candidate failed, and the bound on an upstream event's size.
/// </summary>
public sealed class DispatchFailureTests
{
    private const string AnthropicOverloaded = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

    private static string TwoCandidates(string primaryUrl, string backupUrl, string provider = "openai", string model = "gpt-4o-mini", string backupModel = "gpt-4o", string? listenerExtra = null)
        => Yaml.Listener(extra: listenerExtra) + $"""
        model_providers:
          - model: {provider}/{model}
            access_key: sk-primary-secret-0001
            base_url: {primaryUrl}
            fallbacks: [backup]
          - name: backup
            model: {provider}/{backupModel}
            access_key: sk-backup-secret-0002
            base_url: {backupUrl}
        """;

    [Fact]
    public async Task ChatStream_KeepAlivesThenErrorDataLine503BeforeContent_FailsOverToBackup()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse()
            .Raw(": keep-alive\n\n").Raw(": OPENROUTER PROCESSING\n\n")
            .Data("{\"error\":{\"message\":\"upstream overloaded\",\"code\":503}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-streaming.0.sse"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
        Assert.Equal("backup", ResponseAssert.Header(response, "x-switchyard-model"));
    }

    [Fact]
    public async Task ChatStream_EventStreamTypeWithParametersAndOtherCase_StillUnderThePeekRule()
    {
        // The relay reads Content-Type raw: "Text/Event-Stream; charset=utf-8" is an SSE stream (media types compare
        // case-insensitively, parameters aside), so the early error event still fails over.
        var sse = Encoding.UTF8.GetBytes(": keep-alive\n\ndata: {\"error\":{\"message\":\"upstream overloaded\",\"code\":503}}\n\n");
        await using var primary = await FakeUpstream.StartAsync(Reply.Bytes(200, sse, "Text/Event-Stream; charset=utf-8"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-streaming.0.sse"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("backup", ResponseAssert.Header(response, "x-switchyard-model"));
    }

    [Fact]
    public async Task ChatStream_KeepAlivesBeforeFirstData_ForwardedWithItAndNotAFailure()
    {
        var recorded = Fixtures.Bytes("openai/envoy__chat-streaming.0.sse");
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Raw(": OPENROUTER PROCESSING\n\n").Raw(recorded));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        var expected = Encoding.UTF8.GetBytes(": OPENROUTER PROCESSING\n\n").Concat(recorded).ToArray();
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, backup.RequestCount);
    }

    [Fact]
    public async Task MessagesStream_AnthropicOverloadedErrorEventBeforeContent_FailsOverToBackup()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Raw("event: ping\ndata: {\"type\": \"ping\"}\n\n").Raw(AnthropicOverloaded));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("anthropic/llmanth__test_stream_events_text.0.sse"));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl, "anthropic", "claude-sonnet-4-5", "claude-haiku-4-5"));

        using var response = await gw.PostAsync("/v1/messages", Encoding.UTF8.GetBytes(
            "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("anthropic/llmanth__test_stream_events_text.0.sse"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task ChatStreamTranslatedToAnthropic_OverloadedErrorEventBeforeContent_FailsOver()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Raw(AnthropicOverloaded));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("anthropic/llmanth__test_stream_events_text.0.sse"));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl, "anthropic", "claude-sonnet-4-5", "claude-haiku-4-5"));

        using var response = await gw.PostChatAsync(Yaml.Chat("anthropic/claude-sonnet-4-5", stream: true));

        await ResponseAssert.OkAsync(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("overloaded", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task MessagesStream_OverloadedEventAndNoFallback_ClientGets529InAnthropicShape()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Raw(AnthropicOverloaded));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: anthropic/claude-sonnet-4-5
                access_key: k
                base_url: {primary.BaseUrl}
            """);

        using var response = await gw.PostAsync("/v1/messages", Encoding.UTF8.GetBytes(
            "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        Assert.Equal(529, (int)response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.Equal("overloaded_error", json.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Chat_GatewayKeyRefused401_FailsOverToNextCandidate()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(401,
            "{\"error\":{\"message\":\"Incorrect API key provided: sk-prim************0001.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
        var state = gw.Host.Config.Current.Endpoints.For(gw.Host.Config.Current.Config.Providers[0]);
        Assert.Equal(1, state.CredentialRefusals);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Chat_GatewayKeyRefusedAndNoOtherCandidate_502NamingTheEntryWithoutTheUpstreamBody(int status)
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(status,
            "{\"error\":{\"message\":\"Incorrect API key provided: sk-prim************0001.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-primary-secret-0001
                base_url: {primary.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var error = ErrorJson.Parse(text);
        Assert.Equal("upstream_auth_error", error.Code);
        Assert.Contains("openai/gpt-4o-mini", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Incorrect API key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-prim", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_GatewayKeyRefused_502InAnthropicShape()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: anthropic/claude-sonnet-4-5
                access_key: k
                base_url: {primary.BaseUrl}
            """);

        using var response = await gw.PostAsync("/v1/messages", Encoding.UTF8.GetBytes(
            "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.DoesNotContain("invalid x-api-key", json.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_PassthroughAuthClient401_RelayedAsTheClientsOwn()
    {
        const string body = "{\"error\":{\"message\":\"Incorrect API key provided: client-key.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(401, body));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                passthrough_auth: true
                base_url: {primary.BaseUrl}
                fallbacks: [backup]
              - name: backup
                model: openai/gpt-4o
                access_key: k
                base_url: {backup.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("Authorization", "Bearer client-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, backup.RequestCount);
    }

    [Fact]
    public async Task Chat_RateLimitedThenConnectionRefused_429WithTheRetryAfterSeen()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}", ("retry-after", "17")));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, Ports.RefusingBaseUrl()));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("17", ResponseAssert.Header(response, "retry-after"));
        var error = await ErrorJson.ReadAsync(response);
        Assert.Contains("Rate limit reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not reach", error.Message, StringComparison.Ordinal);
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
    }

    [Fact]
    public async Task Chat_EveryCandidateUnreachable_503()
    {
        await using var gw = await TestGateway.StartAsync(TwoCandidates(Ports.RefusingBaseUrl(), Ports.RefusingBaseUrl()));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream_unreachable", (await ErrorJson.ReadAsync(response)).Code);
    }

    [Fact]
    public async Task ChatStream_EventLargerThanMaxEventBytesAfterCommit_EndsWithAnErrorEvent()
    {
        var huge = new string('x', 8192);
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Chunk("small").Chunk(huge).Done());
        await using var gw = await TestGateway.StartAsync(Yaml.Listener(extra: "max_event_bytes: 4096") + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {primary.BaseUrl}
            """);

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var events = await new SseClient(await response.Content.ReadAsStreamAsync()).ReadAllEventsAsync();

        Assert.Equal("data: " + SseScript.ChunkJson("small", null) + "\n\n", events[0]);
        Assert.Equal("event_too_large", ErrorJson.Parse(events[^1]["data: ".Length..]).Code);
        Assert.DoesNotContain(events, e => e.Contains(huge, StringComparison.Ordinal));
        Assert.DoesNotContain("data: [DONE]\n\n", events);
    }

    [Fact]
    public async Task ChatStream_FirstEventLargerThanMaxEventBytes_FailsOverBeforeCommit()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Sse().Chunk(new string('x', 8192)).Done());
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(TwoCandidates(primary.BaseUrl, backup.BaseUrl, listenerExtra: "max_event_bytes: 4096"));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-streaming.0.sse"), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Reload_UnchangedEntryKeepsItsEndpointState_ChangedEntryStartsFresh()
    {
        await using var up = await FakeUpstream.StartAsync();
        var config = TwoCandidates(up.BaseUrl, up.BaseUrl);
        await using var gw = await TestGateway.StartAsync(config);
        using (var first = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini")))
        {
            await ResponseAssert.OkAsync(first);
        }

        var before = gw.Host.Config.Current;
        var primaryState = before.Endpoints.For(before.Config.Providers[0]);
        var backupState = before.Endpoints.For(before.Config.Providers[1]);
        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(config.Replace("sk-backup-secret-0002", "sk-backup-secret-0003", StringComparison.Ordinal));
        var after = await reloaded;

        Assert.Same(primaryState, after.Endpoints.For(after.Config.Providers[0]));
        Assert.Equal(1, after.Endpoints.For(after.Config.Providers[0]).Snapshot().Successes);
        Assert.NotSame(backupState, after.Endpoints.For(after.Config.Providers[1]));
    }

    [Fact]
    public async Task Chat_UpstreamErrorQuotingTheGatewaysKey_RelayedWithTheKeyReplaced()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(400,
            "{\"error\":{\"message\":\"key sk-primary-secret-0001 may not use this model\",\"type\":\"invalid_request_error\"}}"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-primary-secret-0001
                base_url: {primary.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("sk-primary-secret-0001", text, StringComparison.Ordinal);
        Assert.Contains("may not use this model", text, StringComparison.Ordinal);
    }
}
