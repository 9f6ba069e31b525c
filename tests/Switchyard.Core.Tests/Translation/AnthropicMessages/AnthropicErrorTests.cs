using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

public class AnthropicErrorTests
{
    private const string RecordedError = "pydai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.0.json";

    private static JsonNode Error(byte[] body)
    {
        var node = JsonNode.Parse(body)!;
        Assert.Equal("error", (string?)node["type"]);
        return node["error"]!;
    }

    [Theory]
    [InlineData("invalid_request_error", "model_not_found", "not_found_error")]
    [InlineData("invalid_request_error", "invalid_json", "invalid_request_error")]
    [InlineData("upstream_error", "503", "overloaded_error")]
    [InlineData("upstream_error", "429", "rate_limit_error")]
    [InlineData("upstream_error", "upstream_unreachable", "api_error")]
    [InlineData("gateway_configuration_error", "missing_access_key", "api_error")]
    [InlineData("authentication_error", "missing_credential", "authentication_error")]
    [InlineData("unsupported_provider_protocol", "protocol_not_supported", "api_error")]
    [InlineData("invalid_request_error", "request_too_large", "request_too_large")]
    public void Body_GatewayError_UsesAnAnthropicType(string type, string code, string expected)
    {
        var error = Error(AnthropicErrorEncoder.Instance.Body("boom", type, code));

        Assert.Equal(expected, (string?)error["type"]);
        Assert.Equal("boom", (string?)error["message"]);
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(408, "timeout_error")]
    [InlineData(422, "invalid_request_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    public void Body_WithStatus_MapsOpenAITypeByStatus(int status, string expected)
        => Assert.Equal(expected, (string?)Error(AnthropicErrorEncoder.Instance.Body(status, "m", "upstream_error", null))["type"]);

    [Fact]
    public void UpstreamBody_AnthropicError_PassesThroughUnchanged()
    {
        var body = AnthropicFixtures.Bytes(RecordedError);

        Assert.Equal(body, AnthropicErrorEncoder.Instance.UpstreamBody(400, body, "anthropic"));
    }

    [Fact]
    public void UpstreamBody_OpenAIError_IsWrappedKeepingTheMessage()
    {
        var body = """{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","code":"rate_limit_exceeded"}}"""u8.ToArray();

        var error = Error(AnthropicErrorEncoder.Instance.UpstreamBody(429, body, "openai"));

        Assert.Equal("rate_limit_error", (string?)error["type"]);
        Assert.Contains("Rate limit reached for gpt-4o", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("'openai'", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void UpstreamBody_PlainText_IsWrapped()
    {
        var error = Error(AnthropicErrorEncoder.Instance.UpstreamBody(502, "Bad Gateway"u8, "groq"));

        Assert.Equal("api_error", (string?)error["type"]);
        Assert.EndsWith("Bad Gateway", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void StreamErrorEvent_IsAnAnthropicErrorEvent()
    {
        var text = Encoding.UTF8.GetString(AnthropicErrorEncoder.Instance.StreamErrorEvent("upstream went quiet", "stream_idle_timeout"));

        Assert.StartsWith("event: error\ndata: ", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        var frame = Assert.Single(AnthropicFixtures.ParseSse(Encoding.UTF8.GetBytes(text)));
        var error = Error(frame.Data.ToArray());
        Assert.Equal("timeout_error", (string?)error["type"]);
        Assert.Equal("upstream went quiet", (string?)error["message"]);
    }

    [Fact]
    public void DecodeError_RecordedAnthropicError_KeepsTypeAndMessage()
    {
        var body = AnthropicFixtures.Bytes(RecordedError);
        var expected = JsonNode.Parse(body)!["error"]!;

        var error = AnthropicMessagesUpstreamCodec.Instance.DecodeError(400, body);

        Assert.Equal(400, error.Status);
        Assert.Equal((string?)expected["type"], error.Type);
        Assert.Equal((string?)expected["message"], error.Message);
    }

    [Fact]
    public void DecodeError_NonAnthropicBody_KeepsTheText()
    {
        var error = AnthropicMessagesUpstreamCodec.Instance.DecodeError(503, "upstream connect error"u8);

        Assert.Equal("overloaded_error", error.Type);
        Assert.Equal("upstream connect error", error.Message);
    }
}
