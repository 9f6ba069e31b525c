using System.Text.Json;
using Switchyard.Core.Translation.Upstream.Gemini;

namespace Switchyard.Core.Tests.Translation.Gemini;

public class GeminiErrorCodecTests
{
    [Theory]
    [InlineData("vercel__google-429-retry-info.json", "rate_limit_error")]
    [InlineData("gaijs__unary-failure-image-rejected.json", "invalid_request_error")]
    public void DecodeError_GoogleErrorBody_StatusTypeAndMessageKept(string fixture, string type)
    {
        var body = GeminiFixtures.Bytes(fixture);
        using var doc = JsonDocument.Parse(body);
        var e = doc.RootElement.GetProperty("error");
        var status = e.GetProperty("code").GetInt32();

        var error = GeminiUpstreamCodec.Instance.DecodeError(status, body);

        Assert.Equal(status, error.Status);
        Assert.Equal(type, error.Type);
        Assert.Equal(e.GetProperty("message").GetString(), error.Message);
        Assert.Equal(e.GetProperty("status").GetString(), error.Code);
    }

    [Theory]
    [InlineData("UNAUTHENTICATED", 401, "authentication_error")]
    [InlineData("PERMISSION_DENIED", 403, "permission_error")]
    [InlineData("NOT_FOUND", 404, "not_found_error")]
    [InlineData("UNAVAILABLE", 503, "overloaded_error")]
    [InlineData("INTERNAL", 500, "api_error")]
    [InlineData("SOMETHING_NEW", 400, "invalid_request_error")]
    public void DecodeError_GrpcStatus_MappedToIrType(string grpc, int status, string type)
    {
        var body = System.Text.Encoding.UTF8.GetBytes($$$"""{"error":{"code":{{{status}}},"message":"m","status":"{{{grpc}}}"}}""");

        var error = GeminiUpstreamCodec.Instance.DecodeError(status, body);

        Assert.Equal((status, type, "m"), (error.Status, error.Type, error.Message));
    }

    [Fact]
    public void DecodeError_ArrayWrappedError_Read()
    {
        var error = GeminiUpstreamCodec.Instance.DecodeError(400, """[{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}]"""u8);

        Assert.Equal(("invalid_request_error", "API key not valid."), (error.Type, error.Message));
    }

    [Fact]
    public void DecodeError_NotJson_KeepsTextAndTypesByHttpStatus()
    {
        var error = GeminiUpstreamCodec.Instance.DecodeError(429, "Too Many Requests"u8);

        Assert.Equal((429, "rate_limit_error", "Too Many Requests"), (error.Status, error.Type, error.Message));
    }
}
