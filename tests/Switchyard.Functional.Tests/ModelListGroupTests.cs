using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// A LiteLLM-style config served end to end: entries sharing a model_name are one group, requests rotate between its
/// members round-robin, and a failing member is followed by the next one.
/// </summary>
public sealed class ModelListGroupTests
{
    // No listeners section: the default listener, whose port the test host overrides.
    private static string Config(FakeUpstream first, FakeUpstream second, string extra = "") => $$"""
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: key-one
              api_base: {{first.BaseUrl}}/v1
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o-2024-08-06
              api_key: key-two
              api_base: {{second.BaseUrl}}/v1
        {{extra}}
        """;

    [Fact]
    public async Task ChatCompletions_TwoRequestsToAGroup_LandOnDifferentUpstreams()
    {
        await using var first = await FakeUpstream.StartAsync();
        await using var second = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(first, second));

        using var one = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));
        using var two = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));

        await ResponseAssert.OkAsync(one);
        await ResponseAssert.OkAsync(two);
        Assert.Equal(("gpt-4o#1", "gpt-4o#2"), (Header(one, "x-switchyard-model"), Header(two, "x-switchyard-model")));
        var toFirst = first.Single();
        var toSecond = second.Single();
        Assert.Equal(("Bearer key-one", "Bearer key-two"), (toFirst.Header("Authorization"), toSecond.Header("Authorization")));
        Assert.Equal(("/v1/chat/completions", "/v1/chat/completions"), (toFirst.PathAndQuery, toSecond.PathAndQuery));
        Assert.Contains("\"model\":\"gpt-4o\"", toFirst.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"gpt-4o-2024-08-06\"", toSecond.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_GroupMemberAnswers500_NextMemberServes()
    {
        await using var first = await FakeUpstream.StartAsync(Reply.Json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        await using var second = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Config(first, second));

        using var response = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("openai/envoy__chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(("2", "gpt-4o#2"), (Header(response, "x-switchyard-attempts"), Header(response, "x-switchyard-model")));
        Assert.Equal((1, 1), (first.RequestCount, second.RequestCount));
    }

    [Fact]
    public async Task ChatCompletions_AliasToGroup_RotatesToo_AndGroupIsListed()
    {
        await using var first = await FakeUpstream.StartAsync();
        await using var second = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(first, second, """
            router_settings:
              model_group_alias: {"gpt-4": "gpt-4o"}
            """));

        using var one = await gw.PostChatAsync(Yaml.Chat("gpt-4"));
        using var two = await gw.PostChatAsync(Yaml.Chat("gpt-4o"));
        using var models = await gw.Client.GetAsync("/v1/models");

        await ResponseAssert.OkAsync(one);
        await ResponseAssert.OkAsync(two);
        Assert.Equal((1, 1), (first.RequestCount, second.RequestCount));
        using var doc = JsonDocument.Parse(await models.Content.ReadAsStringAsync());
        var kinds = doc.RootElement.GetProperty("data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("switchyard_kind").GetString());
        Assert.Equal("group", kinds["gpt-4o"]);
        Assert.Equal("alias", kinds["gpt-4"]);
        Assert.Equal("model", kinds["gpt-4o#1"]);
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
}
