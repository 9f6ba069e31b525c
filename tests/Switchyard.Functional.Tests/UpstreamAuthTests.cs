using System.Net;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>What goes on the wire to the provider: URL by its path rules, credential by its scheme, entry headers.</summary>
public sealed class UpstreamAuthTests
{
    [Fact]
    public async Task ChatCompletions_AccessKey_BearerInjectedAndClientAuthorizationNotForwarded()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: sk-config-key
                base_url: {up.BaseUrl}
                headers:
                  x-a: b
                  OpenAI-Organization: org-123
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("Authorization", "Bearer client-secret"), ("x-client-only", "1"));

        await ResponseAssert.OkAsync(response);
        var request = up.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.PathAndQuery);
        Assert.Equal("Bearer sk-config-key", request.Header("Authorization"));
        Assert.Equal("b", request.Header("x-a"));
        Assert.Equal("org-123", request.Header("OpenAI-Organization"));
        Assert.Null(request.Header("x-client-only"));
        Assert.Equal("application/json", request.Header("Content-Type"));
    }

    [Theory]
    [InlineData("Authorization", "Bearer client-own-key")]
    [InlineData("x-api-key", "client-own-key")]
    public async Task ChatCompletions_PassthroughAuth_ClientCredentialForwardedAsBearer(string header, string value)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                passthrough_auth: true
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), (header, value));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("Bearer client-own-key", up.Single().Header("Authorization"));
    }

    [Fact]
    public async Task ChatCompletions_PassthroughAuthWithoutClientCredential_401AndNoUpstreamCall()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                passthrough_auth: true
                base_url: {up.BaseUrl}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("missing_credential", (await ErrorJson.ReadAsync(response)).Code);
        Assert.Equal(0, up.RequestCount);
    }

    [Theory]
    [InlineData(null, "2024-10-21")]
    [InlineData("2025-04-01-preview", "2025-04-01-preview")]
    public async Task ChatCompletions_AzureOpenAI_DeploymentPathApiVersionAndApiKeyHeader(string? apiVersion, string expectedVersion)
    {
        await using var up = await FakeUpstream.StartAsync(Reply.Fixture("azure/envoy__azure-chat-basic.0.json"));
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: azure_openai/my-deployment
                access_key: azure-key
                base_url: {up.BaseUrl}
            {(apiVersion is null ? "" : "    api_version: " + apiVersion)}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("azure_openai/my-deployment"), ("Authorization", "Bearer client-secret"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Fixtures.Bytes("azure/envoy__azure-chat-basic.0.json"), await response.Content.ReadAsByteArrayAsync());
        var request = up.Single();
        Assert.Equal($"/openai/deployments/my-deployment/chat/completions?api-version={expectedVersion}", request.PathAndQuery);
        Assert.Equal("azure-key", request.Header("api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Contains("\"model\":\"my-deployment\"", request.BodyText, StringComparison.Ordinal);
        Assert.Equal("azure_openai", ResponseAssert.Header(response, "x-switchyard-provider"));
    }

    [Theory]
    [InlineData("/proxy/v1", "/proxy/v1/chat/completions")]
    [InlineData("/proxy/v1/", "/proxy/v1/chat/completions")]
    [InlineData("", "/v1/chat/completions")]
    public async Task ChatCompletions_BaseUrlWithPath_PathReplacesProviderDefaultPrefix(string basePath, string expectedPath)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {up.BaseUrl}{basePath}
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(expectedPath, up.Single().PathAndQuery);
    }

    [Fact]
    public async Task ChatCompletions_HttpHost_HostHeaderOverridden()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {up.BaseUrl}
                http_host: api.internal.example
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"));

        await ResponseAssert.OkAsync(response);
        Assert.Equal("api.internal.example", up.Single().Header("Host"));
    }

    [Fact]
    public async Task ChatCompletions_OpenAICompatibleCustomProvider_BearerAndBaseUrlPath()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener() + $"""
            model_providers:
              - model: mylab/llama-local
                provider_interface: openai
                access_key: lab-key
                base_url: {up.BaseUrl}/api
            """);

        using var response = await gw.PostChatAsync(Yaml.Chat("mylab/llama-local"));

        await ResponseAssert.OkAsync(response);
        var request = up.Single();
        Assert.Equal("/api/chat/completions", request.PathAndQuery);
        Assert.Equal("Bearer lab-key", request.Header("Authorization"));
        Assert.Contains("\"model\":\"llama-local\"", request.BodyText, StringComparison.Ordinal);
    }
}
