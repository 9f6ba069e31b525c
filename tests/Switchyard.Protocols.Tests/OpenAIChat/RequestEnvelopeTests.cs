using System.Text;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Protocols.Tests.OpenAIChat;

public class RequestEnvelopeTests
{
    [Fact]
    public void TryScan_TopLevelModelAndStream_AreFoundWithModelRange()
    {
        var json = "{ \"messages\": [{\"role\":\"user\",\"content\":\"x\", \"model\": \"inner\"}], \"model\" : \"gpt-4o\", \"stream\": true }";
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out _));
        Assert.Equal("gpt-4o", env.Model);
        Assert.True(env.Stream);
        Assert.Equal("\"gpt-4o\"", Encoding.UTF8.GetString(bytes, env.ModelStart, env.ModelLength));
    }

    [Fact]
    public void TryScan_EscapedModel_IsUnescapedButRangeCoversRawToken()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"a\\u002Fb\"}");
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out _));
        Assert.Equal("a/b", env.Model);
        Assert.Equal("\"a\\u002Fb\"", Encoding.UTF8.GetString(bytes, env.ModelStart, env.ModelLength));
    }

    [Fact]
    public void TryScan_NoModel_HasModelFalseAndStreamFalse()
    {
        Assert.True(RequestEnvelope.TryScan("{\"messages\":[]}"u8, out var env, out _));
        Assert.False(env.HasModel);
        Assert.False(env.Stream);
    }

    [Theory]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{\"model\": 5}", "'model' must be a string")]
    [InlineData("{\"stream\": \"yes\"}", "'stream' must be a boolean")]
    [InlineData("{\"model\": \"x\"", "not valid JSON")]
    [InlineData("{\"model\": \"x\"} trailing", "")]
    public void TryScan_BadBody_FailsWithMessage(string json, string expected)
    {
        Assert.False(RequestEnvelope.TryScan(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.NotNull(error);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("{\"stream\":true}", false, false)]
    [InlineData("{\"stream\":true,\"stream_options\":{\"include_usage\":true}}", true, true)]
    [InlineData("{\"stream_options\":{\"x\":{\"include_usage\":true},\"include_usage\":false}}", true, false)]
    [InlineData("{\"stream_options\":null}", true, false)]
    public void TryScan_StreamOptions_PresenceAndIncludeUsage(string json, bool has, bool include)
    {
        Assert.True(RequestEnvelope.TryScan(Encoding.UTF8.GetBytes(json), out var env, out var error), error);
        Assert.Equal(has, env.HasStreamOptions);
        Assert.Equal(include, env.IncludeUsage);
    }
}
