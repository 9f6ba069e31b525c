using System.Text;
using System.Text.Json;
using Switchyard.Core.Translation.Client.OpenAIResponses;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

public class ResponsesErrorEncoderTests
{
    [Fact]
    public void Body_GatewayError_IsOpenAIErrorObject()
    {
        var body = JsonDocument.Parse(ResponsesErrorEncoder.Instance.Body("Previous response with id 'x' not found.", "invalid_request_error", "previous_response_not_found")).RootElement;

        var error = body.GetProperty("error");
        Assert.Equal("Previous response with id 'x' not found.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("previous_response_not_found", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Fact]
    public void UpstreamBody_OpenAIShaped_PassesThroughOtherwiseWraps()
    {
        var openAi = """{"error":{"message":"m","type":"t","param":null,"code":null}}"""u8.ToArray();
        Assert.Equal(openAi, ResponsesErrorEncoder.Instance.UpstreamBody(400, openAi, "p"));

        var wrapped = JsonDocument.Parse(ResponsesErrorEncoder.Instance.UpstreamBody(503, "Service Unavailable: Overloaded"u8, "anthropic")).RootElement;
        Assert.Contains("Overloaded", wrapped.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("503", wrapped.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("anthropic", wrapped.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StreamErrorEvent_IsErrorEventInBothRecordedAndPublishedShapes()
    {
        var events = ResponsesFixtures.SseEvents(ResponsesErrorEncoder.Instance.StreamErrorEvent("stream cut", "upstream_cut"));

        var (name, data) = Assert.Single(events);
        Assert.Equal("error", name);
        Assert.Equal("error", data.GetProperty("type").GetString());
        Assert.Equal("upstream_cut", data.GetProperty("code").GetString());
        Assert.Equal("stream cut", data.GetProperty("message").GetString());
        Assert.Equal("stream cut", data.GetProperty("error").GetProperty("message").GetString());
        Assert.EndsWith("\n\n", Encoding.UTF8.GetString(ResponsesErrorEncoder.Instance.StreamErrorEvent("x", "y")), StringComparison.Ordinal);
    }
}
