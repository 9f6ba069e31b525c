using System.Net;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Core.Endpoints;
using Switchyard.Functional.Tests.Infrastructure;
using Switchyard.Core.Resilience;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Circuit breakers, health and bulkheads end to end (docs/resilience.md): fake upstreams on loopback and a
/// FakeTimeProvider as the gateway's clock, moved instead of sleeping.
/// </summary>
public sealed class CircuitBreakerTests
{
    private const string Ok = "openai/envoy__chat-basic.0.json";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Config(string primaryUrl, string backupUrl, string topLevel = "circuit_breaker: {failure_threshold: 3, cooldown: 30s}\n", string primaryExtra = "", string backupExtra = "")
        => Yaml.Listener() + topLevel + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: sk-primary-secret-0001
            base_url: {primaryUrl}
            fallbacks: [backup]{primaryExtra}
          - name: backup
            model: openai/gpt-4o
            access_key: sk-backup-secret-0002
            base_url: {backupUrl}{backupExtra}
        """;

    private static async Task<HttpResponseMessage> ChatAsync(TestGateway gw) => await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

    private static EndpointState Endpoint(TestGateway gw, int entry)
    {
        var snapshot = gw.Host.Config.Current;
        return snapshot.Endpoints.For(snapshot.Config.Providers[entry]);
    }

    [Fact]
    public async Task Breaker_OpensAfterThreshold503s_NextRequestNeverReachesTheFailingUpstream_HalfOpenProbeClosesIt()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl), time: time);

        for (var i = 0; i < 3; i++)
        {
            using var r = await ChatAsync(gw);
            await ResponseAssert.OkAsync(r);
            Assert.Equal("2", ResponseAssert.Header(r, "x-switchyard-attempts"));
        }

        Assert.Equal(3, primary.RequestCount);
        using (var skipped = await ChatAsync(gw))
        {
            await ResponseAssert.OkAsync(skipped);
            Assert.Equal("backup", ResponseAssert.Header(skipped, "x-switchyard-model"));
            Assert.Equal("1", ResponseAssert.Header(skipped, "x-switchyard-attempts")); // the skip is not an attempt
        }

        Assert.Equal(3, primary.RequestCount);
        Assert.Equal(BreakerState.Open, Endpoint(gw, 0).Breaker.State);

        // Cooldown over: one probe goes through; the primary recovered, so it closes.
        time.Advance(TimeSpan.FromSeconds(30));
        primary.SetDefault(Reply.Fixture(Ok));
        using (var probe = await ChatAsync(gw))
        {
            await ResponseAssert.OkAsync(probe);
            Assert.Equal("openai/gpt-4o-mini", ResponseAssert.Header(probe, "x-switchyard-model"));
        }

        await WaitUntil(() => Endpoint(gw, 0).Breaker.State == BreakerState.Closed); // recorded as the relay ends
        using (var after = await ChatAsync(gw))
        {
            await ResponseAssert.OkAsync(after);
        }

        Assert.Equal(5, primary.RequestCount);
        Assert.Equal(4, backup.RequestCount);
    }

    [Fact]
    public async Task Breaker_FailedProbe_ReopensWithTheCooldownDoubled()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(500, "{\"error\":{\"message\":\"boom\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl), time: time);
        for (var i = 0; i < 3; i++)
        {
            (await ChatAsync(gw)).Dispose();
        }

        time.Advance(TimeSpan.FromSeconds(30));
        (await ChatAsync(gw)).Dispose(); // the probe fails
        Assert.Equal(4, primary.RequestCount);

        time.Advance(TimeSpan.FromSeconds(30));
        (await ChatAsync(gw)).Dispose(); // 30 s is not enough any more: 60 s now
        Assert.Equal(4, primary.RequestCount);

        time.Advance(TimeSpan.FromSeconds(30));
        (await ChatAsync(gw)).Dispose();
        Assert.Equal(5, primary.RequestCount);
    }

    [Fact]
    public async Task Breaker_EveryCandidateOpen_StillTriesTheOneWhoseCooldownEndsSoonest()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl, "circuit_breaker: {failure_threshold: 1, cooldown: 30s}\n",
            primaryExtra: "\n    circuit_breaker: {cooldown: 60s}"), time: time);

        using (var first = await ChatAsync(gw))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        Assert.Equal(BreakerState.Open, Endpoint(gw, 0).Breaker.State);
        Assert.Equal(BreakerState.Open, Endpoint(gw, 1).Breaker.State);

        backup.SetDefault(Reply.Fixture(Ok));
        using (var second = await ChatAsync(gw))
        {
            await ResponseAssert.OkAsync(second);
            Assert.Equal("backup", ResponseAssert.Header(second, "x-switchyard-model")); // 30 s left beats 60 s
        }

        Assert.Equal(1, primary.RequestCount);
        Assert.Equal(2, backup.RequestCount);
        await WaitUntil(() => Endpoint(gw, 1).Breaker.State == BreakerState.Closed);

        // Both open and both still failing: the client gets the upstream's answer, never an empty "all open" error.
        backup.SetDefault(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        (await ChatAsync(gw)).Dispose();
        using var third = await ChatAsync(gw);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        var body = await third.Content.ReadAsStringAsync();
        Assert.Contains("circuit breaker is open", body, StringComparison.Ordinal);
        Assert.Contains("overloaded", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAfter_On429_CoolsTheEndpointForThatLong()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        primary.Enqueue(Reply.Json(429, "{\"error\":{\"message\":\"slow down\"}}", ("Retry-After", "20")));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl), time: time);

        (await ChatAsync(gw)).Dispose();
        Assert.Equal(1, primary.RequestCount);
        Assert.Equal(BreakerState.Open, Endpoint(gw, 0).Breaker.State); // one 429, under the threshold: Retry-After did it

        time.Advance(TimeSpan.FromSeconds(19));
        (await ChatAsync(gw)).Dispose();
        Assert.Equal(1, primary.RequestCount);

        time.Advance(TimeSpan.FromSeconds(1));
        using var back = await ChatAsync(gw);
        await ResponseAssert.OkAsync(back);
        Assert.Equal("openai/gpt-4o-mini", ResponseAssert.Header(back, "x-switchyard-model"));
        Assert.Equal(2, primary.RequestCount);
    }

    [Fact]
    public async Task ClientErrors_NeverCountAgainstTheEndpoint()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(400, "{\"error\":{\"message\":\"bad request\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl, "circuit_breaker: {failure_threshold: 1}\n"), time: time);

        for (var i = 0; i < 4; i++)
        {
            using var r = await ChatAsync(gw);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }

        Assert.Equal(4, primary.RequestCount);
        Assert.Equal(0, backup.RequestCount);
        Assert.Equal(BreakerState.Closed, Endpoint(gw, 0).Breaker.State);
    }

    [Fact]
    public async Task CredentialRefused_DisablesThatKeyForTheKeyCooldown_LoggedByFingerprintNeverTheKey()
    {
        var time = new FakeTimeProvider(Start);
        using var logs = new CapturedLogs();
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(401, "{\"error\":{\"message\":\"invalid api key\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl, "circuit_breaker: {key_cooldown: 2m}\n"), logs, time: time);

        using (var first = await ChatAsync(gw))
        {
            await ResponseAssert.OkAsync(first);
            Assert.Equal("backup", ResponseAssert.Header(first, "x-switchyard-model"));
        }

        Assert.Equal(BreakerState.KeyDisabled, Endpoint(gw, 0).Breaker.State); // at once: no threshold for a refused key
        (await ChatAsync(gw)).Dispose();
        Assert.Equal(1, primary.RequestCount);

        var line = Assert.Single(logs.Messages, m => m.Contains("disabled until", StringComparison.Ordinal));
        Assert.Contains(EndpointGateFingerprint(gw), line, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("sk-primary-secret-0001", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromMinutes(2));
        primary.SetDefault(Reply.Fixture(Ok));
        using var back = await ChatAsync(gw);
        Assert.Equal("openai/gpt-4o-mini", ResponseAssert.Header(back, "x-switchyard-model"));
        Assert.Equal(2, primary.RequestCount);
    }

    private static string EndpointGateFingerprint(TestGateway gw)
    {
        var key = Endpoint(gw, 0).Key;
        var at = key.IndexOf("credential=", StringComparison.Ordinal) + "credential=".Length;
        return key[at..key.IndexOf('|', at)];
    }

    [Fact]
    public async Task HealthCheck_ProbesOnlyWhileOpen_AndA2xxProbeRecoversTheEndpointWithoutUserTraffic()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl, "circuit_breaker: {failure_threshold: 1, cooldown: 10m}\n",
            primaryExtra: "\n    health_check: {interval: 15s, timeout: 5s}"), time: time);

        time.Advance(TimeSpan.FromSeconds(15)); // closed: no probe
        await Task.Delay(100);
        Assert.Equal(0, primary.RequestCount);

        (await ChatAsync(gw)).Dispose();
        Assert.Equal(BreakerState.Open, Endpoint(gw, 0).Breaker.State);
        Assert.Equal(1, primary.RequestCount);
        Assert.Equal("POST", (await primary.NextRequestAsync()).Method); // the user request

        time.Advance(TimeSpan.FromSeconds(15)); // open: a probe, still failing
        var failedProbe = await primary.NextRequestAsync();
        Assert.Equal("GET", failedProbe.Method);
        Assert.EndsWith("/models", failedProbe.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("Bearer sk-primary-secret-0001", failedProbe.Headers["authorization"]);

        // The next tick probes again (a tick while the previous probe is still running is skipped: keep ticking).
        primary.SetDefault(Reply.Json(200, "{\"object\":\"list\",\"data\":[]}"));
        for (var i = 0; i < 100 && Endpoint(gw, 0).Breaker.State != BreakerState.Closed; i++)
        {
            time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(50);
        }

        Assert.Equal(BreakerState.Closed, Endpoint(gw, 0).Breaker.State); // recovered long before the 10 min cooldown
        Assert.True(time.GetUtcNow() - Start < TimeSpan.FromMinutes(10));
        primary.SetDefault(Reply.Fixture(Ok));
        using var served = await ChatAsync(gw);
        Assert.Equal("openai/gpt-4o-mini", ResponseAssert.Header(served, "x-switchyard-model"));
    }

    [Fact]
    public async Task Readyz_NotReadyOnlyWhileTheDefaultModelHasNoUsableEndpoint()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + "circuit_breaker: {failure_threshold: 1, cooldown: 30s}\n" + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-primary-secret-0001
                base_url: {primary.BaseUrl}
                default: true
            """, time: time);

        using (var ready = await gw.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        (await ChatAsync(gw)).Dispose();
        using (var notReady = await gw.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("no usable endpoint", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        time.Advance(TimeSpan.FromSeconds(30)); // cooldown over: a probe may go, so it is usable again
        using var again = await gw.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private static UpstreamHandler Held(Gate release, Gate arrived) => async (context, request) =>
    {
        arrived.Open();
        await release.WaitAsync(context.RequestAborted);
        await Reply.Fixture(Ok)(context, request);
    };

    [Fact]
    public async Task Bulkhead_OverMaxConcurrent_GoesToTheNextCandidateWithoutTouchingTheFullOne()
    {
        var time = new FakeTimeProvider(Start);
        var release = new Gate();
        var arrived = new Gate();
        await using var primary = await FakeUpstream.StartAsync(Held(release, arrived));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl, primaryExtra: "\n    max_concurrent: 1"), time: time);

        var first = ChatAsync(gw);
        await arrived.WaitAsync();
        using (var second = await ChatAsync(gw))
        {
            await ResponseAssert.OkAsync(second);
            Assert.Equal("backup", ResponseAssert.Header(second, "x-switchyard-model"));
        }

        Assert.Equal(1, primary.RequestCount);
        release.Open();
        using var firstResponse = await first;
        await ResponseAssert.OkAsync(firstResponse);
        Assert.Equal("openai/gpt-4o-mini", ResponseAssert.Header(firstResponse, "x-switchyard-model"));
        await WaitUntil(() => Endpoint(gw, 0).Bulkhead.Held == 0); // freed as the attempt ends
    }

    [Fact]
    public async Task Bulkhead_NoOtherCandidate_WaitsUpToQueueTimeout_ThenAFreedSlotServesIt()
    {
        var time = new FakeTimeProvider(Start);
        var release = new Gate();
        var arrived = new Gate();
        await using var upstream = await FakeUpstream.StartAsync(Held(release, arrived));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-primary-secret-0001
                base_url: {upstream.BaseUrl}
                max_concurrent: 1
                queue_timeout: 5s
            """, time: time);
        var endpoint = Endpoint(gw, 0);

        var first = ChatAsync(gw);
        await arrived.WaitAsync();

        // Over the limit with nowhere else to go: it waits, and gives up after queue_timeout.
        var timedOut = ChatAsync(gw);
        await WaitUntil(() => endpoint.Bulkhead.Waiting == 1);
        time.Advance(TimeSpan.FromSeconds(5));
        using (var busy = await timedOut)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            var body = await busy.Content.ReadAsStringAsync();
            Assert.Contains("endpoint_busy", body, StringComparison.Ordinal);
            Assert.Contains("queue_timeout", body, StringComparison.Ordinal);
        }

        // Waiting again, this time the slot frees within the timeout.
        var waited = ChatAsync(gw);
        await WaitUntil(() => endpoint.Bulkhead.Waiting == 1);
        release.Open();
        using var firstResponse = await first;
        await ResponseAssert.OkAsync(firstResponse);
        using var waitedResponse = await waited;
        await ResponseAssert.OkAsync(waitedResponse);
        Assert.Equal(2, upstream.RequestCount);
    }

    [Fact]
    public async Task LiteLLM_AllowedFailsAndCooldownTime_TakeEffectOnAGroupMember()
    {
        var time = new FakeTimeProvider(Start);
        await using var first = await FakeUpstream.StartAsync(Reply.Json(500, "{\"error\":{\"message\":\"boom\"}}"));
        await using var second = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync($$"""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: key-one, api_base: "{{first.BaseUrl}}/v1"}
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o-2024-08-06, api_key: key-two, api_base: "{{second.BaseUrl}}/v1"}
            router_settings:
              allowed_fails: 1
              cooldown_time: 30
            """, time: time);

        // Round-robin starts alternate between the members; the first fails twice (allowed_fails + 1) and is cooled.
        for (var i = 0; i < 6; i++)
        {
            using var r = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));
            await ResponseAssert.OkAsync(r);
        }

        Assert.Equal(2, first.RequestCount);
        time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 2; i++)
        {
            (await gw.PostChatAsync(Yaml.Chat("gpt-4o"))).Dispose();
        }

        Assert.Equal(3, first.RequestCount); // cooldown over: one probe
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the condition did not hold within 5 s");
    }
}
