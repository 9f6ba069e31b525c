using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>The built-in <c>mock</c> provider, driven through the whole gateway.</summary>
public sealed class MockProviderTests
{
    private static string Config(FakeUpstream backup) => Yaml.Listener() + $"""
        model_providers:
          - model: mock/*
          - model: mock/echo
            fallbacks: [backup]
          - name: backup
            model: openai/gpt-4o-mini
            access_key: k
            base_url: {backup.BaseUrl}
        """;

    private const string Body = "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"say this back\"}]}";

    [Fact]
    public async Task ChatCompletions_MockEcho_ReplyIsLastUserMessage()
    {
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(backup));

        using var response = await gw.PostChatAsync(Body);

        await ResponseAssert.OkAsync(response);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("say this back", doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("mock", ResponseAssert.Header(response, "x-switchyard-provider"));
        Assert.Equal(0, backup.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_MockWildcardStream_DeltasConcatenateToLastUserMessageAndEndWithDone()
    {
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(backup));

        using var response = await gw.PostStreamAsync("{\"model\":\"mock/anything\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two  three\"}]}");
        await ResponseAssert.OkAsync(response);
        var events = await new SseClient(await response.Content.ReadAsStreamAsync()).ReadAllEventsAsync();

        Assert.Equal("data: [DONE]\n\n", events[^1]);
        var text = new StringBuilder();
        foreach (var ev in events.Take(events.Count - 1))
        {
            using var doc = JsonDocument.Parse(ev["data: ".Length..]);
            Assert.Equal("anything", doc.RootElement.GetProperty("model").GetString());
            if (doc.RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c))
            {
                text.Append(c.GetString());
            }
        }

        Assert.Equal("one two  three", text.ToString());
    }

    [Fact]
    public async Task ChatCompletions_MockStatus503WithFallback_FallbackServes()
    {
        await using var backup = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(backup));

        using var response = await gw.PostChatAsync(Body, ("x-mock-status", "503"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("2", ResponseAssert.Header(response, "x-switchyard-attempts"));
        Assert.Equal("backup", ResponseAssert.Header(response, "x-switchyard-model"));
        Assert.Null(backup.Single().Header("x-mock-status"));
    }

    [Fact]
    public async Task ChatCompletions_MockStatus429WithoutFallback_Client429WithMockError()
    {
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(backup));

        using var response = await gw.PostChatAsync("{\"model\":\"mock/other\",\"messages\":[]}", ("x-mock-status", "429"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("x-mock-status", (await ErrorJson.ReadAsync(response)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_MockCutAfterTwo_TwoEventsThenErrorEventAndNoDone()
    {
        await using var backup = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(backup));

        using var response = await gw.PostStreamAsync("{\"model\":\"mock/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e\"}]}",
            ("x-mock-cut-after", "2"));
        await ResponseAssert.OkAsync(response);
        var events = await new SseClient(await response.Content.ReadAsStreamAsync()).ReadAllEventsAsync();

        Assert.Equal(3, events.Count);
        Assert.Contains("chat.completion.chunk", events[1], StringComparison.Ordinal);
        Assert.Equal("stream_interrupted", ErrorJson.Parse(events[2]["data: ".Length..]).Code);
        Assert.Equal(0, backup.RequestCount);
    }
}
