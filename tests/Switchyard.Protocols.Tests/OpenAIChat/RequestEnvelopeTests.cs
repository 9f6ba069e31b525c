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
    [Theory]
    [InlineData(new byte[] { 0xFF }, 13)] // never valid in UTF-8
    [InlineData(new byte[] { 0xC3 }, 13)] // truncated two-byte sequence
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 13)] // an encoded UTF-16 surrogate
    public void TryScan_InvalidUtf8InsideSkippedString_FailsWithInvalidUtf8Code(byte[] bad, int offset)
    {
        // The bytes sit in a value the scan skips, where the JSON reader alone does not look at them.
        var body = Encoding.UTF8.GetBytes("{\"messages\":\"").Concat(bad).Concat(Encoding.UTF8.GetBytes("\",\"model\":\"m\"}")).ToArray();

        Assert.False(RequestEnvelope.TryScan(body, out _, out var error, out var code));
        Assert.Equal(RequestEnvelope.InvalidUtf8Code, code);
        Assert.Contains($"offset {offset}", error);
    }

    [Fact]
    public void TryScan_InvalidUtf8PastFirstTranscodeChunk_ReportsItsOffset()
    {
        var text = "{\"messages\":\"" + new string('é', 700) + "\"}";
        var body = Encoding.UTF8.GetBytes(text);
        body[1199] = 0xFF; // a lead byte (each é is two bytes from offset 13)

        Assert.False(RequestEnvelope.TryScan(body, out _, out var error, out var code));
        Assert.Equal(RequestEnvelope.InvalidUtf8Code, code);
        Assert.Contains("offset 1199", error);
    }

    [Fact]
    public void TryScan_ValidMultiByteText_Succeeds()
    {
        var body = Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"héllo 😀 中文\"}]}");

        Assert.True(RequestEnvelope.TryScan(body, out var env, out var error, out var code), error);
        Assert.Null(code);
        Assert.Equal("m", env.Model);
    }

    [Fact]
    public void TryScan_MalformedJson_FailsWithInvalidJsonCode()
    {
        Assert.False(RequestEnvelope.TryScan("{\"model\":"u8, out _, out _, out var code));
        Assert.Equal(RequestEnvelope.InvalidJsonCode, code);
    }

    [Theory]
    [InlineData("{\"model\":\"\\ud800\"}")]
    [InlineData("{\"model\":\"a\\udc00b\"}")]
    public void TryScan_ModelWithHalfASurrogatePair_IsAnInvalidJsonError_NotAnException(string json)
    {
        // The reader accepts the escape's form; decoding it threw InvalidOperationException past the scan (a 500).
        Assert.False(RequestEnvelope.TryScan(Encoding.UTF8.GetBytes(json), out _, out var error, out var code));
        Assert.Equal(RequestEnvelope.InvalidJsonCode, code);
        Assert.StartsWith("'model' is not a valid string", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"content\":\"cut \\ud83d\"}]}", 41)] // a JS string sliced mid-emoji
    [InlineData("{\"model\":\"m\",\"messages\":[{\"content\":\"\\udc00\\ud800\"}]}", 37)]
    [InlineData("{\"model\":\"m\",\"x\":\"\\\\\\ud800\\u0041\"}", 20)]
    public void TryScan_HalfASurrogatePairEscapedAnywhere_IsAnInvalidJsonErrorWithItsOffset(string json, int offset)
    {
        Assert.False(RequestEnvelope.TryScan(Encoding.UTF8.GetBytes(json), out _, out var error, out var code));
        Assert.Equal(RequestEnvelope.InvalidJsonCode, code);
        Assert.Contains($"unpaired surrogate", error, StringComparison.Ordinal);
        Assert.Contains($"at offset {offset};", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"content\":\"\\ud83d\\ude00 \\uD83D\\uDE00\"}]}")] // what json.dumps(ensure_ascii) writes
    [InlineData("{\"model\":\"m\",\"x\":\"\\\\ud800\"}")] // an escaped backslash, then the text "ud800"
    public void TryScan_WholePairsAndEscapedBackslashes_AreAccepted(string json)
    {
        Assert.True(RequestEnvelope.TryScan(Encoding.UTF8.GetBytes(json), out var env, out var error), error);
        Assert.Equal("m", env.Model);
    }
}
