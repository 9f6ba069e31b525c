using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary><c>stream_idle_timeout</c> measures upstream silence, not a slow client's back-pressure.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task ChatCompletions_ClientStopsReadingLongerThanIdleTimeout_StreamStillCompletes()
    {
        // Far more than loopback socket buffers and Kestrel's output buffer hold, so the gateway's writes block.
        var big = "data: " + SseScript.ChunkJson(new string('x', 64 * 1024), null) + "\n\n";
        var script = Reply.Sse();
        for (var i = 0; i < 400; i++)
        {
            script.Raw(big);
        }

        await using var up = await FakeUpstream.StartAsync(script.Data(SseScript.ChunkJson("", "stop")).Done());
        await using var gw = await TestGateway.StartAsync(Yaml.Listener(timeout: "5s", streamIdle: "2s") + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        await ResponseAssert.OkAsync(response);
        var sse = new SseClient(await response.Content.ReadAsStreamAsync());
        Assert.Equal(big, await sse.ReadEventAsync());

        // The client stalls (the behaviour under test, not synchronisation): the upstream keeps sending meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var rest = await sse.ReadAllEventsAsync();

        var idleError = rest.FirstOrDefault(e => e.Contains("\"error\"", StringComparison.Ordinal));
        Assert.True(idleError is null, "a slow client was reported as an idle upstream: " + idleError);
        Assert.Equal("data: [DONE]\n\n", rest[^1]);
        Assert.Equal(400, rest.Count(e => e.StartsWith("data: {", StringComparison.Ordinal))); // 399 big events after the first one read above, then the stop chunk
    }
}
