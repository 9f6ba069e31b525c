using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

/// <summary>One output block as rebuilt from IR stream events, or as read straight off the recorded payloads.</summary>
internal sealed record ExpectedBlock(string Kind, string Text, string? Signature, string? ToolId, string? ToolName);

/// <summary>IR stream events folded back into blocks, finish and usage, checking the event model's rules on the way.</summary>
internal sealed class StreamReassembly
{
    public List<ExpectedBlock> Blocks { get; } = [];
    public IrFinishReason? Finish { get; private set; }
    public string? StopSequence { get; private set; }
    public IrUsage? Usage { get; private set; }
    public List<IrError> Errors { get; } = [];
    public HashSet<int> Stopped { get; } = [];

    public static StreamReassembly From(List<IrStreamEvent> events)
    {
        var r = new StreamReassembly();
        Assert.IsType<IrStreamStart>(events[0]);
        Assert.Single(events.OfType<IrStreamStart>());
        foreach (var ev in events.Skip(1))
        {
            r.Apply(ev);
        }

        return r;
    }

    private void Apply(IrStreamEvent ev)
    {
        switch (ev)
        {
            case IrTextDelta d:
                Append(d.Index, "text", d.Text);
                break;
            case IrThinkingDelta d:
                Append(d.Index, "thinking", d.Text);
                break;
            case IrThinkingSignature s:
                Append(s.Index, "thinking", "");
                Blocks[s.Index] = Blocks[s.Index] with { Signature = (Blocks[s.Index].Signature ?? "") + s.Signature };
                break;
            case IrRedactedThinking red:
                Append(red.Index, "redacted", red.Data);
                break;
            case IrToolCallStart start:
                Assert.Equal(Blocks.Count, start.Index); // a tool call opens a new block, indexes only grow
                Blocks.Add(new ExpectedBlock("tool", "", null, start.Id, start.Name));
                break;
            case IrToolCallArgumentsDelta a:
                Assert.Equal("tool", Blocks[a.Index].Kind);
                Append(a.Index, "tool", a.Delta);
                break;
            case IrBlockStop stop:
                Assert.True(stop.Index < Blocks.Count, $"stop for unopened block {stop.Index}");
                Assert.True(Stopped.Add(stop.Index), $"block {stop.Index} stopped twice");
                break;
            case IrFinish f:
                Assert.Null(Finish);
                Finish = f.Reason;
                StopSequence = f.StopSequence;
                break;
            case IrUsageUpdate u:
                Usage = Usage is null ? u.Usage : Usage.Merge(u.Usage);
                break;
            case IrStreamError e:
                Errors.Add(e.Error);
                break;
            default:
                Assert.Fail("unexpected event " + ev);
                break;
        }
    }

    private void Append(int index, string kind, string text)
    {
        Assert.False(Stopped.Contains(index), $"content for block {index} after its stop");
        if (index == Blocks.Count)
        {
            Blocks.Add(new ExpectedBlock(kind, "", null, null, null));
        }

        Assert.True(index < Blocks.Count, $"block {index} skipped ahead of {Blocks.Count}");
        Assert.Equal(kind, Blocks[index].Kind);
        Blocks[index] = Blocks[index] with { Text = Blocks[index].Text + text };
    }

    /// <summary>The blocks as IR content parts, to compare with a non-streamed answer.</summary>
    public List<IrPart> Content() => Blocks.Select<ExpectedBlock, IrPart>(b => b.Kind switch
    {
        "text" => new IrTextPart(b.Text),
        "thinking" => new IrThinkingPart(b.Text) { Signature = b.Signature },
        "redacted" => new IrRedactedThinkingPart(b.Text),
        _ => new IrToolCallPart(b.ToolId!, b.ToolName!, b.Text),
    }).ToList();

    /// <summary>
    /// What the recorded payloads say, read without the codec: per contentBlockIndex in order of appearance, the
    /// concatenated text / reasoning text / signature / redacted content / tool input, leaving out blocks with no
    /// content at all and server-side tool blocks (<c>server_tool_use</c>, <c>toolResult</c>).
    /// </summary>
    public static (List<ExpectedBlock> Blocks, string? StopReason, JsonElement? Usage) FromPayloads(IEnumerable<UpstreamFrame> frames)
    {
        var order = new List<int>();
        var kinds = new Dictionary<int, string>();
        var texts = new Dictionary<int, StringBuilder>();
        var signatures = new Dictionary<int, string>();
        var tools = new Dictionary<int, (string Id, string Name)>();
        var skipped = new HashSet<int>();
        string? stopReason = null;
        JsonElement? usage = null;
        foreach (var frame in frames)
        {
            var root = JsonNode.Parse(frame.Data.Span)!.AsObject();
            var type = frame.EventType;
            if (type is null)
            {
                var only = root.Single();
                type = only.Key;
                root = only.Value!.AsObject();
            }

            var index = (int?)root["contentBlockIndex"] ?? -1;
            switch (type)
            {
                case "contentBlockStart":
                    if (root["start"]?["toolUse"] is { } use && (string?)use["type"] != "server_tool_use")
                    {
                        order.Add(index);
                        kinds[index] = "tool";
                        tools[index] = ((string)use["toolUseId"]!, (string)use["name"]!);
                        texts[index] = new StringBuilder();
                    }
                    else
                    {
                        skipped.Add(index);
                    }

                    break;
                case "contentBlockDelta" when !skipped.Contains(index):
                    var delta = root["delta"]!.AsObject();
                    var (kind, text) = delta.Single().Key switch
                    {
                        "text" => ("text", (string)delta["text"]!),
                        "toolUse" => ("tool", (string)delta["toolUse"]!["input"]!),
                        _ => delta["reasoningContent"]!["redactedContent"] is { } red
                            ? ("redacted", (string)red!)
                            : ("thinking", (string?)delta["reasoningContent"]!["text"] ?? ""),
                    };
                    if (delta["reasoningContent"]?["signature"] is { } sig)
                    {
                        signatures[index] = (string)sig!;
                    }

                    if (!texts.ContainsKey(index))
                    {
                        texts[index] = new StringBuilder();
                        kinds[index] = kind;
                    }

                    texts[index].Append(text);
                    if (!order.Contains(index) && (text.Length > 0 || signatures.ContainsKey(index)))
                    {
                        order.Add(index);
                    }

                    break;
                case "messageStop":
                    stopReason = (string?)root["stopReason"];
                    break;
                case "metadata":
                    usage = JsonDocument.Parse(root["usage"]!.ToJsonString()).RootElement;
                    break;
            }
        }

        var blocks = order.Select(i => new ExpectedBlock(
            kinds[i],
            texts[i].ToString(),
            signatures.GetValueOrDefault(i),
            tools.TryGetValue(i, out var t) ? t.Id : null,
            tools.TryGetValue(i, out var t2) ? t2.Name : null)).ToList();
        return (blocks, stopReason, usage);
    }

    /// <summary>Content parts equal, with tool arguments compared as JSON (whitespace and key spelling may differ).</summary>
    public static void AssertSameContent(IReadOnlyList<IrPart> expected, IReadOnlyList<IrPart> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i] is IrToolCallPart e && actual[i] is IrToolCallPart a)
            {
                Assert.Equal(e.Id, a.Id);
                Assert.Equal(e.Name, a.Name);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(e.ArgumentsJson), JsonNode.Parse(a.ArgumentsJson)), $"arguments differ: {e.ArgumentsJson} vs {a.ArgumentsJson}");
            }
            else
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }
    }
}
