using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Trace;
using Switchyard.Core.Configuration;
using Switchyard.Core.Telemetry;
using Switchyard.Functional.Tests.Infrastructure;
using Switchyard.Functional.Tests.Routing;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Traces (docs/observability.md, "Traces") through the real gateway: the span tree (server → attempt client spans,
/// router span) and its attributes in an in-memory exporter, the caller's trace context continued and propagated
/// upstream, sampling, and OTLP export received by an in-process collector over OTLP/HTTP and OTLP/gRPC.
/// ActivitySource listeners are process-wide, so these tests run alone.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests
{
    private const string CallerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpan = "00f067aa0ba902b7";
    private const string CallerParent = $"00-{CallerTrace}-{CallerSpan}-01";

    private static string Config(string baseUrl, string tracing, string extraProviders = "") => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {baseUrl}
        {extraProviders}
        tracing:
        {tracing}
        """;

    // The OTLP exporter goes to the in-process collector; the in-memory exporter keeps the Activity objects, and only
    // the gateway's own requests get server spans (fake upstreams and the collector are Kestrel apps in this process too).
    private static Func<string, string?> Env(OtlpReceiver otlp, bool grpc = false) => name => name switch
    {
        "OTEL_EXPORTER_OTLP_ENDPOINT" when !grpc => otlp.HttpBaseUrl,
        "OTEL_EXPORTER_OTLP_PROTOCOL" when !grpc => "http/protobuf",
        _ => null,
    };

    private static Action<TracerProviderBuilder> Capture(List<Activity>? spans) => t =>
    {
        if (spans is not null)
        {
            t.AddInMemoryExporter(spans);
        }

        t.ConfigureServices(s => s.Configure<AspNetCoreTraceInstrumentationOptions>(o =>
        {
            var prior = o.Filter;
            o.Filter = context => (prior?.Invoke(context) ?? true) && context.RequestServices.GetService(typeof(ConfigManager)) is not null;
        }));
    };

    private static async Task<Activity[]> WaitForSpansAsync(List<Activity> spans, Func<Activity[], bool> done)
    {
        var deadline = DateTime.UtcNow + TestGateway.WaitLimit;
        while (true)
        {
            Activity[] now;
            lock (spans)
            {
                now = [.. spans];
            }

            if (done(now) || DateTime.UtcNow > deadline)
            {
                return now;
            }

            await Task.Delay(20);
        }
    }

    private static Activity Server(Activity[] spans) => Assert.Single(spans, s => s.Kind == ActivityKind.Server);

    private static Activity[] Attempts(Activity[] spans) => spans.Where(s => s.Source.Name == GatewayTracing.SourceName && s.DisplayName.StartsWith("chat ", StringComparison.Ordinal)).ToArray();

    private static object? Tag(Activity a, string key) => a.GetTagItem(key);

    // version-traceid-parentid-flags; the flags may carry W3C level 2's "random" bit (0x02) besides "sampled" (0x01).
    private static void AssertTraceParent(string? header, ActivityTraceId trace, ActivitySpanId parent, bool sampled)
    {
        Assert.NotNull(header);
        var parts = header.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal("00", parts[0]);
        Assert.Equal(trace.ToHexString(), parts[1]);
        Assert.Equal(parent.ToHexString(), parts[2]);
        Assert.Equal(sampled, (int.Parse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1) == 1);
    }

    [Fact]
    public async Task ChatCompletion_WithCallerTraceparent_ServerSpanContinuesIt_AttemptSpanChildCarriesGenAiAttributes()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, "  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("traceparent", CallerParent), ("tracestate", "vendor=abc"));
        await ResponseAssert.OkAsync(response);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        // The server span continues the caller's trace: same trace id, the caller's span as parent.
        var server = Server(all);
        Assert.Equal(CallerTrace, server.TraceId.ToHexString());
        Assert.Equal(CallerSpan, server.ParentSpanId.ToHexString());
        Assert.Equal("chat", Tag(server, "gen_ai.operation.name"));
        Assert.Equal("openai/gpt-4o-mini", Tag(server, "gen_ai.request.model"));
        Assert.Equal("openai", Tag(server, "gen_ai.provider.name"));
        Assert.Equal(8, Tag(server, "gen_ai.usage.input_tokens"));
        Assert.Equal(377, Tag(server, "gen_ai.usage.output_tokens"));
        Assert.Equal(1, Tag(server, "switchyard.attempts"));
        Assert.Equal("openai_chat", Tag(server, "switchyard.client.protocol"));
        Assert.Equal("direct", Tag(server, "switchyard.routing.method"));

        // One client span for the attempt, child of the server span, with the GenAI attributes.
        var attempt = Assert.Single(Attempts(all));
        Assert.Equal(ActivityKind.Client, attempt.Kind);
        Assert.Equal("chat gpt-4o-mini", attempt.DisplayName);
        Assert.Equal(server.TraceId, attempt.TraceId);
        Assert.Equal(server.SpanId, attempt.ParentSpanId);
        Assert.Equal("chat", Tag(attempt, "gen_ai.operation.name"));
        Assert.Equal("openai", Tag(attempt, "gen_ai.provider.name"));
        Assert.Equal("gpt-4o-mini", Tag(attempt, "gen_ai.request.model"));
        Assert.Equal("gpt-5-nano-2025-08-07", Tag(attempt, "gen_ai.response.model")); // as the upstream wrote it
        Assert.Equal(8, Tag(attempt, "gen_ai.usage.input_tokens"));
        Assert.Equal(377, Tag(attempt, "gen_ai.usage.output_tokens"));
        Assert.Equal(320, Tag(attempt, "gen_ai.usage.reasoning.output_tokens"));
        Assert.Equal(1, Tag(attempt, "switchyard.candidate.rank"));
        Assert.Equal(1, Tag(attempt, "switchyard.attempt"));
        Assert.Equal(200, Tag(attempt, "http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, attempt.Status);
        Assert.Null(Tag(attempt, "error.type"));

        // Cost: the record's, the same as the response header, on both spans.
        var header = double.Parse(response.Headers.GetValues("x-switchyard-cost-usd").Single(), CultureInfo.InvariantCulture);
        Assert.Equal(header, (double)Tag(attempt, "switchyard.cost.usd")!, 9);
        Assert.Equal(header, (double)Tag(server, "switchyard.cost.usd")!, 9);

        // The upstream got the trace: same trace id, the attempt span as parent, the caller's tracestate.
        var sent = upstream.Single();
        AssertTraceParent(sent.Header("traceparent"), attempt.TraceId, attempt.SpanId, sampled: true);
        Assert.Equal("vendor=abc", sent.Header("tracestate"));
    }

    [Fact]
    public async Task Stream_AttemptSpanEndsWithTheStream_TimeToFirstTokenAndUsage()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming-detailed-usage.0.sse"));
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, "  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true), ("traceparent", CallerParent));
        await ResponseAssert.OkAsync(response);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        var server = Server(all);
        var attempt = Assert.Single(Attempts(all));
        Assert.Equal(true, Tag(attempt, "switchyard.stream"));
        Assert.InRange((double)Tag(attempt, "switchyard.time_to_first_token")!, 0, attempt.Duration.TotalSeconds);
        Assert.InRange((double)Tag(server, "switchyard.time_to_first_token")!, 0, server.Duration.TotalSeconds);
        Assert.Equal(12, Tag(attempt, "gen_ai.usage.input_tokens"));
        Assert.Equal(100, Tag(attempt, "gen_ai.usage.output_tokens"));
        Assert.Equal("gpt-5-nano-2025-08-07", Tag(attempt, "gen_ai.response.model"));
        Assert.True(attempt.StartTimeUtc + attempt.Duration <= server.StartTimeUtc + server.Duration); // inside the server span
        Assert.Equal(server.SpanId, attempt.ParentSpanId);
    }

    [Fact]
    public async Task AnthropicClient_TranslatedToOpenAI_SpansCarryProtocolAndUsage()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, "  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostAsync("/v1/messages",
            System.Text.Encoding.UTF8.GetBytes("{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
            [("traceparent", CallerParent)]);
        await ResponseAssert.OkAsync(response);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        var server = Server(all);
        Assert.Equal("anthropic_messages", Tag(server, "switchyard.client.protocol"));
        var attempt = Assert.Single(Attempts(all));
        Assert.Equal(8, Tag(attempt, "gen_ai.usage.input_tokens"));
        Assert.Equal(377, Tag(attempt, "gen_ai.usage.output_tokens"));
        AssertTraceParent(upstream.Single().Header("traceparent"), attempt.TraceId, attempt.SpanId, sampled: true);
    }

    [Fact]
    public async Task Failover_TwoAttemptSpans_FirstMarkedError()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"x\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        var yaml = Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {primary.BaseUrl}
                fallbacks: [backup]
              - name: backup
                model: openai/gpt-4o
                access_key: k2
                base_url: {backup.BaseUrl}
            tracing:
              random_sampling: 100
            """;
        await using var gw = await TestGateway.StartAsync(yaml, env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));
        await ResponseAssert.OkAsync(response);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        var server = Server(all);
        var attempts = Attempts(all).OrderBy(a => (int)Tag(a, "switchyard.attempt")!).ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.All(attempts, a => Assert.Equal(server.SpanId, a.ParentSpanId));

        Assert.Equal("chat gpt-4o-mini", attempts[0].DisplayName);
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal("server_error", Tag(attempts[0], "error.type"));
        Assert.Equal(503, Tag(attempts[0], "http.response.status_code"));
        Assert.Equal(1, Tag(attempts[0], "switchyard.candidate.rank"));
        Assert.Null(Tag(attempts[0], "gen_ai.usage.output_tokens"));

        Assert.Equal("chat gpt-4o", attempts[1].DisplayName);
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);
        Assert.Equal(2, Tag(attempts[1], "switchyard.candidate.rank"));
        Assert.Equal("backup", Tag(attempts[1], "switchyard.model"));
        Assert.Equal(377, Tag(attempts[1], "gen_ai.usage.output_tokens"));
        Assert.Equal(2, Tag(server, "switchyard.attempts"));
        Assert.Equal("backup", Tag(server, "gen_ai.response.model"));

        // Each upstream saw its own attempt span as the parent, in the one trace.
        AssertTraceParent(primary.Single().Header("traceparent"), server.TraceId, attempts[0].SpanId, sampled: true);
        AssertTraceParent(backup.Single().Header("traceparent"), server.TraceId, attempts[1].SpanId, sampled: true);
    }

    [Fact]
    public async Task PreferenceRouting_RouterCallHasItsOwnSpan_BesideTheAttempt()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var env = await PreferenceRoutingConfig.StartAsync();
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(env.Yaml(extraTop: "tracing:\n  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"please write code for a parser\"}]}");
        await ResponseAssert.OkAsync(response);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        var server = Server(all);
        var router = Assert.Single(all, s => s.DisplayName == "route plano-orchestrator");
        Assert.Equal(ActivityKind.Client, router.Kind);
        Assert.Equal(server.SpanId, router.ParentSpanId);
        Assert.Equal("coding", Tag(router, "switchyard.router.route"));
        Assert.Equal("ollama", Tag(router, "gen_ai.provider.name"));
        Assert.Equal(ActivityStatusCode.Unset, router.Status);

        var attempt = Assert.Single(Attempts(all));
        Assert.Equal(server.SpanId, attempt.ParentSpanId);
        Assert.Equal("coding", Tag(attempt, "switchyard.route"));
        Assert.Equal("code-primary", Tag(attempt, "switchyard.model"));
        Assert.True(router.StartTimeUtc <= attempt.StartTimeUtc);
        Assert.Equal("coding", Tag(server, "switchyard.route"));
        Assert.Equal("preference", Tag(server, "switchyard.routing.method"));

        // The router model's server got the router span as its parent.
        AssertTraceParent(env.Router.Single().Header("traceparent"), server.TraceId, router.SpanId, sampled: true);
    }

    [Fact]
    public async Task RouterFailure_RouterSpanMarkedError_RequestFailsOpen()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var env = await PreferenceRoutingConfig.StartAsync(Reply.Json(500, "{\"error\":\"down\"}"));
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(env.Yaml(extraTop: "tracing:\n  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync("{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"please write code\"}]}");
        await ResponseAssert.OkAsync(response);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        var router = Assert.Single(all, s => s.DisplayName == "route plano-orchestrator");
        Assert.Equal(ActivityStatusCode.Error, router.Status);
        Assert.Equal("error", Tag(router, "error.type"));
        Assert.Single(Attempts(all));
    }

    [Fact]
    public async Task SpanAttributes_StaticAndHeaderPrefixes_OnServerSpan_NeverCredentials()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        var tracing = "  random_sampling: 100\n  span_attributes:\n    header_prefixes: [x-tenant-, x-]\n    static:\n      deployment: eu-1";
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, tracing), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("x-tenant-org-id", "acme"), ("x-api-key", "sk-secret"));
        await ResponseAssert.OkAsync(response);
        var server = Server(await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server)));

        Assert.Equal("eu-1", Tag(server, "deployment"));
        Assert.Equal("acme", Tag(server, "org.id"));
        Assert.DoesNotContain(server.TagObjects, t => t.Value is string v && v.Contains("sk-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sampling100_EveryRequestTraced()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, "  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        for (var i = 0; i < 5; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));
            await ResponseAssert.OkAsync(response);
        }

        var all = await WaitForSpansAsync(spans, s => s.Count(a => a.Kind == ActivityKind.Server) == 5);
        Assert.Equal(5, all.Count(a => a.Kind == ActivityKind.Server));
        Assert.Equal(5, Attempts(all).Length);
        Assert.Equal(5, all.Where(a => a.Kind == ActivityKind.Server).Select(a => a.TraceId).Distinct().Count());
        var attempts = Attempts(all);
        Assert.All(upstream.Requests, r => AssertTraceParent(r.Header("traceparent"), Assert.Single(attempts, a => r.Header("traceparent")!.Contains(a.SpanId.ToHexString(), StringComparison.Ordinal)).TraceId,
            Assert.Single(attempts, a => r.Header("traceparent")!.Contains(a.SpanId.ToHexString(), StringComparison.Ordinal)).SpanId, sampled: true));
    }

    [Fact]
    public async Task Sampling0_NothingExported_CallerContextPassedThroughUnchanged()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        var configured = false;
        await using (var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, "  random_sampling: 0"), env: Env(otlp), tracing: t => { configured = true; Capture(spans)(t); }))
        {
            Assert.False(GatewayTracing.Active); // no TracerProvider: nothing listens, no span is created

            using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("traceparent", CallerParent), ("tracestate", "vendor=abc"));
            await ResponseAssert.OkAsync(response);
            using var plain = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));
            await ResponseAssert.OkAsync(plain);
        } // disposing the gateway would flush a TracerProvider if there were one

        Assert.False(configured);
        Assert.Empty(spans);
        Assert.Equal(0, otlp.Exports);
        Assert.Equal(CallerParent, upstream.Requests[0].Header("traceparent")); // W3C: a proxy that does not trace passes the context on
        Assert.Equal("vendor=abc", upstream.Requests[0].Header("tracestate"));
        Assert.Null(upstream.Requests[1].Header("traceparent"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CountTokens_UpstreamGetsTheTrace_TracedOrNot(bool traced)
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Json(200, "{\"input_tokens\":42}"));
        var spans = new List<Activity>();
        var yaml = Yaml.Listener() + $"""
            model_providers:
              - model: anthropic/claude-sonnet-4-5
                name: claude
                access_key: sk-ant-test
                base_url: {upstream.BaseUrl}
            """ + (traced ? "\ntracing:\n  random_sampling: 100\n" : "");
        // Untraced: no tracing section and no OTEL_* variable (OTEL_EXPORTER_OTLP_ENDPOINT alone would turn tracing on).
        await using var gw = await TestGateway.StartAsync(yaml, env: traced ? Env(otlp) : _ => null, tracing: Capture(spans));

        using var response = await gw.PostAsync("/v1/messages/count_tokens",
            System.Text.Encoding.UTF8.GetBytes("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), [("traceparent", CallerParent)]);
        await ResponseAssert.OkAsync(response);

        var sent = upstream.Single().Header("traceparent");
        if (traced)
        {
            var server = Server(await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server)));
            Assert.Equal(CallerTrace, server.TraceId.ToHexString());
            AssertTraceParent(sent, server.TraceId, server.SpanId, sampled: true);
        }
        else
        {
            Assert.False(GatewayTracing.Active);
            Assert.Equal(CallerParent, sent);
        }
    }

    [Fact]
    public async Task CallerNotSampled_NoSpansExported_UpstreamGetsTheTraceUnsampled()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, "  random_sampling: 100"), env: Env(otlp), tracing: Capture(spans));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("traceparent", $"00-{CallerTrace}-{CallerSpan}-00"));
        await ResponseAssert.OkAsync(response);
        // A sampled request after it: once its server span is in, the first request's spans would be too.
        using var sampled = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("traceparent", CallerParent.Replace(CallerTrace, "1bf92f3577b34da6a3ce929d0e0e4736", StringComparison.Ordinal)));
        await ResponseAssert.OkAsync(sampled);
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server));

        Assert.DoesNotContain(all, a => a.TraceId.ToHexString() == CallerTrace); // parent-based: the caller decided not to sample this trace
        Assert.Equal(2, all.Length); // the sampled one: server and attempt span
        var sent = upstream.Requests[0].Header("traceparent")!;
        Assert.StartsWith($"00-{CallerTrace}-", sent, StringComparison.Ordinal);
        Assert.EndsWith("-00", sent, StringComparison.Ordinal);
        Assert.NotEqual($"00-{CallerTrace}-{CallerSpan}-00", sent); // a new parent id: the gateway's (unrecorded) server span
    }

    [Fact]
    public async Task Reload_SpanAttributesApplyAtOnce_TurningTracingOffSaysRestart()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        var spans = new List<Activity>();
        var logs = new CapturedLogs();
        string Tracing(string sampling, string deployment) => $"  random_sampling: {sampling}\n  span_attributes:\n    static:\n      deployment: {deployment}";
        await using var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, Tracing("100", "eu-1")), logs, env: Env(otlp), tracing: Capture(spans));
        Assert.Contains(logs.Messages, m => m.StartsWith("Tracing: OTLP/HTTP to " + otlp.HttpBaseUrl + "/v1/traces", StringComparison.Ordinal));

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(upstream.BaseUrl, Tracing("50", "eu-2")));
        await reloaded;
        using (var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("traceparent", CallerParent)))
        {
            await ResponseAssert.OkAsync(response);
        }

        Assert.Equal("eu-2", Tag(Server(await WaitForSpansAsync(spans, s => s.Any(a => a.Kind == ActivityKind.Server))), "deployment"));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("next restart", StringComparison.Ordinal)); // a new ratio needs no restart

        reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(upstream.BaseUrl, Tracing("0", "eu-2")));
        await reloaded;
        var deadline = DateTime.UtcNow + TestGateway.WaitLimit;
        while (!logs.Messages.Any(m => m.Contains("next restart", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains(logs.Messages, m => m.Contains("the exporter is built at start, so this takes effect at the next restart", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Otlp_ExportReachesCollector_HttpProtobufAndGrpc(bool grpc)
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        // gRPC: Plano's key (opentracing_grpc_endpoint); HTTP: the standard OTEL_EXPORTER_OTLP_* variables.
        var tracing = grpc ? $"  random_sampling: 100\n  opentracing_grpc_endpoint: {otlp.GrpcUrl}" : "  random_sampling: 100";
        await using (var gw = await TestGateway.StartAsync(Config(upstream.BaseUrl, tracing), env: Env(otlp, grpc), tracing: Capture(null)))
        {
            using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("traceparent", CallerParent));
            await ResponseAssert.OkAsync(response);

            // The spans end a moment after the client has its answer (the Record stage, then the server span): export
            // the batch until the server span is there (bounded), rather than waiting for the 5 s batch timer.
            var provider = gw.Host.Services.GetRequiredService<TracerProvider>();
            var deadline = DateTime.UtcNow + TestGateway.WaitLimit;
            while (!otlp.Spans.Any(s => s.Kind == 2 && s.TraceId == CallerTrace) && DateTime.UtcNow < deadline)
            {
                Assert.True(provider.ForceFlush(5000));
                await Task.Delay(20);
            }
        }

        Assert.True(otlp.Spans.Any(s => s.Name == "chat gpt-4o-mini"), $"no attempt span arrived ({otlp.Exports} exports): " + string.Join(", ", otlp.Spans.Select(s => s.Name)) + string.Join("\n", otlp.Failures));
        var attempt = otlp.Spans.First(s => s.Name == "chat gpt-4o-mini");
        var server = Assert.Single(otlp.Spans, s => s.Kind == 2 && s.TraceId == CallerTrace && s.ParentSpanId == CallerSpan); // SPAN_KIND_SERVER
        Assert.Equal(CallerTrace, attempt.TraceId);
        Assert.Equal(server.SpanId, attempt.ParentSpanId);
        Assert.Equal(3, attempt.Kind); // SPAN_KIND_CLIENT
        Assert.True(otlp.Exports > 0);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing (process-wide ActivitySource listeners)";
}
