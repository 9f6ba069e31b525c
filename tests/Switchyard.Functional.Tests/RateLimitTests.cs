using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Switchyard.Core.Limits;
using Switchyard.Core.State.RateLimits;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Rate limits end to end (docs/resilience.md, "Rate limits"): a deployment at its limit is skipped and the next
/// candidate serves — no 429 while any candidate has room; when none has, a 429 in the client's protocol with
/// Retry-After = the soonest refill. Time stands still (FakeTimeProvider) unless a test moves it.
/// </summary>
public sealed class RateLimitTests
{
    private static string ChatAnswer(int promptTokens, int completionTokens) =>
        $$$"""{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{promptTokens + completionTokens}}}}}""";

    private const string AnthropicAnswer =
        """{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}""";

    [Fact]
    public async Task ModelListGroup_MemberWithRpm10_ServesTenAndTheOtherMemberTheRest_No429()
    {
        var time = new FakeTimeProvider();
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync($$"""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: key-a, api_base: "{{a.BaseUrl}}/v1"}
                rpm: 10
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: key-b, api_base: "{{b.BaseUrl}}/v1"}
            """, time: time);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((10, 20), (a.RequestCount, b.RequestCount));
    }

    [Fact]
    public async Task OpenAIClient_EveryCandidateAtItsLimit_429WithSoonestRetryAfter_ThenServesWhenTimeRefills()
    {
        var time = new FakeTimeProvider();
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: key-a
                base_url: {a.BaseUrl}
                limits: {"{"}rpm: 1{"}"}
              - name: b
                model: openai/gpt-4o
                access_key: key-b
                base_url: {b.BaseUrl}
                limits: {"{"}rpm: 2{"}"}
            model_groups:
              pool:
                models: [a, b]
            """, time: time);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await gw.PostChatAsync(Yaml.Chat("pool"));
            await ResponseAssert.OkAsync(ok);
        }

        using var limited = await gw.PostChatAsync(Yaml.Chat("pool"));

        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, limited);
        Assert.Equal("30", ResponseAssert.Header(limited, "Retry-After")); // b refills one request every 30 s, a every 60 s
        var error = await ErrorJson.ReadAsync(limited);
        Assert.Equal(("rate_limit_error", "rate_limited"), (error.Type, error.Code));
        Assert.Contains("rpm 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("rpm 2", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 2), (a.RequestCount, b.RequestCount)); // the limited request reached no upstream

        time.Advance(TimeSpan.FromSeconds(30));
        using var again = await gw.PostChatAsync(Yaml.Chat("pool"));
        await ResponseAssert.OkAsync(again);
        Assert.Equal((1, 3), (a.RequestCount, b.RequestCount));
    }

    [Fact]
    public async Task AnthropicClient_EveryCandidateAtItsLimit_429InAnthropicShapeWithRetryAfter()
    {
        var time = new FakeTimeProvider();
        await using var a = await FakeUpstream.StartAsync(Reply.Json(200, AnthropicAnswer));
        await using var b = await FakeUpstream.StartAsync(Reply.Json(200, AnthropicAnswer));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - name: a
                model: anthropic/claude-sonnet-4-5
                access_key: key-a
                base_url: {a.BaseUrl}
                limits: {"{"}rpm: 1{"}"}
                fallbacks: [b]
              - name: b
                model: anthropic/claude-sonnet-4-5
                access_key: key-b
                base_url: {b.BaseUrl}
                limits: {"{"}rpm: 6{"}"}
            """, time: time);
        var body = Encoding.UTF8.GetBytes("""{"model":"a","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var ok = await gw.PostAsync("/v1/messages", body);
            statuses.Add(ok.StatusCode);
        }

        using var limited = await gw.PostAsync("/v1/messages", body);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((1, 6), (a.RequestCount, b.RequestCount));
        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, limited);
        Assert.Equal("10", ResponseAssert.Header(limited, "Retry-After")); // b: one request per 10 s; a: per 60 s
        using var doc = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal("error", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("request limit", doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tpm_AdmitsOnTheEstimate_AndTheUpstreamsUsageReplacesIt()
    {
        var time = new FakeTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Enqueue(Reply.Json(200, ChatAnswer(10, 20)), Reply.Json(200, ChatAnswer(10, 900)));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {upstream.BaseUrl}
                limits: {"{"}tpm: 1000{"}"}
            """, time: time);
        const string Body = """{"model":"openai/gpt-4o","max_tokens":600,"messages":[{"role":"user","content":"Hello!"}]}""";
        var estimate = TokenEstimator.Estimate(Encoding.UTF8.GetBytes(Body), "gpt-4o").Total;
        Assert.InRange(estimate, 601, 620);

