using System.Text;
using Switchyard.Core.Translation.Passthrough;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.Passthrough;

public class JsonBodyPatcherTests
{
    private static string Patch(string json, string model)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out var error), error);
        var copy = (byte[])bytes.Clone();
        var patched = JsonBodyPatcher.WithModel(bytes, env, model);
        Assert.Equal(copy, bytes); // the source buffer is never mutated (retries resend it)
        return Encoding.UTF8.GetString(patched.Span);
    }

    [Fact]
    public void WithModel_ReplacesOnlyTheModelValue_ByteForByte()
    {
        const string json = "{\n  \"z_unknown\": {\"nested\": [1, 2.50, true]},\n  \"model\" :  \"fast\" ,\n  \"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \u00e9\"}],\n  \"x\":1e3}";
        Assert.Equal(json.Replace("\"fast\"", "\"gpt-4o-mini\""), Patch(json, "gpt-4o-mini"));
    }

    [Fact]
    public void WithModel_SameModel_ReturnsOriginalMemory()
    {
        var bytes = "{\"model\":\"gpt-4o\"}"u8.ToArray();
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out _));
        var patched = JsonBodyPatcher.WithModel(bytes, env, "gpt-4o");
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(patched, out var segment));
        Assert.Same(bytes, segment.Array);
    }

    [Theory]
    [InlineData("{\"messages\":[]}", "{\"model\":\"m\",\"messages\":[]}")]
    [InlineData("{}", "{\"model\":\"m\"}")]
    [InlineData("  { }", "  {\"model\":\"m\" }")]
    public void WithModel_NoModelMember_InsertsIt(string json, string expected)
        => Assert.Equal(expected, Patch(json, "m"));

    [Fact]
    public void WithModel_NullModel_IsReplacedNotDuplicated()
        => Assert.Equal("{\"model\":\"m\",\"a\":1}", Patch("{\"model\":null,\"a\":1}", "m"));

    [Fact]
    public void WithModel_ModelNeedingEscapes_IsValidJson()
    {
        var patched = Patch("{\"model\":\"a\"}", "we\"ird\\model");
        using var doc = System.Text.Json.JsonDocument.Parse(patched);
        Assert.Equal("we\"ird\\model", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void WithModel_NestedModelKeys_AreLeftAlone()
    {
        const string json = "{\"tools\":[{\"model\":\"inner\"}],\"model\":\"outer\"}";
        Assert.Equal("{\"tools\":[{\"model\":\"inner\"}],\"model\":\"new\"}", Patch(json, "new"));
    }

    [Theory]
    [InlineData("{\"stream\":true}", "{\"stream_options\":{\"include_usage\":true},\"stream\":true}")]
    [InlineData("  {\n \"stream\":true}", "  {\"stream_options\":{\"include_usage\":true},\n \"stream\":true}")]
    [InlineData("{}", "{\"stream_options\":{\"include_usage\":true}}")]
    public void WithIncludeUsage_InsertsFirstMember_RestUntouched(string json, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var patched = JsonBodyPatcher.WithIncludeUsage(bytes);
        Assert.Equal(expected, Encoding.UTF8.GetString(patched.Span));
        using var doc = System.Text.Json.JsonDocument.Parse(patched);
        Assert.True(doc.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Theory]
    [InlineData("{\"model\":\"a\",\"routing_preferences\":[{\"name\":\"x\"}],\"stream\":true}", "{\"model\":\"a\",\"stream\":true}")]
    [InlineData("{\"routing_preferences\": [] , \"model\":\"a\"}", "{ \"model\":\"a\"}")]
    [InlineData("{\"model\":\"a\" ,\n \"routing_preferences\":null}", "{\"model\":\"a\" }")]
    [InlineData("{\"routing_preferences\":[]}", "{}")]
    public void WithoutMember_DropsTheRoutingPreferencesMemberAndOneComma(string json, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out var error), error);
        Assert.True(env.HasRoutingPreferences);

        var stripped = JsonBodyPatcher.WithoutMember(bytes, env.RoutingPreferencesStart, env.RoutingPreferencesEnd);

        Assert.Equal(expected, Encoding.UTF8.GetString(stripped));
        Assert.True(RequestEnvelope.TryScan(stripped, out var again, out error), error);
        Assert.False(again.HasRoutingPreferences);
    }
}
