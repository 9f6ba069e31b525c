using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Core.Telemetry;
using Switchyard.Endpoints;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// The admin page's data endpoints (docs/observability.md, "Admin page"): the recent-request ring, one request's
/// explanation, the traffic counters, the redacted config with its reloads, the event stream, and their auth —
/// through a real gateway and fake upstreams. The page itself is driven in Chromium by tests/e2e/ui.test.mjs.
/// </summary>
public sealed class AdminUiTests
{
    private const string Ok = "openai/envoy__chat-basic.0.json";
    private const string AdminKey = "adm-ui-8d2e1f7c";

    private static string Config(string url, string topLevel = "")
        => Yaml.Listener() + topLevel + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: sk-ui-primary-000111
            base_url: {url}
        model_aliases:
          fast: {"{"}target: openai/gpt-4o-mini{"}"}
        """;

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(TestGateway gw, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await gw.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // The event stream never ends by itself: read only what a status check needs.
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body);
    }

    private static async Task<JsonElement> JsonAsync(TestGateway gw, string path, string? bearer = null)
    {
        var (status, body) = await GetAsync(gw, path, bearer);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static RequestHistory History(TestGateway gw) => gw.Host.Services.GetRequiredService<RequestHistory>();

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), what + " did not happen within 5 s");
    }

    [Fact]
    public async Task DataEndpoints_NeedTheAdminKey_ThePageDoesNot()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(up.BaseUrl, "admin: {api_key: \"${UI_TEST_ADMIN_KEY}\"}\n"),
            env: name => name == "UI_TEST_ADMIN_KEY" ? AdminKey : null);

        string[] paths = [AdminUiEndpoints.EventsPath, AdminUiEndpoints.RequestsPath, AdminUiEndpoints.RequestsPath + "/1",
            AdminUiEndpoints.TrafficPath, AdminUiEndpoints.ConfigPath];
        foreach (var path in paths)
        {
            foreach (var bearer in (string?[])[null, "wrong", AdminKey[..^1]])
            {
                var (status, body) = await GetAsync(gw, path, bearer);
                Assert.True(status == HttpStatusCode.Unauthorized, $"{path} with {bearer ?? "no key"}: {(int)status}");
                Assert.Equal("invalid_admin_key", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gw, AdminUiEndpoints.RequestsPath, AdminKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gw, AdminUiEndpoints.EventsPath, AdminKey)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(gw, AdminUiEndpoints.RequestsPath + "/1", AdminKey)).Status);

        // The page's files hold no data: served without the key, under a strict content security policy.
        using var page = await gw.Client.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("<script src=\"app.js\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var file in (string[])["app.js", "app.css"])
        {
            using var asset = await gw.Client.GetAsync("/ui/" + file);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }

        using var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gw.BaseAddress }.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/ui/", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task NoAdminKey_DataOnlyForALoopbackHostNameAndTheGatewaysOwnOrigin()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(up.BaseUrl));
        foreach (var (host, expected) in ((string, HttpStatusCode)[])[("evil.example", HttpStatusCode.Forbidden), ("localhost", HttpStatusCode.OK),
                     ("127.0.0.1", HttpStatusCode.OK), ("[::1]", HttpStatusCode.OK)])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AdminUiEndpoints.ConfigPath);
            request.Headers.Host = host + ":" + gw.BaseAddress.Port;
            using var response = await gw.Client.SendAsync(request);
            Assert.True(response.StatusCode == expected, $"Host {host}: {(int)response.StatusCode}");
        }

        // Another site's page calling the gateway on 127.0.0.1 (readable if cors allowed every origin): refused.
        foreach (var (origin, expected) in ((string, HttpStatusCode)[])[("http://evil.example", HttpStatusCode.Forbidden),
                     ("null", HttpStatusCode.Forbidden), ($"http://127.0.0.1:{gw.BaseAddress.Port}", HttpStatusCode.OK)])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AdminUiEndpoints.RequestsPath);
            request.Headers.Add("Origin", origin);
            using var response = await gw.Client.SendAsync(request);
            Assert.True(response.StatusCode == expected, $"Origin {origin}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task RecentRequests_HoldEachFinishedRequest_WithTheAccessLogOff()
    {
        var fixture = JsonDocument.Parse(Fixtures.Bytes(Ok)).RootElement;
        var usage = fixture.GetProperty("usage");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(up.BaseUrl, "access_log: {enabled: false}\n"));

        using (var r = await gw.PostChatAsync(Yaml.Chat("fast")))
        {
            await ResponseAssert.OkAsync(r);
        }

        using (var r = await gw.PostChatAsync(Yaml.Chat("no-such-model")))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        await WaitUntil(() => History(gw).Latest == 2, "two recorded requests");
        var recent = await JsonAsync(gw, AdminUiEndpoints.RequestsPath);
        Assert.Equal("switchyard.recent_requests", recent.GetProperty("object").GetString());
        Assert.Equal(2, recent.GetProperty("latest").GetInt64());
        Assert.Equal(RequestHistory.RecentCapacity, recent.GetProperty("capacity").GetInt32());
        var items = recent.GetProperty("requests").EnumerateArray().ToList();
        Assert.Equal([2L, 1L], items.Select(i => i.GetProperty("id").GetInt64()));

        var missing = items[0];
        Assert.Equal("no-such-model", missing.GetProperty("requested_model").GetString());
        Assert.Equal(404, missing.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("served_model").ValueKind);
        Assert.Equal("rejected before routing", missing.GetProperty("why").GetString());

        var served = items[1];
        Assert.Equal("fast", served.GetProperty("requested_model").GetString());
        Assert.Equal("openai/gpt-4o-mini", served.GetProperty("served_model").GetString());
        Assert.Equal("direct", served.GetProperty("routing_method").GetString());
        Assert.Equal("alias 'fast'", served.GetProperty("why").GetString());
        Assert.Equal("openai_chat", served.GetProperty("protocol").GetString());
        Assert.Equal(200, served.GetProperty("status").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), served.GetProperty("input_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), served.GetProperty("output_tokens").GetInt32());
        Assert.True(served.GetProperty("cost_usd").GetDecimal() > 0, "gpt-4o-mini is in the bundled pricing");
        var attempt = Assert.Single(served.GetProperty("attempts").EnumerateArray());
        Assert.Equal(("ok", 200), (attempt.GetProperty("outcome").GetString(), attempt.GetProperty("status").GetInt32()));
        // With the access log off the request id (a string Kestrel makes on demand) is not taken.
        Assert.Equal(JsonValueKind.Null, served.GetProperty("request_id").ValueKind);

        // One request: the summary plus the routing explanation (x-switchyard-explain's JSON).
        var detail = await JsonAsync(gw, AdminUiEndpoints.RequestsPath + "/1");
        Assert.Equal(1, detail.GetProperty("request").GetProperty("id").GetInt64());
        var explanation = detail.GetProperty("explanation");
        Assert.Equal("direct", explanation.GetProperty("method").GetString());
        Assert.Equal("fast", explanation.GetProperty("explanation").GetProperty("via_alias").GetString());
        Assert.Equal(["openai/gpt-4o-mini"], explanation.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(gw, AdminUiEndpoints.RequestsPath + "/2")).GetProperty("explanation").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(gw, AdminUiEndpoints.RequestsPath + "/3")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(gw, AdminUiEndpoints.RequestsPath + "/x")).Status);

        // The traffic counters saw both: one error, the served request's tokens and its cost.
        var traffic = await JsonAsync(gw, AdminUiEndpoints.TrafficPath);
        var points = traffic.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(RequestHistory.WindowSeconds / traffic.GetProperty("resolution_seconds").GetInt32(), points.Count);
        Assert.Equal(2, points.Sum(p => p.GetProperty("requests").GetInt64()));
        Assert.Equal(1, points.Sum(p => p.GetProperty("errors").GetInt64()));
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), points.Sum(p => p.GetProperty("input_tokens").GetInt64()));
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), points.Sum(p => p.GetProperty("output_tokens").GetInt64()));
        Assert.Equal((double)served.GetProperty("cost_usd").GetDecimal(), points.Sum(p => p.GetProperty("spend_usd").GetDouble()), 9);
    }

    [Fact]
    public void RequestHistory_KeepsTheLast100_NewestFirst()
    {
        var history = new RequestHistory();
        for (var i = 0; i < 150; i++)
        {
            var r = new RequestRecord { Status = i % 10 == 0 ? 500 : 200 };
            r.Ended = System.Diagnostics.Stopwatch.GetTimestamp();
            history.Add(r);
        }

        var recent = history.Recent();
        Assert.Equal(RequestHistory.RecentCapacity, recent.Count);
        Assert.Equal(Enumerable.Range(51, 100).Reverse().Select(i => (long)i), recent.Select(r => r.Sequence));
        Assert.Null(history.Find(50));
        Assert.Equal(150, history.Find(150)?.Sequence);
        Assert.Null(history.Find(151));
        var points = history.Traffic();
        Assert.Equal(150, points.Sum(p => p.Requests));
        Assert.Equal(15, points.Sum(p => p.Errors));
    }

    [Fact]
    public async Task Config_ShownWithEverySecretRedacted_AndTheReloadHistory()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        var yaml = Yaml.Listener() + $$"""
            admin: {api_key: "${UI_TEST_ADMIN_KEY}"}
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-ui-primary-000111
                base_url: {{up.BaseUrl.Replace("http://", "http://svc:pw-in-url-2291@", StringComparison.Ordinal)}}/v1?sig=url-token-7781
                headers: {x-tenant-token: hdr-secret-5521}
              - name: pool
                model: openai/gpt-4o
                access_keys: [sk-ui-pool-one-2222, sk-ui-pool-two-3333]
                base_url: {{up.BaseUrl}}
              - model: amazon_bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0
                aws_access_key_id: AKIAUITEST00001
                aws_secret_access_key: aws-ui-secret-4444
                base_url: {{up.BaseUrl}}
                region: us-east-1
            """;
        await using var gw = await TestGateway.StartAsync(yaml, env: name => name == "UI_TEST_ADMIN_KEY" ? AdminKey : null);

        var config = await JsonAsync(gw, AdminUiEndpoints.ConfigPath, AdminKey);
        var raw = config.GetRawText();
        var text = config.GetProperty("yaml").GetString()!;
        foreach (var secret in (string[])[AdminKey, "sk-ui-primary-000111", "pw-in-url-2291", "url-token-7781", "hdr-secret-5521",
                     "sk-ui-pool-one-2222", "sk-ui-pool-two-3333", "AKIAUITEST00001", "aws-ui-secret-4444"])
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }

        Assert.Contains("access_key: <redacted>", text, StringComparison.Ordinal);
        Assert.Contains("x-tenant-token: <redacted>", text, StringComparison.Ordinal);
        Assert.Contains("aws_secret_access_key: <redacted>", text, StringComparison.Ordinal);
        Assert.Contains("api_key: <redacted>", text, StringComparison.Ordinal);
        Assert.Contains("region: us-east-1", text, StringComparison.Ordinal); // the rest stays readable
        Assert.Contains("- model: openai/gpt-4o-mini", text, StringComparison.Ordinal);
        Assert.True(config.GetProperty("admin_key_set").GetBoolean());
        Assert.Equal(1, config.GetProperty("generation").GetInt64());
        var first = Assert.Single(config.GetProperty("reloads").EnumerateArray());
        Assert.True(first.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("last_error").ValueKind);

        // A rejected reload: listed, and the last error shown, still without secrets.
        var rejected = gw.NextRejectedReloadAsync();
        await gw.ReplaceConfigAsync(yaml + "\ncircuit_breaker: {failure_threshold: 0}\n");
        await rejected;
        var reloads = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(yaml + "\n  - {model: openai/gpt-4.1, access_key: sk-ui-new-5555, base_url: " + up.BaseUrl + "}\n");
        await reloads;

        config = await JsonAsync(gw, AdminUiEndpoints.ConfigPath, AdminKey);
        Assert.Equal(2, config.GetProperty("generation").GetInt64());
        var events = config.GetProperty("reloads").EnumerateArray().ToList();
        Assert.Equal([true, false, true], events.Select(e => e.GetProperty("ok").GetBoolean()));
        var lastError = config.GetProperty("last_error");
        Assert.False(lastError.GetProperty("ok").GetBoolean());
        Assert.Equal(1, lastError.GetProperty("generation").GetInt64());
        Assert.Contains("failure_threshold", string.Join("\n", lastError.GetProperty("errors").EnumerateArray().Select(e => e.GetString())), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ui-new-5555", config.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("aws-ui-secret-4444", config.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_SendSnapshots_AndStopWhenTheClientLeaves()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(up.BaseUrl));
        var streams = gw.Host.Services.GetRequiredService<AdminEventStreams>();
        using (var r = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini")))
        {
            await ResponseAssert.OkAsync(r);
        }

        await WaitUntil(() => History(gw).Latest == 1, "the recorded request");
        using (var response = await gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, AdminUiEndpoints.EventsPath), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var cts = new CancellationTokenSource(TestGateway.WaitLimit);

            var first = await ReadEventAsync(stream, cts.Token);
            Assert.Equal("snapshot", first.Event);
            var data = first.Data;
            Assert.Equal("switchyard.admin_snapshot", data.GetProperty("object").GetString());
            var model = Assert.Single(data.GetProperty("stats").GetProperty("models").EnumerateArray());
            Assert.Equal(1, model.GetProperty("requests").GetInt64());
            Assert.Equal(1, data.GetProperty("traffic").GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()));
            Assert.Equal(1, Assert.Single(data.GetProperty("recent").GetProperty("requests").EnumerateArray()).GetProperty("id").GetInt64());
            Assert.Equal(1, data.GetProperty("config").GetProperty("generation").GetInt64());

            // The next snapshot a second later leaves out what did not change.
            var second = await ReadEventAsync(stream, cts.Token);
            Assert.True(second.Data.TryGetProperty("stats", out _));
            Assert.False(second.Data.TryGetProperty("recent", out _));
            Assert.False(second.Data.TryGetProperty("config", out _));
            Assert.Equal(1, streams.Active);
        }

        // The client left: the server's loop ends and frees its slot.
        await WaitUntil(() => streams.Active == 0, "the event stream ending");
        var sent = streams.EventsSent;
        await Task.Delay(AdminUiEndpoints.EventInterval * 2);
        Assert.Equal(sent, streams.EventsSent);
    }

    [Fact]
    public async Task Events_AreBounded()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Config(up.BaseUrl));
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < AdminEventStreams.MaxStreams; i++)
            {
                var r = await gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, AdminUiEndpoints.EventsPath), HttpCompletionOption.ResponseHeadersRead);
                open.Add(r);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            var (status, body) = await GetAsync(gw, AdminUiEndpoints.EventsPath);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Contains("too_many_event_streams", body, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var r in open)
            {
                r.Dispose();
            }
        }

        var streams = gw.Host.Services.GetRequiredService<AdminEventStreams>();
        await WaitUntil(() => streams.Active == 0, "every event stream ending");
    }

    private static async Task<(string Event, JsonElement Data)> ReadEventAsync(Stream stream, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[1];
        // Byte by byte up to the blank line that ends an event: the stream stays open after it.
        while (!text.ToString().EndsWith("\n\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, ct);
            Assert.True(n > 0, "the event stream ended early");
            text.Append((char)buffer[0]);
        }

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var name = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
        var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        return (name, JsonDocument.Parse(data).RootElement.Clone());
    }
}
