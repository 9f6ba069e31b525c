using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Endpoints;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// <c>GET /metrics</c> (docs/observability.md, "Metrics"): scraped through the real gateway after traffic through fake
/// upstreams and read with a strict parser of the Prometheus text format. Test classes run in parallel in one
/// process and every gateway's meter has the same name, so each test names its model entries uniquely and asserts on
/// its own series.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string Ok = "openai/envoy__chat-basic.0.json"; // usage: 8 input, 377 output (320 reasoning) tokens
    private const string Stream = "openai/envoy__chat-streaming.0.sse";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<(Dictionary<string, PromFamily> Families, string Text)> ScrapeAsync(TestGateway gw, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsEndpoint.Path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await gw.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        return (PrometheusText.Parse(text), text);
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (request metrics are recorded just after the answer's last byte).</summary>
    private static async Task<Dictionary<string, PromFamily>> ScrapeUntilAsync(TestGateway gw, Func<Dictionary<string, PromFamily>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TestGateway.WaitLimit;
        while (true)
        {
            var (families, text) = await ScrapeAsync(gw);
            if (done(families))
            {
                return families;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; last scrape:\n{text}");
            await Task.Delay(20);
        }
    }

    private static double Value(Dictionary<string, PromFamily> f, string family, string? sample, params (string, string)[] labels)
        => f.TryGetValue(family, out var fam) ? fam.Where(sample, labels).Sum(s => s.Value) : 0;

    private static PromFamily Family(Dictionary<string, PromFamily> f, string name, string type)
    {
        Assert.True(f.TryGetValue(name, out var family), $"no family {name}; families: {string.Join(", ", f.Keys)}");
        Assert.Equal(type, family!.Type);
        Assert.False(string.IsNullOrEmpty(family.Help), $"{name} has no HELP");
        return family;
    }

    [Fact]
    public async Task Scrape_AfterRequests_NamesTypesLabelsCountersAndHistograms()
    {
        var model = Unique("metrics");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {model}
                model: openai/gpt-4o-mini
                access_key: sk-metrics-secret-0001
                base_url: {up.BaseUrl}
                limits: {"{"}rpm: 100{"}"}
            """);

        var (before, _) = await ScrapeAsync(gw);
        (string, string) served = ("model", model);
        Assert.Equal(0, Value(before, "switchyard_requests_total", null, served));

        using (var r = await gw.PostChatAsync(Yaml.Chat(model)))
        {
            await ResponseAssert.OkAsync(r);
        }

        var after = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, served) == 1, "one request counted");
        var requests = Family(after, "switchyard_requests_total", "counter").Where(null, served).Single();
        Assert.Equal("openai_chat", requests.Label("client_protocol"));
        Assert.Equal("200", requests.Label("http_response_status_code"));
        Assert.Equal("", requests.Label("route"));

        using (var r = await gw.PostChatAsync(Yaml.Chat(model)))
        {
            await ResponseAssert.OkAsync(r);
        }

        var f = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, served) == 2, "the counter moving to 2");

        // GenAI client metrics, with the semantic conventions' attributes (dots become underscores).
        var genAi = new[] { ("gen_ai_operation_name", "chat"), ("gen_ai_provider_name", "openai"), ("gen_ai_request_model", model), ("gen_ai_response_model", model) };
        var duration = Family(f, "gen_ai_client_operation_duration_seconds", "histogram");
        Assert.Equal(2, duration.Where("gen_ai_client_operation_duration_seconds_count", genAi).Single().Value);
        var buckets = duration.Where("gen_ai_client_operation_duration_seconds_bucket", genAi).ToList();
        Assert.Equal(["0.01", "0.02", "0.04", "0.08", "0.16", "0.32", "0.64", "1.28", "2.56", "5.12", "10.24", "20.48", "40.96", "81.92", "+Inf"], buckets.Select(b => b.Label("le")));
        Assert.Equal(2, buckets[^1].Value);

        var tokens = Family(f, "gen_ai_client_token_usage", "histogram");
        Assert.Equal(16, tokens.Where("gen_ai_client_token_usage_sum", [.. genAi, ("gen_ai_token_type", "input")]).Single().Value);
        Assert.Equal(754, tokens.Where("gen_ai_client_token_usage_sum", [.. genAi, ("gen_ai_token_type", "output")]).Single().Value);
        Assert.Equal(640, tokens.Where("gen_ai_client_token_usage_sum", [.. genAi, ("gen_ai_token_type", "reasoning")]).Single().Value);
        Assert.Equal(2, tokens.Where("gen_ai_client_token_usage_count", [.. genAi, ("gen_ai_token_type", "input")]).Single().Value);
        Assert.Empty(tokens.Where("gen_ai_client_token_usage_count", [.. genAi, ("gen_ai_token_type", "cached_input")])); // 0 cached: not recorded

        // Gateway-native metrics.
        Assert.Equal(2, Value(f, "switchyard_attempts_total", null, served, ("outcome", "ok"), ("gen_ai_provider_name", "openai")));
        Family(f, "switchyard_attempts_total", "counter");
        Assert.Equal(2, Family(f, "switchyard_request_duration_seconds", "histogram").Where("switchyard_request_duration_seconds_count", served).Single().Value);
        Assert.True(Family(f, "switchyard_gateway_overhead_seconds", "histogram").Where("switchyard_gateway_overhead_seconds_count", ("client_protocol", "openai_chat")).Single().Value >= 2);
        Family(f, "switchyard_requests_in_flight", "gauge");
        var endpoint = new[] { ("model", model), ("endpoint", model), ("provider", "openai") };
        Assert.Equal(0, Family(f, "switchyard_endpoint_breaker_state", "gauge").Where(null, endpoint).Single().Value);
        Assert.Equal(0, Family(f, "switchyard_endpoint_in_flight", "gauge").Where(null, endpoint).Single().Value);
        Assert.Equal(0, Family(f, "switchyard_endpoint_cooldown_remaining_seconds", "gauge").Where(null, endpoint).Single().Value);
        Assert.Equal(98, Family(f, "switchyard_ratelimit_remaining", "gauge").Where(null, [.. endpoint, ("limit", "rpm")]).Single().Value);
    }

    [Fact]
    public async Task Scrape_OpenMetricsNegotiatedAsPrometheusAsksForIt()
    {
        var model = Unique("openmetrics");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {model}
                model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
            """);
        using (var r = await gw.PostChatAsync(Yaml.Chat(model)))
        {
            await ResponseAssert.OkAsync(r);
        }

        await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", model)) == 1, "the request");

        // Prometheus' own Accept header (scrape_protocols default): OpenMetrics first, the 0.0.4 text as a fallback.
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsEndpoint.Path);
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.1");
        using var response = await gw.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        var f = PrometheusText.Parse(await response.Content.ReadAsStringAsync(), openMetrics: true);
        var requests = Family(f, "switchyard_requests", "counter");
        Assert.Equal(1, requests.Where("switchyard_requests_total", ("model", model)).Single().Value);
        var duration = Family(f, "gen_ai_client_operation_duration_seconds", "histogram");
        Assert.Equal(1, duration.Where("gen_ai_client_operation_duration_seconds_count", ("gen_ai_request_model", model)).Single().Value);
        Family(f, "switchyard_endpoint_breaker_state", "gauge");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Scrape_GzipAsPrometheusAsksForIt_TheWholeAnswerIsCompressed(bool openMetrics)
    {
        // Prometheus sends Accept-Encoding: gzip on every scrape. The exporter would compress its own part, after which
        // the gateway's histograms could not be added (a real Prometheus reported "gzip: invalid header"): the whole
        // answer must be one gzip stream that decodes to a valid exposition with both parts.
        var model = Unique("gzip");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {model}
                model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
            """);
        using (var r = await gw.PostChatAsync(Yaml.Chat(model)))
        {
            await ResponseAssert.OkAsync(r);
        }

        await ScrapeUntilAsync(gw, f => Value(f, "gen_ai_client_operation_duration_seconds", "gen_ai_client_operation_duration_seconds_count", ("gen_ai_request_model", model)) == 1, "the attempt");

        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsEndpoint.Path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        if (openMetrics)
        {
            request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3");
        }

        using var response = await gw.Client.SendAsync(request); // the test client does not decompress: the raw bytes
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        var raw = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(raw.Length, response.Content.Headers.ContentLength);
        using var gunzip = new System.IO.Compression.GZipStream(new MemoryStream(raw), System.IO.Compression.CompressionMode.Decompress);
        var text = await new StreamReader(gunzip).ReadToEndAsync();
        var f = PrometheusText.Parse(text, openMetrics);
        Assert.Equal(1, Family(f, openMetrics ? "switchyard_requests" : "switchyard_requests_total", "counter").Where("switchyard_requests_total", ("model", model)).Single().Value);
        Assert.Equal(1, Family(f, "gen_ai_client_operation_duration_seconds", "histogram").Where("gen_ai_client_operation_duration_seconds_count", ("gen_ai_request_model", model)).Single().Value);
    }

    [Fact]
    public async Task Scrape_InFlight_CountsWhileTheUpstreamHolds()
    {
        var model = Unique("held");
        var gate = new Gate();
        var ok = Reply.Fixture(Ok);
        await using var up = await FakeUpstream.StartAsync(async (context, request) =>
        {
            await gate.WaitAsync(context.RequestAborted);
            await ok(context, request);
        });
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {model}
                model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
            """);

        (string, string) endpoint = ("model", model);
        var pending = gw.PostChatAsync(Yaml.Chat(model));
        var held = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_endpoint_in_flight", null, endpoint) == 1, "the attempt in flight");
        Assert.True(Value(held, "switchyard_requests_in_flight", null) >= 1);
        Assert.Equal(0, Value(held, "switchyard_requests_total", null, endpoint));

        gate.Open();
        using (var r = await pending)
        {
            await ResponseAssert.OkAsync(r);
        }

        var done = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, endpoint) == 1, "the request finished");
        Assert.Equal(0, Value(done, "switchyard_endpoint_in_flight", null, endpoint));
    }

    [Fact]
    public async Task Scrape_SpendFollowsTheRequestsCost_AndAnUnknownPriceIsNotCountedAsZero()
    {
        // The recorded answer reports 8 input and 377 output tokens: at 2 / 4 USD per million that is 0.001524 USD.
        var priced = Unique("priced");
        var unpriced = Unique("unpriced");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {priced}
                model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
                pricing: {"{"}input: 2, output: 4{"}"}
              - name: {unpriced}
                model: custom/some-model
                provider_interface: openai
                access_key: sk-b
                base_url: {up.BaseUrl}
            """);

        foreach (var model in (string[])[priced, priced, unpriced])
        {
            using var r = await gw.PostChatAsync(Yaml.Chat(model));
            await ResponseAssert.OkAsync(r);
        }

        var f = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_spend_usd_total", null, ("model", priced)) > 0.003, "the spend of two priced requests");
        Assert.Equal(2 * 0.001524, Value(f, "switchyard_spend_usd_total", null, ("model", priced)), 9);
        Assert.Empty(f["switchyard_spend_usd_total"].Where(null, [("model", unpriced)]));
    }

    [Fact]
    public async Task Scrape_NeverShowsTheKey()
    {
        var model = Unique("secretive");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {model}
                model: openai/gpt-4o-mini
                access_keys: [sk-pool-secret-0001, sk-pool-secret-0002]
                base_url: {up.BaseUrl}
            """);
        using (var r = await gw.PostChatAsync(Yaml.Chat(model, content: "my secret prompt text")))
        {
            await ResponseAssert.OkAsync(r);
        }

        await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", model)) == 1, "the request");
        var (families, text) = await ScrapeAsync(gw);
        foreach (var secret in (string[])["sk-pool-secret", "secret-0001", "secret-0002", "my secret prompt"])
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        // Each key of the pool is its own endpoint, told apart by position and fingerprint.
        Assert.Equal(2, families["switchyard_endpoint_breaker_state"].Where(null, ("model", model)).Count());
    }

    [Fact]
    public async Task Scrape_StreamRecordsTimeToFirstChunkAndTimePerChunk()
    {
        var model = Unique("streamer");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Stream));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {model}
                model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
            """);
        using (var r = await gw.PostStreamAsync(Yaml.Chat(model, stream: true)))
        {
            await ResponseAssert.OkAsync(r);
            await r.Content.ReadAsStringAsync();
        }

        var f = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", model)) == 1, "the stream counted");
        (string, string) request = ("gen_ai_request_model", model);
        Assert.Equal(1, Family(f, "gen_ai_client_operation_time_to_first_chunk_seconds", "histogram").Where("gen_ai_client_operation_time_to_first_chunk_seconds_count", request).Single().Value);
        Assert.Equal(1, Family(f, "gen_ai_client_operation_time_per_output_chunk_seconds", "histogram").Where("gen_ai_client_operation_time_per_output_chunk_seconds_count", request).Single().Value);
    }

    [Fact]
    public async Task Scrape_BreakerOpens_GaugeCooldownFailoversAndAttemptsFollow()
    {
        var time = new FakeTimeProvider(Start);
        var primary = Unique("primary");
        var backup = Unique("backup");
        await using var primaryUp = await FakeUpstream.StartAsync(Reply.Json(503, """{"error":{"message":"overloaded"}}"""));
        await using var backupUp = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $$"""
            circuit_breaker: {failure_threshold: 2, cooldown: 30s}
            model_providers:
              - name: {{primary}}
                model: openai/gpt-4o-mini
                access_key: sk-p
                base_url: {{primaryUp.BaseUrl}}
                fallbacks: [{{backup}}]
              - name: {{backup}}
                model: openai/gpt-4o
                access_key: sk-b
                base_url: {{backupUp.BaseUrl}}
            """, time: time);

        (string, string)[] primaryEndpoint = [("model", primary), ("endpoint", primary)];
        var (closed, _) = await ScrapeAsync(gw);
        Assert.Equal(0, Value(closed, "switchyard_endpoint_breaker_state", null, primaryEndpoint));

        for (var i = 0; i < 3; i++)
        {
            using var r = await gw.PostChatAsync(Yaml.Chat(primary));
            await ResponseAssert.OkAsync(r); // served by the backup
        }

        var open = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", backup)) == 3, "three requests served by the backup");
        Assert.Equal(2, Value(open, "switchyard_endpoint_breaker_state", null, primaryEndpoint));
        Assert.Equal(30, Value(open, "switchyard_endpoint_cooldown_remaining_seconds", null, primaryEndpoint));
        Assert.Equal(1, Value(open, "switchyard_endpoint_cooldowns_total", null, [.. primaryEndpoint, ("reason", "breaker_open")]));
        Assert.Equal(2, Value(open, "switchyard_attempts_total", null, ("model", primary), ("outcome", "server_error")));
        Assert.Equal(2, Value(open, "switchyard_failovers_total", null, ("from_model", primary), ("to_model", backup), ("reason", "server_error")));
        // The third request found the breaker open and skipped the primary without an attempt.
        Assert.Equal(1, Value(open, "switchyard_failovers_total", null, ("from_model", primary), ("to_model", backup), ("reason", "circuit_open")));
        var failed = open["gen_ai_client_operation_duration_seconds"].Where("gen_ai_client_operation_duration_seconds_count", ("gen_ai_request_model", primary), ("error_type", "server_error")).Single();
        Assert.Null(failed.Label("gen_ai_response_model"));

        // Cooldown over and the primary healthy again: the half-open probe closes the breaker.
        primaryUp.SetDefault(Reply.Fixture(Ok));
        time.Advance(TimeSpan.FromSeconds(31));
        using (var r = await gw.PostChatAsync(Yaml.Chat(primary)))
        {
            await ResponseAssert.OkAsync(r);
        }

        var healed = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", primary)) == 1, "the primary serving again");
        Assert.Equal(0, Value(healed, "switchyard_endpoint_breaker_state", null, primaryEndpoint));
        Assert.Equal(0, Value(healed, "switchyard_endpoint_cooldown_remaining_seconds", null, primaryEndpoint));
    }

    [Fact]
    public async Task Scrape_WildcardModels_LabelledByTheEntryNotTheClientsString()
    {
        var wildcard = Unique("wild");
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {wildcard}
                model: openai/*
                access_key: sk-w
                base_url: {up.BaseUrl}
            """);

        var invented = Enumerable.Range(0, 20).Select(i => $"openai/invented-{Guid.NewGuid():N}-{i}").ToList();
        foreach (var name in invented)
        {
            using var r = await gw.PostChatAsync(Yaml.Chat(name));
            await ResponseAssert.OkAsync(r);
        }

        Assert.Equal(20, up.RequestCount);
        var f = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", wildcard)) == 20, "20 requests under the wildcard");
        var (_, text) = await ScrapeAsync(gw);
        Assert.DoesNotContain("invented-", text, StringComparison.Ordinal);

        // One series per metric for the twenty requests: the label set did not grow with the client's model names.
        Assert.Single(f["switchyard_requests_total"].Where(null, ("model", wildcard)));
        Assert.Single(f["switchyard_attempts_total"].Where(null, ("model", wildcard)));
        Assert.Single(f["gen_ai_client_operation_duration_seconds"].Where("gen_ai_client_operation_duration_seconds_count", ("gen_ai_request_model", wildcard)));
        Assert.Equal(20, f["gen_ai_client_operation_duration_seconds"].Where("gen_ai_client_operation_duration_seconds_count", ("gen_ai_request_model", wildcard)).Single().Value);
        var modelValues = f.Values.SelectMany(x => x.Samples).SelectMany(s => s.Labels)
            .Where(l => l.Key is "model" or "gen_ai_request_model" or "gen_ai_response_model" or "from_model" or "to_model" && l.Value.Contains("wild", StringComparison.Ordinal))
            .Select(l => l.Value).ToHashSet();
        Assert.Equal([wildcard], modelValues);
    }

    [Fact]
    public async Task Scrape_PreferenceRouting_RouteLabelDecisionsAndRouterLatency()
    {
        var route = Unique("route");
        var target = Unique("target");
        await using var router = await FakeUpstream.StartAsync(FakeRouter.Answer($"{{\"route\": [\"{route}\"]}}"));
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: {target}
                model: openai/gpt-4o
                access_key: sk-t
                base_url: {up.BaseUrl}
                default: true
              - name: router
                model: ollama/plano-orchestrator
                base_url: {router.BaseUrl}
            routing_preferences:
              - name: {route}
                description: writing, reviewing or debugging code
                models: [{target}]
            overrides:
              llm_routing_model: router
            """);

        using (var r = await gw.PostChatAsync("""{"model":"auto","messages":[{"role":"user","content":"write code for a parser"}]}"""))
        {
            await ResponseAssert.OkAsync(r);
            Assert.Equal(route, r.Headers.GetValues("x-switchyard-route").Single());
        }

        var f = await ScrapeUntilAsync(gw, f => Value(f, "switchyard_requests_total", null, ("model", target)) == 1, "the routed request");
        Assert.Equal(1, Value(f, "switchyard_requests_total", null, ("model", target), ("route", route)));
        Family(f, "switchyard_routing_decisions_total", "counter");
        Assert.Equal(1, Value(f, "switchyard_routing_decisions_total", null, ("method", "preference"), ("route", route)));
        var routerDuration = Family(f, "switchyard_router_duration_seconds", "histogram");
        var buckets = routerDuration.Where("switchyard_router_duration_seconds_bucket", ("outcome", "ok")).Select(b => b.Label("le")).ToList();
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"], buckets);
    }

    [Fact]
    public async Task Scrape_WithAdminKey_NeedsTheBearer()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $$"""
            admin:
              api_key: ${SWITCHYARD_TEST_METRICS_KEY}
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {{up.BaseUrl}}
            """, env: name => name == "SWITCHYARD_TEST_METRICS_KEY" ? "adm-metrics-4d1e" : null);

        foreach (var bearer in (string?[])[null, "wrong", "adm-metrics-4d1"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, MetricsEndpoint.Path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }

            using var denied = await gw.Client.SendAsync(request);
            var body = await denied.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
            Assert.Equal("Bearer", denied.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("invalid_admin_key", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.DoesNotContain("switchyard_", body, StringComparison.Ordinal);
        }

        var (families, _) = await ScrapeAsync(gw, "adm-metrics-4d1e");
        Assert.Contains("switchyard_endpoint_breaker_state", families.Keys);
    }

    [Fact]
    public async Task Scrape_ConfigReloads_CountedOkAndFailed()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Ok));
        var yaml = Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-a
                base_url: {up.BaseUrl}
            """;
        await using var gw = await TestGateway.StartAsync(yaml);
        var (before, _) = await ScrapeAsync(gw);
        var ok = Value(before, "switchyard_config_reloads_total", null, ("result", "ok"));
        var failed = Value(before, "switchyard_config_reloads_total", null, ("result", "failed"));

        var rejected = gw.NextRejectedReloadAsync();
        await gw.ReplaceConfigAsync("model_providers: [this is: not valid");
        await rejected;
        var (afterBad, _) = await ScrapeAsync(gw);
        Assert.True(Value(afterBad, "switchyard_config_reloads_total", null, ("result", "failed")) >= failed + 1);

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(yaml + "# changed\n");
        await reloaded;
        var (afterGood, _) = await ScrapeAsync(gw);
        Assert.True(Value(afterGood, "switchyard_config_reloads_total", null, ("result", "ok")) >= ok + 1);
        Assert.Equal("counter", afterGood["switchyard_config_reloads_total"].Type);
    }

    [Theory]
    [InlineData("# TYPE a counter\na 1\na 2\n", "duplicate series")]
    [InlineData("# TYPE a counter\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 1\n", "continues after another family")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [InlineData("a{x=\"\\q\"} 1\n", "bad escape")]
    [InlineData("a{1x=\"v\"} 1\n", "bad label name")]
    [InlineData("a 1", "line feed")]
    [InlineData("a one\n", "bad value")]
    [InlineData("# TYPE a countr\n", "unknown type")]
    [InlineData("# TYPE a counter\na_total 1\n", "EOF", true)]
    [InlineData("# TYPE a counter\na 1\n# EOF\n", "no declared family", true)]
    public void Parser_RejectsWhatTheFormatForbids(string text, string message, bool openMetrics = false)
    {
        var ex = Assert.Throws<FormatException>(() => PrometheusText.Parse(text, openMetrics));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parser_ReadsEscapesTimestampsAndSpecialValues()
    {
        var f = PrometheusText.Parse("# HELP a A \\\\ help\\nline\n# TYPE a gauge\na{x=\"q\\\"uote\\\\\\n\",y=\"\"} +Inf 1700000000000\na{x=\"2\"} NaN\n");
        Assert.Equal("A \\ help\nline", f["a"].Help);
        Assert.Equal("q\"uote\\\n", f["a"].Samples[0].Label("x"));
        Assert.Equal(double.PositiveInfinity, f["a"].Samples[0].Value);
        Assert.True(double.IsNaN(f["a"].Samples[1].Value));
    }
}
