using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using static Switchyard.Core.Tests.Translation.OpenAIResponses.ResponsesTestSupport;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

public class ResponsesRequestDecoderTests
{
    public static TheoryData<string, int> RecordedRequests()
    {
        var data = new TheoryData<string, int>();
        foreach (var cassette in Directory.GetFiles(ResponsesFixtures.Directory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            for (var i = 0; i < ResponsesFixtures.RequestBodies(cassette!).Count; i++)
            {
                data.Add(cassette!, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RecordedRequests))]
    public void TryDecodeRequest_RecordedBody_CarriesTurnsToolsAndSettings(string cassette, int interaction)
    {
        var body = ResponsesFixtures.RequestBodies(cassette)[interaction];
        var codec = NewCodec(out _);
        var ir = Decode(codec, body.GetRawText());

        Assert.Equal(ExpectedTurns(body.GetProperty("input")), ActualTurns(ir));
        Assert.Equal(body.GetProperty("model").GetString(), ir.Model);
        Assert.Equal(body.TryGetProperty("stream", out var stream) && stream.GetBoolean(), ir.Stream);
        Assert.Empty(ir.System); // the recordings send no instructions, or an empty string

        var tools = body.TryGetProperty("tools", out var t) ? t.EnumerateArray().ToList() : [];
        Assert.Equal(tools.Count, ir.Tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            Assert.Equal(tools[i].GetProperty("name").GetString(), ir.Tools[i].Name);
            Assert.Equal(tools[i].GetProperty("description").GetString(), ir.Tools[i].Description);
            Assert.Equal(tools[i].GetProperty("parameters").GetRawText(), ir.Tools[i].ParametersSchema!.Value.GetRawText());
            Assert.Equal(tools[i].TryGetProperty("strict", out var strict) ? strict.GetBoolean() : null, ir.Tools[i].Strict);
        }

        if (body.TryGetProperty("tool_choice", out var choice))
        {
            Assert.Equal(choice.GetString(), ir.ToolChoice!.Kind.ToString().ToLowerInvariant());
        }

        var effort = body.TryGetProperty("reasoning", out var reasoning) ? reasoning.GetProperty("effort").GetString() : null;
        Assert.Equal(effort, ir.Reasoning?.Effort);
    }

    [Fact]
    public void TryDecodeRequest_AssistantItemRun_BecomesOneAssistantTurnAndToolMessages()
    {
        var ir = Decode(NewCodec(out _), """
            {"model":"m","input":[
              {"role":"user","content":[{"type":"input_text","text":"q"}]},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"a"},{"type":"summary_text","text":"b"}],"encrypted_content":"sig"},
              {"type":"reasoning","id":"rs_2","summary":[],"encrypted_content":"opaque"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"calling","annotations":[]}]},
              {"type":"function_call","call_id":"c1","name":"f","arguments":"{\"x\":1}"},
              {"type":"function_call","call_id":"c2","name":"g","arguments":"{}"},
              {"type":"function_call_output","call_id":"c1","output":"one"},
              {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"two"},{"type":"input_image","image_url":"https://x/y.png"}]}
            ]}
            """);

        Assert.Equal([IrRole.User, IrRole.Assistant, IrRole.Tool, IrRole.Tool], ir.Messages.Select(m => m.Role));
        var assistant = ir.Messages[1].Parts;
        Assert.Equal(new IrThinkingPart("a\n\nb") { Signature = "sig" }, assistant[0]);
        Assert.Equal(new IrRedactedThinkingPart("opaque"), assistant[1]);
        Assert.Equal(new IrTextPart("calling"), assistant[2]);
        Assert.Equal(new IrToolCallPart("c1", "f", "{\"x\":1}"), assistant[3]);
        Assert.Equal(new IrToolCallPart("c2", "g", "{}"), assistant[4]);
        var second = Assert.IsType<IrToolResultPart>(Assert.Single(ir.Messages[3].Parts));
        Assert.Equal("c2", second.ToolCallId);
        Assert.Equal(new IrTextPart("two"), second.Content[0]);
        Assert.Equal("https://x/y.png", Assert.IsType<IrImagePart>(second.Content[1]).Url);
    }

    [Fact]
    public void TryDecodeRequest_InstructionsAndSystemMessages_JoinSystemInOrder()
    {
        var ir = Decode(NewCodec(out _), """
            {"model":"m","instructions":"first","input":[
              {"role":"developer","content":"second"},{"role":"user","content":"hi"},{"role":"system","content":[{"type":"input_text","text":"third"}]}]}
            """);

        Assert.Equal(["first", "second", "third"], ir.System.Select(p => p.Text));
        Assert.Equal(IrRole.User, Assert.Single(ir.Messages).Role);
    }

    [Fact]
    public void TryDecodeRequest_ImagesAndSettings_MapToIr()
    {
        var ir = Decode(NewCodec(out _), """
            {"model":"m","input":[{"role":"user","content":[
              {"type":"input_image","image_url":"data:image/png;base64,iVBORw0K","detail":"low"},
              {"type":"input_image","image_url":"https://example.com/a.jpg"}]}],
             "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}},
             "reasoning":{"effort":"high"},"max_output_tokens":99,"temperature":0.2,"top_p":0.9,"parallel_tool_calls":false,
             "tool_choice":{"type":"function","name":"f"},"user":"u1"}
            """);

        var parts = ir.Messages[0].Parts;
        Assert.Equal(new IrImagePart { Base64 = "iVBORw0K", MediaType = "image/png", Detail = "low" }, parts[0]);
        Assert.Equal("https://example.com/a.jpg", Assert.IsType<IrImagePart>(parts[1]).Url);
        Assert.Equal(IrResponseFormatKind.JsonSchema, ir.ResponseFormat!.Kind);
        Assert.Equal("out", ir.ResponseFormat.SchemaName);
        Assert.True(ir.ResponseFormat.Strict);
        Assert.Equal("""{"type":"object"}""", ir.ResponseFormat.Schema!.Value.GetRawText());
        Assert.Equal("high", ir.Reasoning!.Effort);
        Assert.Equal(99, ir.MaxTokens);
        Assert.Equal(0.2, ir.Temperature);
        Assert.Equal(0.9, ir.TopP);
        Assert.False(ir.ParallelToolCalls);
        Assert.Equal(new IrToolChoice(IrToolChoiceKind.Named, "f"), ir.ToolChoice);
        Assert.Equal("u1", ir.User);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"x","tools":[{"type":"web_search"}]}""", "web_search")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", "file_id")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"file-1"}]}]}""", "input_file")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}""", "item_reference")]
    [InlineData("""{"model":"m","input":[{"type":"web_search_call","id":"ws_1"}]}""", "web_search_call")]
    [InlineData("""{"model":"m","input":"x","tool_choice":{"type":"file_search"}}""", "file_search")]
    [InlineData("""{"model":"m","input":"x","background":true}""", "background")]
    [InlineData("""{"model":"m","input":[{"role":"critic","content":"x"}]}""", "critic")]
    [InlineData("""{"model":"m","input":"x","text":{"format":{"type":"grammar"}}}""", "grammar")]
    [InlineData("""{"model":"m","input":"x","max_output_tokens":"many"}""", "max_output_tokens")]
    [InlineData("""{"model":"m","input":"x","instructions":["a"]}""", "instructions")]
    [InlineData("""{"model":"m",""", "not valid JSON")]
    public void TryDecodeRequest_Untranslatable_Fails400NamingTheCause(string body, string mentioned)
    {
        Assert.False(NewCodec(out _).TryDecodeRequest(Encoding.UTF8.GetBytes(body), out var request, out var error));
        Assert.Null(request);
        Assert.Equal(400, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    private static List<string> ExpectedTurns(JsonElement input)
    {
        var turns = new List<string>();
        foreach (var item in input.EnumerateArray())
        {
            var type = item.TryGetProperty("type", out var t) ? t.GetString() : "message";
            turns.Add(type switch
            {
                "function_call" => $"call {item.GetProperty("call_id").GetString()} {item.GetProperty("name").GetString()} {item.GetProperty("arguments").GetString()}",
                "function_call_output" => $"result {item.GetProperty("call_id").GetString()} {item.GetProperty("output").GetString()}",
                _ => $"{item.GetProperty("role").GetString()} {item.GetProperty("content").GetString()}",
            });
        }

        return turns;
    }

    private static List<string> ActualTurns(IrRequest ir)
    {
        var turns = new List<string>();
        foreach (var message in ir.Messages)
        {
            foreach (var part in message.Parts)
            {
                turns.Add(part switch
                {
                    IrToolCallPart c => $"call {c.Id} {c.Name} {c.ArgumentsJson}",
                    IrToolResultPart r when message.Role == IrRole.Tool => $"result {r.ToolCallId} {((IrTextPart)Assert.Single(r.Content)).Text}",
                    IrTextPart text => $"{message.Role} {text.Text}",
                    _ => part.ToString(),
                });
            }
        }

        return turns;
    }
}
