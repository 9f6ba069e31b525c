using System.Text;
using System.Text.Json;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Protocols.Tests.OpenAIChat;

public class OpenAIErrorTests
{
    [Fact]
    public void ToBytes_WritesOpenAIErrorObject()
    {
        using var doc = JsonDocument.Parse(OpenAIError.ToBytes("model 'x' missing", "invalid_request_error", "model_not_found"));
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("model 'x' missing", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Fact]
    public void ToSseEvent_IsOneDataEvent()
    {
        var text = Encoding.UTF8.GetString(OpenAIError.ToSseEvent("cut", "upstream_error", "stream_interrupted"));
        Assert.StartsWith("data: {\"error\":", text);
        Assert.EndsWith("\n\n", text);
        Assert.Single(text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void IsOpenAIErrorBody_RecordedOpenAIError_IsTrue()
    {
        var body = File.ReadAllBytes(FixturePaths.Raw("openai", "envoy__chat-bad-request.0.json"));
        Assert.True(OpenAIError.IsOpenAIErrorBody(body));
    }

    [Theory]
    [InlineData("upstream exploded")]
    [InlineData("{\"error\":\"flat string\"}")]
    [InlineData("{\"type\":\"error\",\"message\":\"x\"}")]
    public void IsOpenAIErrorBody_OtherShapes_IsFalse(string body)
        => Assert.False(OpenAIError.IsOpenAIErrorBody(Encoding.UTF8.GetBytes(body)));
}
