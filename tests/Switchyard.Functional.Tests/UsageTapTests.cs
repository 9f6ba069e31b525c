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

    [Theory]
    [InlineData("/v1/chat/completions", "openai/gpt-4o-mini", false, "openai/envoy__chat-basic.0.json")]
    [InlineData("/v1/messages", "anthropic/claude-sonnet-4-5", true, "anthropic/llmanth__test_stream_events_text.0.sse")]
    [InlineData("/v1/responses", "openai/gpt-4o-mini", true, "openai-responses/llm__test_responses_basic_streaming.0.sse")]
    [InlineData("/v1/responses", "openai/gpt-4o-mini", false, "openai-responses/llm__test_responses_basic_non_streaming.0.json")]
    [InlineData("/v1/chat/completions", "anthropic/claude-sonnet-4-5", true, "anthropic/llmanth__test_stream_events_text.0.sse")]
    public async Task EveryProtocolAndMode_UsageOfTheRecordingIsRecorded(string path, string model, bool stream, string fixture)
    {
        var logs = new CapturedLogs();
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture(fixture));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: {model}
                access_key: k
                base_url: {up.BaseUrl}
            """, logs);
        var body = path switch
        {
            "/v1/messages" => $"{{\"model\":\"{model}\",\"max_tokens\":64,\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}",
            "/v1/responses" => $"{{\"model\":\"{model}\",\"stream\":{(stream ? "true" : "false")},\"input\":\"hi\"}}",
            _ => Yaml.Chat(model, stream),
        };

        using var response = await gw.PostAsync(path, Encoding.UTF8.GetBytes(body));
        await ResponseAssert.OkAsync(response);
        await response.Content.ReadAsByteArrayAsync();

        var (input, output) = ExpectedUsage(Fixtures.Bytes(fixture));

        // The Record stage runs once the answer is written: the client may have read it all a moment before.
        for (var i = 0; i < 100 && !logs.Messages.Any(m => m.StartsWith("Usage for", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50);
        }

        var line = Assert.Single(logs.Messages, m => m.StartsWith("Usage for", StringComparison.Ordinal));
        Assert.StartsWith($"Usage for {model}: input {input}, output {output},", line, StringComparison.Ordinal);
    }

    // The last input/output token counts the recording states, read plainly from its text (the oracle is the file).
    private static (int Input, int Output) ExpectedUsage(byte[] recording)
    {
        var text = Encoding.UTF8.GetString(recording);
        int Last(params string[] names)
        {
            var best = -1;
            var value = 0;
            foreach (var name in names)
            {
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "\"" + name + "\":\\s*(\\d+)"))
                {
                    if (m.Index > best)
                    {
                        best = m.Index;
                        value = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }

            return value;
        }

        return (Last("prompt_tokens", "input_tokens"), Last("completion_tokens", "output_tokens"));
    }
}
