using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>A changed config file is picked up while serving; an invalid one is rejected and the old one keeps serving.</summary>
public sealed class ConfigReloadTests
{
    private static string Config(FakeUpstream up, string aliases = "") => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {up.BaseUrl}
        {aliases}
        """;

    private const string QuickAlias = """
        model_aliases:
          quick:
            target: openai/gpt-4o-mini
        """;

    [Fact]
    public async Task Reload_AliasAdded_AliasServesWithoutRestart()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));
        using (var before = await gw.PostChatAsync(Yaml.Chat("quick")))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(up, QuickAlias));
        var snapshot = await reloaded;

        Assert.True(snapshot.Generation >= 2);
        using var after = await gw.PostChatAsync(Yaml.Chat("quick"));
        await ResponseAssert.OkAsync(after);
        Assert.Contains("\"model\":\"gpt-4o-mini\"", up.Single().BodyText, StringComparison.Ordinal);
        Assert.Equal(snapshot.Generation, await GenerationAsync(gw));
    }

    [Theory]
    [InlineData("model_providers:\n  - model: openai/gpt-4o-mini\n    acess_key: typo\n")] // unknown key
    [InlineData("model_providers: [\n")] // broken YAML
    [InlineData("model_providers:\n  - model: openai/gpt-4o-mini\n    access_key: k\nmodel_aliases:\n  quick:\n    target: nowhere/none\n")] // dangling alias
    public async Task Reload_InvalidConfig_PreviousConfigKeepsServing(string invalid)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up, QuickAlias));
        var generation = await GenerationAsync(gw);

        var rejected = gw.NextRejectedReloadAsync();
        await gw.ReplaceConfigAsync(Yaml.Listener() + invalid);
        var result = await rejected;

        Assert.Null(result.Config);
        Assert.NotEmpty(result.Errors);
        using var response = await gw.PostChatAsync(Yaml.Chat("quick"));
        await ResponseAssert.OkAsync(response);
        Assert.Equal(1, up.RequestCount);
        Assert.Equal(generation, await GenerationAsync(gw));
    }

    [Fact]
    public async Task Reload_DuringStream_InFlightStreamCompletesOnOldConfigAndNewRequestsUseNewOne()
    {
        var clientHasFirst = new Gate();
        var script = Reply.Sse().Chunk("one").WaitFor(clientHasFirst).Chunk("two").Data(SseScript.ChunkJson("", "stop")).Done();
        await using var oldUpstream = await FakeUpstream.StartAsync(script);
        await using var newUpstream = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(oldUpstream));

        using var stream = await gw.PostStreamAsync(Yaml.Chat("openai/gpt-4o-mini", stream: true));
        var sse = new SseClient(await stream.Content.ReadAsStreamAsync());
        Assert.NotNull(await sse.ReadEventAsync());

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(newUpstream, QuickAlias));
        await reloaded;
        using (var fresh = await gw.PostChatAsync(Yaml.Chat("quick")))
        {
            await ResponseAssert.OkAsync(fresh);
        }

        clientHasFirst.Open();
        var rest = await sse.ReadAllEventsAsync();

        Assert.Equal(["data: " + SseScript.ChunkJson("two", null) + "\n\n", "data: " + SseScript.ChunkJson("", "stop") + "\n\n", "data: [DONE]\n\n"], rest);
        Assert.Equal(1, oldUpstream.RequestCount);
        Assert.Equal(1, newUpstream.RequestCount);
        Assert.False(oldUpstream.Single().WasAborted);
    }

    [Fact]
    public async Task Reload_ListenerRetriesChanged_NewRequestsUseNewRetryCount()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Text(503, "busy"));
        await using var gw = await TestGateway.StartAsync(Config(up));
        using (var first = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(up).Replace("max_retries: 0", "max_retries: 2", StringComparison.Ordinal));
        await reloaded;
        using var second = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal("3", ResponseAssert.Header(second, "x-switchyard-attempts"));
        Assert.Equal(4, up.RequestCount);
    }

    private static async Task<long> GenerationAsync(TestGateway gw)
    {
        using var response = await gw.Client.GetAsync("/readyz");
        await ResponseAssert.OkAsync(response);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("generation").GetInt64();
    }
}
