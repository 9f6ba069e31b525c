using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// The dispatch loop feeds the built-in observed-TTFT source: real requests through the gateway record the time
/// from sending an attempt to its commit point, under the canonical name of the candidate that answered.
/// </summary>
public sealed class ObservedLatencyTests
{
    private static readonly TimeSpan FirstEventDelay = TimeSpan.FromMilliseconds(250);

    private static ObservedLatency Observed(TestGateway gw) => gw.Host.Services.GetRequiredService<ObservedLatency>();

    [Fact]
    public async Task ChatStream_PassThrough_RecordsTimeToFirstEventNotToEnd()
    {
        var laterPause = TimeSpan.FromMilliseconds(800);
        await using var up = await FakeUpstream.StartAsync(Reply.Sse()
            .Pause(FirstEventDelay).Chunk("Hel")
            .Pause(laterPause).Chunk("lo").Done());
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));

        await ResponseAssert.OkAsync(response);
        Assert.True(Observed(gw).TryGetSeconds("openai/gpt-4o-mini", out var seconds));
        // Task.Delay in the fake upstream runs on a millisecond-granular timer and may end a fraction of a millisecond
        // before the nominal pause (0.2498 s was seen); the point is "first event, not the end of the stream".
        Assert.InRange(seconds, FirstEventDelay.TotalSeconds - 0.005, (FirstEventDelay + laterPause).TotalSeconds - 0.1);
    }

    [Fact]
    public async Task Chat_ClientChosenNamesUnderAWildcard_RecordedUnderTheEntrySoTheMapStaysBounded()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/*
                access_key: k
                base_url: {up.BaseUrl}
            """);

        for (var i = 0; i < 20; i++)
        {
            using var response = await gw.PostChatAsync(Yaml.Chat($"openai/made-up-model-{i}"));
            await ResponseAssert.OkAsync(response);
        }

        Assert.Equal(1, Observed(gw).Count);
        Assert.True(Observed(gw).TryGetSeconds("openai/*", out _));
    }

    [Fact]
    public async Task Chat_FailoverToBackup_RecordsOnlyTheCandidateThatAnswered()
    {
        await using var primary = await FakeUpstream.StartAsync(Reply.Json(503, "{\"error\":{\"message\":\"busy\",\"type\":\"x\"}}"));
        await using var backup = await FakeUpstream.StartAsync(Reply.After(FirstEventDelay, Reply.Fixture("openai/envoy__chat-basic.0.json")));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {primary.BaseUrl}
                fallbacks: [backup]
              - name: backup
                model: openai/gpt-4o
                access_key: k2
                base_url: {backup.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        var observed = Observed(gw);
        Assert.False(observed.TryGetSeconds("openai/gpt-4o-mini", out _));
        Assert.True(observed.TryGetSeconds("backup", out var seconds));
        Assert.InRange(seconds, FirstEventDelay.TotalSeconds - 0.005, 5); // timer granularity: see above
        Assert.Equal(1, observed.Count);
    }

    [Fact]
    public async Task ChatStream_TranslatedToAnthropic_RecordsUnderEntryName()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.After(FirstEventDelay, Reply.Fixture("anthropic/llmanth__test_stream_events_text.0.sse")));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: anthropic/claude-sonnet-4-5
                name: claude
                access_key: sk-ant-test
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Encoding.UTF8.GetBytes(Yaml.Chat("claude", stream: true)));

        await ResponseAssert.OkAsync(response);
        Assert.True(Observed(gw).TryGetSeconds("claude", out var seconds));
        Assert.InRange(seconds, FirstEventDelay.TotalSeconds - 0.005, 5); // timer granularity: see above
    }

    [Fact]
    public async Task Chat_UpstreamError_RecordsNothing()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Json(400, "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(0, Observed(gw).Count);
    }
}
