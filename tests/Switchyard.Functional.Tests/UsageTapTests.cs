using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// Stream usage is always captured: a pass-through chat stream whose client did not ask for usage gets
/// <c>stream_options.include_usage</c> added upstream, the gateway reads the usage chunk, and the client does not
/// see a chunk it did not ask for. A client that asked gets everything unchanged.
/// </summary>
public sealed class UsageTapTests
{
    private const string Fixture = "openai/envoy__chat-streaming-detailed-usage.0.sse";

    private static string Config(FakeUpstream up) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {up.BaseUrl}
        """;

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UpstreamAskedChunkHiddenUsageRecorded()
    {
        var logs = new CapturedLogs();
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Fixture));
        await using var gw = await TestGateway.StartAsync(Config(up), logs);
        var body = Yaml.Chat("openai/gpt-4o-mini", stream: true);

        using var response = await gw.PostStreamAsync(body);
        var received = await response.Content.ReadAsStringAsync().WaitAsync(TestGateway.WaitLimit);

        // Upstream: the client's bytes, model patched, stream_options added first.
        var expectedUpstream = body.Replace("openai/gpt-4o-mini", "gpt-4o-mini", StringComparison.Ordinal)
            .Insert(1, "\"stream_options\":{\"include_usage\":true},");
        Assert.Equal(expectedUpstream, up.Single().BodyText);

        // Client: the recording without its usage-only chunk, everything else byte for byte.
        var events = Encoding.UTF8.GetString(Fixtures.Bytes(Fixture)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var usageEvent = Assert.Single(events, e => e.Contains("\"choices\":[]", StringComparison.Ordinal));
        Assert.Equal(string.Concat(events.Where(e => e != usageEvent).Select(e => e + "\n\n")), received);

        // Recorded: the numbers of the recording's usage chunk.
        using var usage = JsonDocument.Parse(usageEvent["data: ".Length..]);
        var u = usage.RootElement.GetProperty("usage");
        var line = Assert.Single(logs.Messages, m => m.StartsWith("Usage for", StringComparison.Ordinal));
        Assert.Equal(
            $"Usage for openai/gpt-4o-mini: input {u.GetProperty("prompt_tokens").GetInt32()}, output {u.GetProperty("completion_tokens").GetInt32()}, "
            + $"cached {u.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32()}, cache write (null), "
            + $"reasoning {u.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32()}",
            line);
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_BodyUnchangedAndChunkShown()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(Fixture));
        await using var gw = await TestGateway.StartAsync(Config(up));
        var body = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""";

        using var response = await gw.PostStreamAsync(body);
        var received = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit);

        Assert.Equal(body, up.Single().BodyText);
        Assert.Equal(Fixtures.Bytes(Fixture), received);
    }

    [Fact]
    public async Task Stream_ClientSetStreamOptionsWithoutUsage_LeftAlone()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-streaming.0.sse"));
        await using var gw = await TestGateway.StartAsync(Config(up));
        var body = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_obfuscation":false},"messages":[{"role":"user","content":"Hi"}]}""";

        using var response = await gw.PostStreamAsync(body);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(TestGateway.WaitLimit);

        Assert.Equal(body, up.Single().BodyText);
    }
}
