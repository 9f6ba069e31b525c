using System.Net;
using System.Text;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>Every error an OpenAI client sees — the gateway's or an upstream's — is an OpenAI error object.</summary>
public sealed class ErrorShapeTests
{
    private static string Config(FakeUpstream up, bool withDefault = true) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {up.BaseUrl}
            default: {(withDefault ? "true" : "false")}
        """;

    [Fact]
    public async Task ChatCompletions_Upstream500PlainText_Client500WithUpstreamTextInOpenAIError()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Text(500, "upstream exploded: shard 7 unavailable"));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = await ErrorJson.ReadAsync(response);
        Assert.Contains("upstream exploded: shard 7 unavailable", error.Message, StringComparison.Ordinal);
        Assert.Equal("500", error.Code);
    }

    [Fact]
    public async Task ChatCompletions_Upstream503EmptyBody_ClientGetsOpenAIErrorNamingTheStatus()
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Bytes(503, [], "text/plain"));
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("503", (await ErrorJson.ReadAsync(response)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UnknownModel_404ModelNotFoundNamingTheModel()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("anthropic/claude-nonexistent"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorJson.ReadAsync(response);
        Assert.Equal("model_not_found", error.Code);
        Assert.Contains("anthropic/claude-nonexistent", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, up.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_NoModelAndNoDefault_400ModelRequired()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up, withDefault: false));

        using var response = await gw.PostChatAsync(Yaml.Chat(null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("model_required", (await ErrorJson.ReadAsync(response)).Code);
        Assert.Equal(0, up.RequestCount);
    }

    [Theory]
    [InlineData("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[", "invalid_json")] // truncated
    [InlineData("{\"model\":\"openai/gpt-4o-mini\"} trailing", "invalid_json")]
    [InlineData("[1,2,3]", "invalid_json")]
    [InlineData("not json at all", "invalid_json")]
    [InlineData("{\"model\":42,\"messages\":[]}", "invalid_json")]
    [InlineData("{\"model\":\"openai/gpt-4o-mini\",\"stream\":\"yes\"}", "invalid_json")]
    public async Task ChatCompletions_MalformedBody_400OpenAIErrorAndNoUpstreamCall(string body, string code)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorJson.ReadAsync(response);
        Assert.Equal(code, error.Code);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(0, up.RequestCount);
    }

    [Fact]
    public async Task ChatCompletions_EmptyBody_400EmptyBody()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync([]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("empty_body", (await ErrorJson.ReadAsync(response)).Code);
    }

    [Fact]
    public async Task ChatCompletions_Get_405OpenAIError()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.Client.GetAsync("/v1/chat/completions");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", (await ErrorJson.ReadAsync(response)).Code);
    }

    [Fact]
    public async Task UnknownPath_404OpenAIError()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.Client.PostAsync("/v1/nope", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", (await ErrorJson.ReadAsync(response)).Code);
    }
}
