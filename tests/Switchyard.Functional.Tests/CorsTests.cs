using System.Net;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>
/// CORS is off unless the config lists origins: the gateway adds provider keys itself, so a web page from an
/// unlisted origin must not be able to call it from the operator's browser.
/// </summary>
public sealed class CorsTests
{
    private const string Listed = "http://localhost:5173";

    private static string Config(FakeUpstream up, string cors = "") => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {up.BaseUrl}
        {cors}
        """;

    private const string ListedCors = """
        cors:
          allowed_origins: ["http://localhost:5173"]
          allowed_headers: [content-type, authorization]
        """;

    private static Task<HttpResponseMessage> PreflightAsync(TestGateway gw, string origin, string requestHeaders = "authorization, content-type")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);
        return gw.Client.SendAsync(request);
    }

    private static IEnumerable<string> AccessControlHeaders(HttpResponseMessage response)
        => response.Headers.Concat(response.Content.Headers).Select(h => h.Key).Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Preflight_DefaultConfig_NoAccessControlHeadersAtAll()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await PreflightAsync(gw, "https://evil.example");

        Assert.Empty(AccessControlHeaders(response));
        Assert.NotEqual(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, up.RequestCount);
    }

    [Fact]
    public async Task CrossOriginPost_DefaultConfig_AnsweredWithoutAllowOrigin()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("Origin", "https://evil.example"));

        // A non-browser client that sends Origin is served; a browser gets nothing it may read.
        await ResponseAssert.OkAsync(response);
        Assert.Empty(AccessControlHeaders(response));
    }

    [Fact]
    public async Task Preflight_ListedOrigin_204WithOnlyTheAllowedHeaders()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up, ListedCors));

        using var response = await PreflightAsync(gw, Listed, "authorization, content-type, x-evil");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Listed, ResponseAssert.Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("content-type, authorization", ResponseAssert.Header(response, "Access-Control-Allow-Headers"));
        Assert.Contains("POST", ResponseAssert.Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal(0, up.RequestCount);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://localhost:5174")]
    [InlineData("https://localhost:5173")]
    [InlineData("null")]
    public async Task Preflight_UnlistedOrigin_NoAllowOrigin(string origin)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up, ListedCors));

        using var response = await PreflightAsync(gw, origin);

        Assert.DoesNotContain("Access-Control-Allow-Origin", AccessControlHeaders(response), StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("Access-Control-Allow-Headers", AccessControlHeaders(response), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CrossOriginPost_ListedOrigin_AllowOriginAndExposedRoutingHeaders()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up, ListedCors));

        using var response = await gw.PostChatAsync(Yaml.Chat("openai/gpt-4o-mini"), ("Origin", Listed));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(Listed, ResponseAssert.Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("x-switchyard-model", ResponseAssert.Header(response, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.Contains("x-switchyard-cost-usd", ResponseAssert.Header(response, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task Reload_CorsSectionAdded_ListedOriginAllowedWithoutRestart()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));
        using (var before = await PreflightAsync(gw, Listed))
        {
            Assert.Empty(AccessControlHeaders(before));
        }

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(up, ListedCors));
        await reloaded;
        using var after = await PreflightAsync(gw, Listed);

        Assert.Equal(Listed, ResponseAssert.Header(after, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Reload_StarWithProviderKeys_WarningLoggedAndAnyOriginAllowed()
    {
        var logs = new CapturedLogs();
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up), logs);

        var reloaded = gw.NextReloadAsync();
        await gw.ReplaceConfigAsync(Config(up, "cors:\n  allowed_origins: [\"*\"]\n"));
        await reloaded;
        using var response = await PreflightAsync(gw, "https://anywhere.example");

        Assert.Equal("*", ResponseAssert.Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains(logs.Messages, m => m.Contains("cors.allowed_origins", StringComparison.Ordinal) && m.Contains("any web page", StringComparison.Ordinal));
    }
}
