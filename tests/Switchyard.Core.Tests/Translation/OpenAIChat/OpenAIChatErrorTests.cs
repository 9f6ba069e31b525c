using System.Text;
using System.Text.Json;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

public class OpenAIChatErrorTests
{
    [Theory]
    [InlineData("openai/envoy__chat-bad-request.0.json", 400)]
    [InlineData("openai/envoy__chat-unknown-model.0.json", 404)]
    [InlineData("openai/envoy__chat-no-messages.0.json", 400)]
    [InlineData("groq/pydai__test_tool_regular_error.0.json", 404)]
    public void DecodeError_RecordedOpenAIErrorBody_KeepsStatusTypeMessageAndCode(string fixture, int status)
    {
        var recorded = JsonDocument.Parse(OpenAIChatFixtures.Bytes(fixture)).RootElement.GetProperty("error");
        var error = OpenAIChatUpstreamCodec.Instance.DecodeError(status, OpenAIChatFixtures.Bytes(fixture));

        Assert.Equal(status, error.Status);
        Assert.Equal(recorded.GetProperty("type").GetString(), error.Type);
        Assert.Equal(recorded.GetProperty("message").GetString(), error.Message);
        Assert.Equal(recorded.GetProperty("code").GetString(), error.Code);
    }

    [Fact]
    public void DecodeError_PlainTextBody_TextIsTheMessage()
    {
        var error = OpenAIChatUpstreamCodec.Instance.DecodeError(502, "Bad Gateway\n"u8);
        Assert.Equal("Bad Gateway", error.Message);
        Assert.Equal(502, error.Status);
        Assert.Equal("api_error", error.Type);
    }

    [Fact]
    public void DecodeError_EmptyBody_SaysSo()
        => Assert.Contains("503", OpenAIChatUpstreamCodec.Instance.DecodeError(503, []).Message);

    [Theory]
    [InlineData("[{\"error\":{\"code\":400,\"message\":\"API key not valid\",\"status\":\"INVALID_ARGUMENT\"}}]", "API key not valid", "400")]
    [InlineData("{\"object\":\"error\",\"message\":\"Extra inputs are not permitted\",\"type\":\"invalid_request_message_error\",\"code\":null}", "Extra inputs are not permitted", null)]
    [InlineData("{\"error\":\"model not found\"}", "model not found", null)]
    [InlineData("{\"detail\":\"Not Found\"}", "Not Found", null)]
    public void DecodeError_OtherCompatibleShapes_MessageKept(string body, string message, string? code)
    {
        var error = OpenAIChatUpstreamCodec.Instance.DecodeError(400, Encoding.UTF8.GetBytes(body));
        Assert.Equal(message, error.Message);
        Assert.Equal(code, error.Code);
        Assert.Equal(400, error.Status);
    }
}
