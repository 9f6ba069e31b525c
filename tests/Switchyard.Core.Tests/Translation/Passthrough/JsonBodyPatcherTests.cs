using System.Text;
using Switchyard.Core.Translation.Passthrough;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.Passthrough;

public class JsonBodyPatcherTests
{
    private static string Patch(string json, string model, bool includeUsage = false)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out var error), error);
        var copy = (byte[])bytes.Clone();
        var body = JsonBodyPatcher.Splice(bytes, env, model, JsonBodyPatcher.QuotedModel(model), includeUsage);
        Assert.Equal(copy, bytes); // the source buffer is never mutated (retries resend it)
        Assert.Equal(body.Length, body.Contiguous().Length);
        var first = Encoding.UTF8.GetString(body.Contiguous().Span);
        Assert.Equal(first, Encoding.UTF8.GetString(body.Contiguous().Span)); // resendable: the same bytes every time
        return first;
    }

    [Fact]
    public void Splice_ReplacesOnlyTheModelValue_ByteForByte()
    {
        const string json = "{\n  \"z_unknown\": {\"nested\": [1, 2.50, true]},\n  \"model\" :  \"fast\" ,\n  \"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9 \u00e9\"}],\n  \"x\":1e3}";
        Assert.Equal(json.Replace("\"fast\"", "\"gpt-4o-mini\""), Patch(json, "gpt-4o-mini"));
    }

    [Fact]
    public void Splice_SameModel_SendsTheClientBufferItself()
    {
        var bytes = "{\"model\":\"gpt-4o\"}"u8.ToArray();
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out _));
        var body = JsonBodyPatcher.Splice(bytes, env, "gpt-4o", JsonBodyPatcher.QuotedModel("gpt-4o"), includeUsage: false);
        var segment = Assert.Single(body.Segments);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(segment, out var array));
        Assert.Same(bytes, array.Array);
    }

    [Fact]
    public void Splice_NewModel_SegmentsPointIntoTheClientBufferWithoutCopying()
    {
        var bytes = "{\"messages\":[],\"model\":\"fast\",\"stream\":true}"u8.ToArray();
        Assert.True(RequestEnvelope.TryScan(bytes, out var env, out _));
        var body = JsonBodyPatcher.Splice(bytes, env, "gpt-4o", JsonBodyPatcher.QuotedModel("gpt-4o"), includeUsage: true);

        var fromClient = body.Segments.Count(s => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s, out var a) && ReferenceEquals(a.Array, bytes));
        Assert.Equal(3, fromClient); // before the insert, between insert and model, after the model
        Assert.Equal("{\"stream_options\":{\"include_usage\":true},\"messages\":[],\"model\":\"gpt-4o\",\"stream\":true}", Encoding.UTF8.GetString(body.Contiguous().Span));
    }

    [Theory]
    [InlineData("{}", "{\"stream_options\":{\"include_usage\":true},\"model\":\"m\"}")]
    [InlineData("{\"stream\":true}", "{\"stream_options\":{\"include_usage\":true},\"model\":\"m\",\"stream\":true}")]
    public void Splice_NoModelAndIncludeUsage_InsertsBothMembers(string json, string expected)
        => Assert.Equal(expected, Patch(json, "m", includeUsage: true));

    [Theory]
    [InlineData("{\"messages\":[]}", "{\"model\":\"m\",\"messages\":[]}")]
    [InlineData("{}", "{\"model\":\"m\"}")]
    [InlineData("  { }", "  {\"model\":\"m\" }")]
    public void Splice_NoModelMember_InsertsIt(string json, string expected)
        => Assert.Equal(expected, Patch(json, "m"));

    [Fact]
    public void Splice_NullModel_IsReplacedNotDuplicated()
        => Assert.Equal("{\"model\":\"m\",\"a\":1}", Patch("{\"model\":null,\"a\":1}", "m"));

    [Fact]
    public void Splice_ModelNeedingEscapes_IsValidJson()
    {
        var patched = Patch("{\"model\":\"a\"}", "we\"ird\\model");
        using var doc = System.Text.Json.JsonDocument.Parse(patched);
        Assert.Equal("we\"ird\\model", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Splice_NestedModelKeys_AreLeftAlone()
    {
        const string json = "{\"tools\":[{\"model\":\"inner\"}],\"model\":\"outer\"}";
        Assert.Equal("{\"tools\":[{\"model\":\"inner\"}],\"model\":\"new\"}", Patch(json, "new"));
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"stream\":true}", "{\"stream_options\":{\"include_usage\":true},\"model\":\"m\",\"stream\":true}")]
    [InlineData("  {\n \"model\":\"m\",\"stream\":true}", "  {\"stream_options\":{\"include_usage\":true},\n \"model\":\"m\",\"stream\":true}")]
    [InlineData("{\"model\":\"m\"}", "{\"stream_options\":{\"include_usage\":true},\"model\":\"m\"}")]
    public void Splice_IncludeUsage_InsertsFirstMember_RestUntouched(string json, string expected)
    {
        var patched = Patch(json, "m", includeUsage: true);
        Assert.Equal(expected, patched);
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
