using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests;

/// <summary>Bad input and gateway bugs still end in an error the client can read, in its own protocol.</summary>
public sealed class RobustnessTests
{
    private const string Config = """
        version: v0.4.0
        listeners:
          - {name: llm, type: model, address: 127.0.0.1, port: 12000, timeout: 10s}
        model_providers:
          - model: mock/*
          - model: mock/echo
        """;

    /// <summary>A body whose only fault is one byte that is never valid UTF-8, inside a message's text.</summary>
    private static byte[] InvalidUtf8Body()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"mock/echo","max_tokens":50,"input":"hi","messages":[{"role":"user","content":"caf?"}]}""");
        body[Array.LastIndexOf(body, (byte)'?')] = 0xFF;
        return body;
    }

    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/responses", false)]
    [InlineData("/v1/messages", true)]
    [InlineData("/routing/v1/chat/completions", false)]
    [InlineData("/routing/v1/responses", false)]
    [InlineData("/routing/v1/messages", true)]
    public async Task Post_InvalidUtf8Body_400InvalidUtf8InTheClientsProtocol(string path, bool anthropic)
    {
        await using var gw = await TestGateway.StartAsync(Config);

        using var response = await gw.PostAsync(path, InvalidUtf8Body());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (anthropic)
        {
            var (type, message) = ReadAnthropicError(body);
            Assert.Equal("invalid_request_error", type);
            Assert.Contains("UTF-8", message, StringComparison.Ordinal);
        }
        else
        {
            var error = ErrorJson.Parse(body);
            Assert.Equal("invalid_request_error", error.Type);
            Assert.Equal("invalid_utf8", error.Code);
        }
    }

    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/responses", false)]
    [InlineData("/v1/messages", true)]
    public async Task Post_ModelEscapingHalfASurrogatePair_400InTheClientsProtocol_Not500(string path, bool anthropic)
    {
        // "\ud800" has the form of an escape but decodes to half a character: reading the model used to throw past
        // the body check, and the client got a 500 for its own malformed body.
        await using var gw = await TestGateway.StartAsync(Config);

        using var response = await gw.PostAsync(path, Encoding.UTF8.GetBytes("""{"model":"mock/\ud800","max_tokens":5,"input":"hi","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (anthropic)
        {
            var (type, message) = ReadAnthropicError(body);
            Assert.Equal("invalid_request_error", type);
            Assert.Contains("'model' is not a valid string", message, StringComparison.Ordinal);
        }
        else
        {
            var error = ErrorJson.Parse(body);
            Assert.Equal("invalid_request_error", error.Type);
            Assert.Equal("invalid_json", error.Code);
        }
    }

    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/responses", false)]
    [InlineData("/v1/messages", true)]
    public async Task Post_TextEscapingHalfASurrogatePair_400InTheClientsProtocol_Not500(string path, bool anthropic)
    {
        // What JSON.stringify writes for a JS string sliced in the middle of an emoji. Every decoder (translation,
        // the mock) threw on it: the client got a 500 and the access log said 200.
        await using var gw = await TestGateway.StartAsync(Config);

        using var response = await gw.PostAsync(path, Encoding.UTF8.GetBytes("""{"model":"mock/echo","max_tokens":5,"input":"cut \ud83d","messages":[{"role":"user","content":"cut \ud83d"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (anthropic)
        {
            var (type, message) = ReadAnthropicError(body);
            Assert.Equal("invalid_request_error", type);
            Assert.Contains("unpaired surrogate (\\ud83d)", message, StringComparison.Ordinal);
        }
        else
        {
            var error = ErrorJson.Parse(body);
            Assert.Equal("invalid_request_error", error.Type);
            Assert.Equal("invalid_json", error.Code);
            Assert.Contains("unpaired surrogate", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CountTokens_InvalidUtf8Body_400AnthropicInvalidRequestError()
    {
        await using var gw = await TestGateway.StartAsync(Config);

        using var response = await gw.PostAsync("/v1/messages/count_tokens", InvalidUtf8Body());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (type, message) = ReadAnthropicError(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", type);
        Assert.Contains("UTF-8", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/responses", false)]
    [InlineData("/v1/messages", true)]
    public async Task Post_ExceptionInsideDispatch_500ErrorObjectInTheClientsProtocolAndLogged(string path, bool anthropic)
    {
        var logs = new CapturedLogs();
        await using var gw = await TestGateway.StartAsync(Config, logs);
        var body = """{"model":"mock/echo","max_tokens":50,"input":"hi","messages":[{"role":"user","content":"hi"}]}""";

        using var response = await gw.PostAsync(path, Encoding.UTF8.GetBytes(body), [("x-mock-throw", "1")]);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        if (anthropic)
        {
            Assert.Equal("api_error", ReadAnthropicError(text).Type);
        }
        else
        {
            var error = ErrorJson.Parse(text);
            Assert.Equal("server_error", error.Type);
            Assert.Equal("internal_error", error.Code);
        }

        // The client learns nothing of the exception; the operator's log has it (dispatch catches it before commit).
        Assert.DoesNotContain("mock failure", text, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Contains("failed inside the gateway", StringComparison.Ordinal)
            && e.Contains("InvalidOperationException: mock failure requested with x-mock-throw", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_ExceptionInsideDispatch_LaterRequestsStillServed()
    {
        await using var gw = await TestGateway.StartAsync(Config);
        using (var failed = await gw.PostChatAsync(Yaml.Chat("mock/echo"), ("x-mock-throw", "1")))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using var ok = await gw.PostChatAsync(Yaml.Chat("mock/echo"));

        await ResponseAssert.OkAsync(ok);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public async Task Stream_ExceptionAfterTheAnswerStarted_EndsWithAnErrorEventNotCleanlyAndLogged(string path)
    {
        var logs = new CapturedLogs();
        await using var gw = await TestGateway.StartAsync(Config, logs);
        var body = """{"model":"mock/echo","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"one two three four five"}]}""";

        using var response = await gw.PostAsync(path, Encoding.UTF8.GetBytes(body), [("x-mock-throw-after", "2")], HttpCompletionOption.ResponseHeadersRead);

        // The status was sent before the failure; what must not happen is a body that ends as if it were whole:
        // the stream ends with the protocol's error event, and the operator's log has the exception.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var cts = new CancellationTokenSource(TestGateway.WaitLimit);
        var text = await response.Content.ReadAsStringAsync(cts.Token);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"error\"", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("data: [DONE]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("message_stop", text, StringComparison.Ordinal);
        Assert.DoesNotContain("mock failure", text, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Contains("x-mock-throw-after", StringComparison.Ordinal));
    }

    private static (string Type, string Message) ReadAnthropicError(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.True(root.TryGetProperty("type", out var t) && t.ValueEquals("error"), "not an Anthropic error object: " + json);
        var error = root.GetProperty("error");
        return (error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!);
    }
}
