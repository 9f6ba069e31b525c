using System.Net;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary><c>/v1/models</c> and health probes (CORS: <see cref="CorsTests"/>).</summary>
public sealed class EndpointsTests
{
    private static string Config(FakeUpstream up) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/*
            access_key: k
            base_url: {up.BaseUrl}
          - name: house-model
            model: mistral/mistral-small-latest
            access_key: k
            base_url: {up.BaseUrl}
        model_aliases:
          fast:
            target: openai/gpt-4o-mini
        """;

    [Fact]
    public async Task Models_WildcardAndExplicitAndAlias_AllListedInOpenAIShape()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.Client.GetAsync("/v1/models");

        await ResponseAssert.OkAsync(response);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        var models = doc.RootElement.GetProperty("data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.Clone());
        Assert.True(models.ContainsKey("openai/gpt-4o"), "wildcard openai/* should list openai/gpt-4o: " + string.Join(", ", models.Keys));
        Assert.True(models.ContainsKey("openai/gpt-4o-mini"));
        Assert.Equal("model", models["openai/gpt-4o"].GetProperty("switchyard_kind").GetString());
        Assert.Equal("openai", models["openai/gpt-4o"].GetProperty("owned_by").GetString());
        Assert.Equal("model", models["house-model"].GetProperty("object").GetString());
        Assert.Equal("mistral", models["house-model"].GetProperty("owned_by").GetString());
        Assert.Equal("alias", models["fast"].GetProperty("switchyard_kind").GetString());
        Assert.Equal("openai/gpt-4o-mini", models["fast"].GetProperty("alias_target").GetString());
        Assert.False(models.ContainsKey("openai/*"));
    }

    [Fact]
    public async Task ModelsById_AliasAndUnknown_ResolvedOr404()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var alias = await gw.Client.GetAsync("/v1/models/fast");
        using var unknown = await gw.Client.GetAsync("/v1/models/nope-model");

        await ResponseAssert.OkAsync(alias);
        using var doc = JsonDocument.Parse(await alias.Content.ReadAsStringAsync());
        Assert.Equal("fast", doc.RootElement.GetProperty("id").GetString());
        Assert.Equal("alias", doc.RootElement.GetProperty("switchyard_kind").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", (await ErrorJson.ReadAsync(unknown)).Code);
    }

    [Fact]
    public async Task Healthz_Always200()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.Client.GetAsync("/healthz");

        await ResponseAssert.OkAsync(response);
        Assert.Equal("ok", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Readyz_Loaded_200JsonWithGeneration()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.Client.GetAsync("/readyz");

        await ResponseAssert.OkAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("generation").GetInt64());
        Assert.True(doc.RootElement.GetProperty("models").GetInt32() > 1);
    }
}