        // 1st: admitted on ~606; its usage (30) replaces the estimate. Without reconcile the 2nd (~606 more) would not fit.
        using var first = await gw.PostChatAsync(Body);
        using var second = await gw.PostChatAsync(Body);
        // The 2nd really used 910: 940 of 1000 are gone, so the 3rd's estimate does not fit.
        using var third = await gw.PostChatAsync(Body);

        await ResponseAssert.OkAsync(first);
        await ResponseAssert.OkAsync(second);
        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, third);
        var wait = Math.Ceiling((940 + estimate - 1000) * 60.0 / 1000);
        Assert.Equal(wait.ToString(System.Globalization.CultureInfo.InvariantCulture), ResponseAssert.Header(third, "Retry-After"));
        Assert.Contains("tpm 1000", (await ErrorJson.ReadAsync(third)).Message, StringComparison.Ordinal);
        Assert.Equal(2, upstream.RequestCount);
    }

    [Fact]
    public async Task Tpm_AnswerWithoutUsage_KeepsTheEstimate()
    {
        var time = new FakeTimeProvider();
        const string NoUsage = """{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""";
        await using var upstream = await FakeUpstream.StartAsync(Reply.Json(200, NoUsage));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {upstream.BaseUrl}
                limits: {"{"}tpm: 1000{"}"}
            """, time: time);
        const string Body = """{"model":"openai/gpt-4o","max_tokens":600,"messages":[{"role":"user","content":"Hello!"}]}""";

        using var first = await gw.PostChatAsync(Body);
        using var second = await gw.PostChatAsync(Body);

        await ResponseAssert.OkAsync(first);
        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, second);
        Assert.Equal(1, upstream.RequestCount);
    }

    [Fact]
    public async Task Tpm_UpstreamRefusedTheAttempt_TokensAreGivenBack()
    {
        var time = new FakeTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Json(200, ChatAnswer(5, 5)));
        upstream.Enqueue(Reply.Json(400, """{"error":{"message":"bad","type":"invalid_request_error"}}"""));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {upstream.BaseUrl}
                limits: {"{"}tpm: 1000{"}"}
            """, time: time);
        const string Body = """{"model":"openai/gpt-4o","max_tokens":600,"messages":[{"role":"user","content":"Hello!"}]}""";

        using var refused = await gw.PostChatAsync(Body);
        using var next = await gw.PostChatAsync(Body);

        await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, refused);
        await ResponseAssert.OkAsync(next);
    }

    [Fact]
    public async Task Rpm_ARequestTheBreakerTurnsAwayIsNotCharged()
    {
        // rpm 2 on the primary: one request every 30 s, two at once. Its first attempt (503) opens its breaker; the
        // second request is admitted by the limiter and then turned away by the open breaker, so its charge must go
        // back. Ten seconds later the recovered primary has room for its probe only if that charge went back.
        var time = new FakeTimeProvider();
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            circuit_breaker: {"{"}failure_threshold: 1, cooldown: 10s{"}"}
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {primary.BaseUrl}
                limits: {"{"}rpm: 2{"}"}
                fallbacks: [backup]
              - name: backup
                model: openai/gpt-4o-mini
                access_key: k2
                base_url: {backup.BaseUrl}
            """, time: time);

        using (var first = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o")))
        {
            Assert.Equal("backup", ResponseAssert.Header(first, "x-switchyard-model"));
        }

        for (var i = 0; i < 200 && gw.Host.Config.Current.Endpoints.For(gw.Host.Config.Current.Config.Providers[0]).Breaker.State != Switchyard.Core.Resilience.BreakerState.Open; i++)
        {
            await Task.Delay(25);
        }

        using (var turnedAway = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o")))
        {
            Assert.Equal("backup", ResponseAssert.Header(turnedAway, "x-switchyard-model"));
            Assert.Equal("1", ResponseAssert.Header(turnedAway, "x-switchyard-attempts"));
        }

        time.Advance(TimeSpan.FromSeconds(10));
        primary.SetDefault(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        using var probe = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));

        await ResponseAssert.OkAsync(probe);
        Assert.Equal("openai/gpt-4o", ResponseAssert.Header(probe, "x-switchyard-model"));
        Assert.Equal(2, primary.RequestCount);
    }

    [Fact]
    public async Task Rpm_StateSurvivesAConfigReload()
    {
        var time = new FakeTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync();
        string Config(string extra) => Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {upstream.BaseUrl}
                limits: {"{"}rpm: 2{"}"}
            {extra}
            """;
        await using var gw = await TestGateway.StartAsync(Config(""), time: time);

        using var one = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));
        using var two = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o"));
        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config("""
            model_aliases:
              four: {target: openai/gpt-4o}
            """));
        await reloaded;
        using var three = await gw.PostChatAsync(Yaml.Chat("four"));

        await ResponseAssert.OkAsync(one);
        await ResponseAssert.OkAsync(two);
        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, three);
        Assert.Equal("30", ResponseAssert.Header(three, "Retry-After"));
    }

    [Fact]
    public async Task PlanoRatelimits_StarSelectorGivesEachHeaderValueItsOwnBucket_AndAnExactValueRuleWins()
    {
        var time = new FakeTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Json(200, ChatAnswer(5, 1)));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {upstream.BaseUrl}
            ratelimits:
              - model: gpt-4o
                selector: {"{"}key: x-user-id, value: "*"{"}"}
                limit: {"{"}tokens: 10, unit: minute{"}"}
              - model: openai/gpt-4o
                selector: {"{"}key: x-user-id, value: vip{"}"}
                limit: {"{"}tokens: 100000, unit: hour{"}"}
            """, time: time);
        var chat = Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-4o")); // "Hello!": about 6 input tokens
        Task<HttpResponseMessage> As(string? user) => gw.PostChatAsync(chat, user is null ? [] : [("x-user-id", user)]);

        using var alice1 = await As("alice"); // 6 admitted, reconciled to the reported 5
        using var alice2 = await As("alice"); // 6 more do not fit in the 5 left
        using var bob = await As("bob");       // bob's own bucket
        using var vip1 = await As("vip");      // the exact rule, not a '*' bucket
        using var vip2 = await As("vip");
        using var vip3 = await As("vip");
        using var anonymous = await As(null);  // no selector header: no rule applies

        await ResponseAssert.OkAsync(alice1);
        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, alice2);
        Assert.Equal("6", ResponseAssert.Header(alice2, "Retry-After")); // 1 token short at 10 per minute
        var error = await ErrorJson.ReadAsync(alice2);
        Assert.Equal("rate_limit_error", error.Type);
        Assert.Contains("x-user-id: alice", error.Message, StringComparison.Ordinal);
        await ResponseAssert.OkAsync(bob);
        await ResponseAssert.OkAsync(vip1);
        await ResponseAssert.OkAsync(vip2);
        await ResponseAssert.OkAsync(vip3);
        await ResponseAssert.OkAsync(anonymous);

        time.Advance(TimeSpan.FromSeconds(6));
        using var alice3 = await As("alice");
        await ResponseAssert.OkAsync(alice3);
    }

    [Fact]
    public async Task PlanoRatelimits_ExactValueSelector_LimitsOnlyThatValueAndItsRequestsTogether()
    {
        var time = new FakeTimeProvider();
        await using var upstream = await FakeUpstream.StartAsync(Reply.Json(200, ChatAnswer(6, 1)));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                base_url: {upstream.BaseUrl}
            ratelimits:
              - model: gpt-4o
                selector: {"{"}key: x-org-id, value: acme{"}"}
                limit: {"{"}tokens: 12, unit: hour{"}"}
            """, time: time);
        var chat = Encoding.UTF8.GetBytes(Yaml.Chat("openai/gpt-4o"));
        Task<HttpResponseMessage> As(string org, string user) => gw.PostChatAsync(chat, [("x-org-id", org), ("x-user-id", user)]);

        using var acme1 = await As("acme", "u1");
        using var acme2 = await As("acme", "u2"); // the same bucket, whoever sends it
        using var acme3 = await As("acme", "u3");
        using var other = await As("globex", "u1");

        await ResponseAssert.OkAsync(acme1);
        await ResponseAssert.OkAsync(acme2);
        await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, acme3);
        Assert.Equal("1800", ResponseAssert.Header(acme3, "Retry-After")); // 6 tokens at 12 per hour
        await ResponseAssert.OkAsync(other);
    }
}
