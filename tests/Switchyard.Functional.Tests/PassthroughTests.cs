using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>Same protocol on both sides: the client's bytes go upstream untouched except the <c>model</c> value.</summary>
public sealed class PassthroughTests
{
    // Unknown fields, odd whitespace (tabs, CRLF, spaces around colons), key order with model not first, unicode escapes
    // and raw UTF-8, escaped quotes and backslashes, number spellings, and nested "model" members that must stay.
    private const string Template =
        "{ \"messages\" : [ {\"role\":\"user\",\t\"content\":\"caf\\u00e9 \\ud83d\\ude00 日本語 \\\"q\\\" \\\\ \\/\"} ],\r\n"
        + "  \"model\" :   __MODEL__  ,\n"
        + "\t\"temperature\": 1.0e0, \"top_p\":0.50, \"n\":1, \"seed\": -0,\n"
        + "  \"x_unknown\": {\"nested\": {\"deep\": [1, 2.50, null, true, {\"model\":\"inner-must-stay\"}]}},\n"
        + "  \"metadata\":{\"model\":\"keep-me\"}  ,  \"stream\":false , \"zz_last\" : \"\" }";

    private static string Config(FakeUpstream up) => Yaml.Listener() + $"""
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
            base_url: {up.BaseUrl}
            default: true
          - model: openai/*
            access_key: k
            base_url: {up.BaseUrl}
          - model: groq/*
            access_key: g
            base_url: {up.BaseUrl}/openai/v1
        model_aliases:
          fast:
            target: openai/gpt-4o-mini
          oss:
            target: groq/openai/gpt-oss-20b
        """;

    [Theory]
    [InlineData("\"openai/gpt-4o-mini\"", "gpt-4o-mini")] // provider/model of an explicit entry
    [InlineData("\"gpt-4o-mini\"", "gpt-4o-mini")] // bare id: the body is already right
    [InlineData("\"fast\"", "gpt-4o-mini")] // alias
    [InlineData("\"openai\\/gpt-4o-mini\"", "gpt-4o-mini")] // JSON-escaped slash
    [InlineData("\"openai/gpt-4.1\"", "gpt-4.1")] // registry model under a wildcard
    [InlineData("\"openai/my-finetune-2031\"", "my-finetune-2031")] // unknown model under a wildcard
    [InlineData("\"gpt-4.1-nano\"", "gpt-4.1-nano")] // bare id of a registry model under a wildcard
    [InlineData("\"groq/openai/gpt-oss-20b\"", "openai/gpt-oss-20b")] // model id containing a slash
    [InlineData("\"oss\"", "openai/gpt-oss-20b")] // alias to it
    public async Task ChatCompletions_OddlyFormattedBody_UpstreamGetsSameBytesWithProviderModelId(string requestedModelToken, string upstreamModelId)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        var sent = Encoding.UTF8.GetBytes(Template.Replace("__MODEL__", requestedModelToken, StringComparison.Ordinal));
        using var response = await gw.PostChatAsync(sent);

        await ResponseAssert.OkAsync(response);
        var expected = Encoding.UTF8.GetBytes(Template.Replace("__MODEL__", JsonSerializer.Serialize(upstreamModelId), StringComparison.Ordinal));
        var received = up.Single().Body;
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(received));
        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task ChatCompletions_WildcardModelWithSlash_UsesProviderPathPrefixFromBaseUrl()
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Yaml.Chat("groq/llama-3.3-70b-versatile"));

        await ResponseAssert.OkAsync(response);
        var request = up.Single();
        Assert.Equal("/openai/v1/chat/completions", request.PathAndQuery);
        Assert.Equal("Bearer g", request.Header("Authorization"));
        Assert.Equal("groq", Header(response, "x-switchyard-provider"));
        Assert.Equal("groq/llama-3.3-70b-versatile", Header(response, "x-switchyard-model"));
    }

    [Theory]
    [InlineData("{\n  \"messages\": [{\"role\":\"user\",\"content\":\"hi\"}], \"x\" : 1}", "{\"model\":\"gpt-4o-mini\",\n  \"messages\": [{\"role\":\"user\",\"content\":\"hi\"}], \"x\" : 1}")]
    [InlineData("  {  }  ", "  {\"model\":\"gpt-4o-mini\"  }  ")]
    public async Task ChatCompletions_NoModel_DefaultModelInsertedAndRestUnchanged(string sent, string expected)
    {
        await using var up = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Config(up));

        using var response = await gw.PostChatAsync(Encoding.UTF8.GetBytes(sent));

        await ResponseAssert.OkAsync(response);
        Assert.Equal(expected, up.Single().BodyText);
        Assert.Equal("openai/gpt-4o-mini", Header(response, "x-switchyard-model"));
    }

    [Fact]
    public async Task ChatCompletions_RetryAndFailover_EachAttemptSendsTheClientBodyPatchedForItsCandidate()
    {
        await using var first = await FakeUpstream.StartAsync(Reply.Text(503, "busy"));
        await using var second = await FakeUpstream.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml.Listener(maxRetries: 1) + $"""
            model_providers:
              - model: openai/gpt-4o-mini
                access_key: k
                base_url: {first.BaseUrl}
                fallbacks: [backup]
              - name: backup
                model: openai/gpt-4.1
                access_key: k
                base_url: {second.BaseUrl}
            """);

        var sent = Template.Replace("__MODEL__", "\"openai/gpt-4o-mini\"", StringComparison.Ordinal);
        using var response = await gw.PostChatAsync(sent);

        await ResponseAssert.OkAsync(response);
        var forFirst = Template.Replace("__MODEL__", "\"gpt-4o-mini\"", StringComparison.Ordinal);
        Assert.Equal([forFirst, forFirst], first.Requests.Select(r => r.BodyText));
        Assert.Equal(Template.Replace("__MODEL__", "\"gpt-4.1\"", StringComparison.Ordinal), second.Single().BodyText);
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
}
