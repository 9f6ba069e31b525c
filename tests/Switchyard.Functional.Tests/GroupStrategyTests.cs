using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Group strategies end to end: real fake upstreams with real delays behind a real gateway (the system clock, since
/// latency is what is measured), bounded request counts.
/// </summary>
public sealed class GroupStrategyTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(100);

    private static UpstreamHandler Answer(TimeSpan delay) => Reply.After(delay, Reply.Fixture("openai/envoy__chat-basic.0.json"));

    // The slow upstream is declared first: with no data the declared order leads, so the test starts on the slow one.
    private static string Config(FakeUpstream slow, FakeUpstream fast, string strategy) => $$"""
        model_providers:
          - name: slow
            model: openai/gpt-4o
            access_key: key-slow
            base_url: {{slow.BaseUrl}}/v1
          - name: fast
            model: openai/gpt-4o
            access_key: key-fast
            base_url: {{fast.BaseUrl}}/v1
        model_groups:
          gpt:
            models: [slow, fast]
            strategy: {{strategy}}
        """;

    private static async Task SendAsync(TestGateway gw, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat("gpt"));
            await ResponseAssert.OkAsync(response);
        }
    }

    [Fact]
    public async Task LatencyBased_PrefersTheFastUpstream_ForAtLeast90Percent_AndStillProbesTheSlowOne()
    {
        await using var slow = await FakeUpstream.StartAsync(Answer(Slow));
        await using var fast = await FakeUpstream.StartAsync(Answer(Fast));
        await using var gw = await TestGateway.StartAsync(Config(slow, fast, "latency-based"));

        // Warm-up: the first request goes to the declared first (slow), the second to the one never tried (fast).
        await SendAsync(gw, 5);
        Assert.True(slow.RequestCount >= 1 && fast.RequestCount >= 1, $"warm-up: slow {slow.RequestCount}, fast {fast.RequestCount}");

        const int Measured = 300;
        var (slowBefore, fastBefore) = (slow.RequestCount, fast.RequestCount);
        await SendAsync(gw, Measured);
        var (toSlow, toFast) = (slow.RequestCount - slowBefore, fast.RequestCount - fastBefore);

        // 5 % exploration: about 15 of 300 go to the slow one (more than 30, or none, is a 1-in-10^4 event).
        Assert.Equal(Measured, toSlow + toFast);
        Assert.True(toFast >= Measured * 0.9, $"fast served {toFast} of {Measured}");
        Assert.True(toSlow >= 1, "the slow upstream was never probed");
    }

    [Fact]
    public async Task LatencyBased_RecoveredEndpoint_ComesBackAfterAProbe()
    {
        await using var slow = await FakeUpstream.StartAsync(Answer(Slow));
        await using var fast = await FakeUpstream.StartAsync(Answer(Fast));
        await using var gw = await TestGateway.StartAsync(Config(slow, fast, "least-latency"));
        await SendAsync(gw, 5);

        // The roles swap: the slow one recovers to 10 ms, the fast one degrades to 100 ms.
        slow.SetDefault(Answer(Fast));
        fast.SetDefault(Answer(Slow));
        await SendAsync(gw, 200);

        // Within 200 requests the recovered one was probed and took the lead: it serves most of the last 50.
        var before = slow.RequestCount;
        await SendAsync(gw, 50);
        Assert.True(slow.RequestCount - before >= 40, $"the recovered upstream served {slow.RequestCount - before} of the last 50");
    }

    [Fact]
    public async Task LatencyBased_Streams_RankByTimeToFirstToken_NotByTotalTime()
    {
        // "late" sends its first token after 60 ms and ends at once; "early" sends it at once but ends 80 ms later.
        // Ranked by total time "late" would win; by time to first token "early" does.
        static UpstreamHandler Stream(TimeSpan beforeFirst, TimeSpan afterFirst)
            => Reply.Sse().Pause(beforeFirst).Chunk("Hel").Pause(afterFirst).Data(SseScript.ChunkJson("lo", "stop")).Done();
        await using var late = await FakeUpstream.StartAsync(Stream(TimeSpan.FromMilliseconds(60), TimeSpan.Zero));
        await using var early = await FakeUpstream.StartAsync(Stream(TimeSpan.Zero, TimeSpan.FromMilliseconds(80)));
        await using var gw = await TestGateway.StartAsync(Config(late, early, "latency-based-routing"));

        const int Count = 60;
        for (var i = 0; i < Count; i++)
        {
            using var response = await gw.PostStreamAsync(Yaml.Chat("gpt", stream: true));
            await ResponseAssert.OkAsync(response);
            Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // 5 % exploration and the first request (declared order) go to "late": about 4 of 60 (12 or more: 1 in 10^4).
        Assert.True(early.RequestCount >= 48, $"early first token served {early.RequestCount} of {Count}");
        Assert.Equal(Count, early.RequestCount + late.RequestCount);
    }

    [Fact]
    public async Task LeastBusy_AMemberWithARequestInFlight_IsPassedOver()
    {
        var gate = new Gate();
        await using var busy = await FakeUpstream.StartAsync(async (context, request) =>
        {
            await gate.WaitAsync(context.RequestAborted);
            await Answer(TimeSpan.Zero)(context, request);
        });
        await using var idle = await FakeUpstream.StartAsync(Answer(TimeSpan.Zero));
        await using var gw = await TestGateway.StartAsync(Config(busy, idle, "least-busy"));

        // All idle: the rotation starts at the first declared member, which holds the request.
        var held = gw.PostChatAsync(Yaml.Chat("gpt"));
        await busy.NextRequestAsync();

        // Round-robin would send every other request into the held member; least-busy sends them all to the idle one.
        await SendAsync(gw, 4);
        Assert.Equal((1, 4), (busy.RequestCount, idle.RequestCount));

        gate.Open();
        using var released = await held;
        await ResponseAssert.OkAsync(released);
    }

    [Fact]
    public async Task Priority_LowerFirst_TheOtherOnlyOnFailure()
    {
        await using var first = await FakeUpstream.StartAsync(Answer(TimeSpan.Zero));
        await using var second = await FakeUpstream.StartAsync(Answer(TimeSpan.Zero));
        await using var gw = await TestGateway.StartAsync($$"""
            model_providers:
              - name: a
                model: openai/gpt-4o
                access_key: ka
                base_url: {{first.BaseUrl}}/v1
                priority: 2
              - name: b
                model: openai/gpt-4o
                access_key: kb
                base_url: {{second.BaseUrl}}/v1
                priority: 1
            model_groups:
              gpt:
                models: [a, b]
                strategy: priority
            """);

        await SendAsync(gw, 4);
        Assert.Equal((0, 4), (first.RequestCount, second.RequestCount));

        second.SetDefault(Reply.Json(503, "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}"));
        await SendAsync(gw, 1);
        Assert.Equal((1, 5), (first.RequestCount, second.RequestCount));
    }

    [Fact]
    public async Task ModelList_SimpleShuffleWithWeights_SpreadsByWeight()
    {
        await using var heavy = await FakeUpstream.StartAsync(Answer(TimeSpan.Zero));
        await using var light = await FakeUpstream.StartAsync(Answer(TimeSpan.Zero));
        await using var gw = await TestGateway.StartAsync($$"""
            model_list:
              - model_name: gpt
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k1
                  api_base: {{heavy.BaseUrl}}/v1
                  weight: 9
              - model_name: gpt
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k2
                  api_base: {{light.BaseUrl}}/v1
                  weight: 1
            router_settings:
              routing_strategy: simple-shuffle
            """);

        await SendAsync(gw, 200);

        // Expected 180/20; the bounds are more than four standard deviations away.
        Assert.Equal(200, heavy.RequestCount + light.RequestCount);
        Assert.InRange(heavy.RequestCount, 163, 197);
    }
}
