using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using static Switchyard.Core.Tests.Translation.OpenAIResponses.ResponsesTestSupport;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

public class ResponsesConversationStateTests
{
    [Fact]
    public void PreviousResponseId_AfterRecordedToolCall_PrependsStoredTurns()
    {
        var codec = NewCodec(out _);
        var firstBody = ResponsesFixtures.RequestBodies("llm__test_responses_tool_use.yaml")[0];
        var followUp = ResponsesFixtures.RequestBodies("llm__test_responses_tool_use.yaml")[1];
        var recordedAnswer = ResponsesFixtures.Json("llm__test_responses_tool_use.0.json");

        // The recording sends store:false and replays the history itself; here the client relies on the gateway.
        var first = Decode(codec, WithStore(firstBody));
        var id = Parse(codec.EncodeResponse(first, RecordedIr.Response(recordedAnswer), "m")).GetProperty("id").GetString()!;
        var toolOutput = followUp.GetProperty("input").EnumerateArray().Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call_output");
        var second = Decode(codec, $$"""{"model":"m","previous_response_id":"{{id}}","input":[{{toolOutput.GetRawText()}}]}""");

        Assert.Equal([IrRole.User, IrRole.Assistant, IrRole.Tool], second.Messages.Select(m => m.Role));
        Assert.Equal(firstBody.GetProperty("input")[0].GetProperty("content").GetString(), ((IrTextPart)second.Messages[0].Parts[0]).Text);
        var call = Assert.IsType<IrToolCallPart>(Assert.Single(second.Messages[1].Parts));
        var recordedCall = recordedAnswer.GetProperty("output")[0];
        Assert.Equal(recordedCall.GetProperty("call_id").GetString(), call.Id);
        Assert.Equal(recordedCall.GetProperty("arguments").GetString(), call.ArgumentsJson);
        var result = Assert.IsType<IrToolResultPart>(Assert.Single(second.Messages[2].Parts));
        Assert.Equal(call.Id, result.ToolCallId);
        Assert.Equal(toolOutput.GetProperty("output").GetString(), ((IrTextPart)Assert.Single(result.Content)).Text);

        // The echo names the previous response.
        var secondResponse = Parse(codec.EncodeResponse(second, Answer("done"), "m"));
        Assert.Equal(id, secondResponse.GetProperty("previous_response_id").GetString());
    }

    [Fact]
    public void PreviousResponseId_AfterStream_ContinuesWithSystemItemsButNotInstructions()
    {
        var codec = NewCodec(out _);
        var first = Decode(codec, """{"model":"m","instructions":"old rules","input":[{"role":"developer","content":"kept"},{"role":"user","content":"hi"}],"stream":true}""");
        var events = Run(codec.CreateStreamEncoder(first, "m"),
            [new IrStreamStart(null, null), new IrThinkingDelta(0, "think"), new IrThinkingSignature(0, "sig"), new IrBlockStop(0), new IrTextDelta(1, "hello"), new IrBlockStop(1), new IrFinish(IrFinishReason.Stop)]);
        var id = events[0].Data.GetProperty("response").GetProperty("id").GetString()!;
        Assert.Equal(id, events[^1].Data.GetProperty("response").GetProperty("id").GetString());

        var second = Decode(codec, $$"""{"model":"m","instructions":"new rules","previous_response_id":"{{id}}","input":"again"}""");

        Assert.Equal(["new rules", "kept"], second.System.Select(p => p.Text));
        Assert.Equal([IrRole.User, IrRole.Assistant, IrRole.User], second.Messages.Select(m => m.Role));
        Assert.Equal([new IrThinkingPart("think") { Signature = "sig" }, new IrTextPart("hello")], second.Messages[1].Parts);

        // Chains go on: the second answer's conversation holds all three turns plus its own.
        var secondId = Parse(codec.EncodeResponse(second, Answer("bye"), "m")).GetProperty("id").GetString()!;
        var third = Decode(codec, $$"""{"model":"m","previous_response_id":"{{secondId}}","input":"last"}""");
        Assert.Equal(5, third.Messages.Count);
    }

    [Fact]
    public void PreviousResponseId_Unknown_Fails409LikePlano()
    {
        var codec = NewCodec(out _);
        Assert.False(codec.TryDecodeRequest(Encoding.UTF8.GetBytes("""{"model":"m","previous_response_id":"resp_nope","input":"x"}"""), out _, out var error));

        Assert.Equal(409, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("previous_response_not_found", error.Code);
        Assert.Contains("'resp_nope'", error.Message);
    }

    [Fact]
    public void StoreFalse_ResponseAndStream_AreNotStored()
    {
        var codec = NewCodec(out var store);
        var request = Decode(codec, """{"model":"m","input":"x","store":false}""");
        var id = Parse(codec.EncodeResponse(request, Answer("a"), "m")).GetProperty("id").GetString()!;
        Run(codec.CreateStreamEncoder(request, "m"), [new IrTextDelta(0, "a")]);

        Assert.Equal(0, store.Count);
        Assert.False(codec.TryDecodeRequest(Encoding.UTF8.GetBytes($$"""{"model":"m","previous_response_id":"{{id}}","input":"y"}"""), out _, out var error));
        Assert.Equal(409, error!.Status);
    }

    [Fact]
    public void FailedStream_IsNotStored()
    {
        var codec = NewCodec(out var store);
        Run(codec.CreateStreamEncoder(Decode(codec, """{"model":"m","input":"x"}"""), "m"),
            [new IrTextDelta(0, "a"), new IrStreamError(new IrError(500, "api_error", "boom"))]);

        Assert.Equal(0, store.Count);
    }

    private static string WithStore(JsonElement body)
    {
        var text = body.GetRawText();
        Assert.Contains("\"store\":false", text, StringComparison.Ordinal);
        return text.Replace("\"store\":false", "\"store\":true", StringComparison.Ordinal);
    }

    private static IrResponse Answer(string text)
    {
        var response = new IrResponse { FinishReason = IrFinishReason.Stop };
        response.Content.Add(new IrTextPart(text));
        return response;
    }
}
