using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Endpoints;
using Switchyard.Functional.Tests.Infrastructure;
using Switchyard.Core.Resilience;

namespace Switchyard.Functional.Tests;

/// <summary>
/// <c>GET /v1/admin/models/stats</c> and the admin API's access rule (docs/resilience.md, "Stats and the admin API"),
/// driven by real traffic through fake upstreams.
/// </summary>
public sealed class AdminStatsTests
{
    private const string Ok = "openai/envoy__chat-basic.0.json";
    private const string PrimaryKey = "sk-primary-secret-0001";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Config(string primaryUrl, string backupUrl, string topLevel = "")
        => Yaml.Listener() + topLevel + $"""
        circuit_breaker: {"{"}failure_threshold: 2, cooldown: 30s{"}"}
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: {PrimaryKey}
            base_url: {primaryUrl}
            limits: {"{"}rpm: 100, tpm: 50000{"}"}
            fallbacks: [backup]
          - name: backup
            model: openai/gpt-4o
            access_keys: [sk-backup-one-0002, sk-backup-two-0003]
            base_url: {backupUrl}
        """;

    private static async Task<JsonElement> StatsAsync(TestGateway gw, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, AdminEndpoints.StatsPath);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await gw.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonElement Model(JsonElement stats, string name)
        => stats.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == name);

    [Fact]
    public async Task Stats_AfterTraffic_CountsRequestsErrorsLatencyBreakerLimitsKeysAndLastError()
    {
        var time = new FakeTimeProvider(Start);
        await using var primary = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(primary.BaseUrl, backup.BaseUrl), time: time);

        // Three good answers from the primary, then two 503s (the breaker opens) served by the backup's keys.
        for (var i = 0; i < 3; i++)
        {
            using var r = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));
            await ResponseAssert.OkAsync(r);
        }

        primary.SetDefault(Reply.Json(503, $$$"""{"error":{"message":"overloaded (key {{{PrimaryKey}}})"}}"""));
        for (var i = 0; i < 2; i++)
        {
            using var r = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));
            await ResponseAssert.OkAsync(r);
        }

        await WaitUntil(() => Endpoint(gw, 0).Breaker.State == BreakerState.Open);
        var stats = await StatsAsync(gw);
        Assert.Equal("switchyard.model_stats", stats.GetProperty("object").GetString());

        var model = Model(stats, "openai/gpt-4o-mini");
        Assert.Equal("entry", model.GetProperty("kind").GetString());
        Assert.Equal(5, model.GetProperty("requests").GetInt64());
        Assert.Equal(3, model.GetProperty("successes").GetInt64());
        Assert.Equal(2, model.GetProperty("errors").GetProperty("server_error").GetInt64());
        Assert.Equal(0, model.GetProperty("errors").GetProperty("rate_limited").GetInt64());
        Assert.Equal(0, model.GetProperty("endpoints_usable").GetInt32());
        var latency = model.GetProperty("latency_ms");
        Assert.Equal(3, latency.GetProperty("count").GetInt64());
        Assert.True(latency.GetProperty("p50").GetDouble() > 0);
        Assert.True(latency.GetProperty("p99").GetDouble() >= latency.GetProperty("p50").GetDouble());

        var endpoint = Assert.Single(model.GetProperty("endpoints").EnumerateArray());
        var breaker = endpoint.GetProperty("breaker");
        Assert.Equal("open", breaker.GetProperty("state").GetString());
        Assert.Equal(Start, breaker.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(Start.AddSeconds(30), breaker.GetProperty("open_until").GetDateTimeOffset());
        Assert.Equal(KeyPoolConfig.Fingerprint(PrimaryKey), endpoint.GetProperty("key").GetProperty("fingerprint").GetString());
        Assert.Equal(5, endpoint.GetProperty("limits").GetProperty("rpm").GetProperty("used").GetInt64());
        Assert.Equal(100, endpoint.GetProperty("limits").GetProperty("rpm").GetProperty("limit").GetInt32());
        Assert.Equal(50000, endpoint.GetProperty("limits").GetProperty("tpm").GetProperty("limit").GetInt32());
        Assert.True(endpoint.GetProperty("limits").GetProperty("tpm").GetProperty("used").GetInt64() > 0); // the fixture's usage
        var last = endpoint.GetProperty("last_error");
        Assert.Equal(503, last.GetProperty("status").GetInt32());
        Assert.Equal("server_error", last.GetProperty("class").GetString());
        Assert.Contains("overloaded", last.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The backup served two requests, one per key in rotation; each key is its own endpoint, named by fingerprint.
        var pool = Model(stats, "backup").GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(2, pool.Count);
        Assert.Equal([KeyPoolConfig.Fingerprint("sk-backup-one-0002"), KeyPoolConfig.Fingerprint("sk-backup-two-0003")],
            pool.Select(e => e.GetProperty("key").GetProperty("fingerprint").GetString()));
        Assert.All(pool, e => Assert.Equal(1, e.GetProperty("successes").GetInt64()));
        Assert.All(pool, e => Assert.Equal("closed", e.GetProperty("breaker").GetProperty("state").GetString()));

        // No key, whole or in part, anywhere in the answer.
        var raw = stats.GetRawText();
        foreach (var secret in (string[])[PrimaryKey, "sk-backup-one-0002", "sk-backup-two-0003", "secret-0001"])
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stats_StreamsReportTimeToFirstToken()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
            """);

        using (var r = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true)))
        {
            await ResponseAssert.OkAsync(r);
            await r.Content.ReadAsStringAsync();
        }

        await WaitUntil(() => Endpoint(gw, 0).Durations.Count == 1);
        var model = Model(await StatsAsync(gw), "openai/gpt-4o-mini");
        Assert.Equal(1, model.GetProperty("ttft_ms").GetProperty("count").GetInt64());
        Assert.True(model.GetProperty("ttft_ms").GetProperty("p50").GetDouble() > 0);
        Assert.Equal(1, model.GetProperty("latency_ms").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Stats_GroupListsItsMembersEndpointsWithItsStrategy()
    {
        await using var a = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var b = await FakeUpstream.StartAsync(Reply.Json(429, """{"error":{"message":"slow down","type":"rate_limit_error"}}"""));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: sk-a
                base_url: {a.BaseUrl}
              - name: b
                model: openai/gpt-4o
                access_key: sk-b
                base_url: {b.BaseUrl}
            model_groups:
              pool:
                models: [a, b]
                strategy: round-robin
            """);

        for (var i = 0; i < 2; i++)
        {
            using var r = await gw.PostChatAsync(Yaml.Chat("pool"));
            await ResponseAssert.OkAsync(r);
        }

        var stats = await StatsAsync(gw);
        var group = Model(stats, "pool");
        Assert.Equal(("group", "round-robin"), (group.GetProperty("kind").GetString(), group.GetProperty("strategy").GetString()));
        Assert.Equal(["a", "b"], group.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("entry").GetString()));
        Assert.Equal(1, group.GetProperty("errors").GetProperty("rate_limited").GetInt64());
        Assert.DoesNotContain(stats.GetProperty("models").EnumerateArray(), m => m.GetProperty("model").GetString() is "a" or "b");
    }

    [Fact]
    public async Task AdminKey_Configured_BearerRequired()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        var yaml = Yaml.Listener() + $$"""
            admin:
              api_key: ${SWITCHYARD_TEST_ADMIN_KEY}
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {{up.BaseUrl}}
            """;
        await using var gw = await TestGateway.StartAsync(yaml, env: name => name == "SWITCHYARD_TEST_ADMIN_KEY" ? "adm-7f3a9c" : null);

        foreach (var bearer in (string?[])[null, "wrong", "adm-7f3a9"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AdminEndpoints.StatsPath);
            if (bearer is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }

            using var denied = await gw.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
            Assert.Equal("Bearer", denied.Headers.WwwAuthenticate.Single().Scheme);
            var error = JsonDocument.Parse(await denied.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("invalid_admin_key", error.GetProperty("code").GetString());
        }

        var stats = await StatsAsync(gw, "adm-7f3a9c");
        Assert.Single(stats.GetProperty("models").EnumerateArray());
    }

    [Fact]
    public async Task NoAdminKey_OnlyLoopbackClients()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");

        Assert.False(await AdminEndpoints.AuthorizeAsync(context, AdminSettings.Default));
        Assert.Equal(403, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var error = JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error");
        Assert.Equal("admin_loopback_only", error.GetProperty("code").GetString());

        foreach (var loopback in (string[])["127.0.0.1", "::1", "::ffff:127.0.0.1"])
        {
            var local = new DefaultHttpContext();
            local.Connection.RemoteIpAddress = IPAddress.Parse(loopback);
            Assert.True(await AdminEndpoints.AuthorizeAsync(local, AdminSettings.Default), loopback);
        }

        // From loopback, but for another site's host name (DNS rebinding) or sent by another site's page: refused.
        foreach (var (host, origin) in new[] { ("evil.example:8080", (string?)null), ("127.0.0.1:12000", "http://evil.example") })
        {
            var rebound = new DefaultHttpContext();
            rebound.Response.Body = new MemoryStream();
            rebound.Connection.RemoteIpAddress = IPAddress.Loopback;
            rebound.Request.Host = new HostString(host);
            if (origin is not null)
            {
                rebound.Request.Headers.Origin = origin;
            }

            Assert.False(await AdminEndpoints.AuthorizeAsync(rebound, AdminSettings.Default), host);
            Assert.Equal(403, rebound.Response.StatusCode);
        }

        var own = new DefaultHttpContext();
        own.Connection.RemoteIpAddress = IPAddress.Loopback;
        own.Request.Host = new HostString("localhost:12000");
        own.Request.Headers.Origin = "http://localhost:12000";
        Assert.True(await AdminEndpoints.AuthorizeAsync(own, AdminSettings.Default));

        // A configured key is required even from loopback.
        var keyed = new DefaultHttpContext();
        keyed.Response.Body = new MemoryStream();
        keyed.Connection.RemoteIpAddress = IPAddress.Loopback;
        Assert.False(await AdminEndpoints.AuthorizeAsync(keyed, new AdminSettings { ApiKey = "k" }));
        Assert.Equal(401, keyed.Response.StatusCode);
    }

    private static EndpointState Endpoint(TestGateway gw, int entry)
    {
        var snapshot = gw.Host.Config.Current;
        return snapshot.Endpoints.For(snapshot.Config.Providers[entry]);
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
