using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Tests.Translation.Gemini;

/// <summary>
/// Rebuilds an answer from IR stream events while checking the event model: a start first, indexes that only grow,
/// no event for a stopped block, every block stopped, one finish.
/// </summary>
internal static class GeminiStreamAssembly
{
    public static IrResponse Assemble(IReadOnlyList<IrStreamEvent> events)
    {
        var response = new IrResponse();
        var blocks = new SortedDictionary<int, (string Kind, StringBuilder Text, string? Signature, string? Id, string? Name)>();
        var stopped = new HashSet<int>();
        var highest = -1;
        var finishes = 0;
        Assert.IsType<IrStreamStart>(events[0]);
        foreach (var ev in events)
        {
            switch (ev)
            {
                case IrStreamStart start:
                    Assert.Same(events[0], ev);
                    response.Id = start.Id;
                    response.Model = start.Model;
                    break;
                case IrTextDelta d:
                    Touch(d.Index, "text").Text.Append(d.Text);
                    break;
                case IrThinkingDelta d:
                    Touch(d.Index, "thinking").Text.Append(d.Text);
                    break;
                case IrThinkingSignature s:
                    var b = Touch(s.Index, "thinking");
                    Assert.Null(b.Signature);
                    blocks[s.Index] = b with { Signature = s.Signature };
                    break;
                case IrToolCallStart t:
                    Assert.False(blocks.ContainsKey(t.Index));
                    Touch(t.Index, "tool");
                    blocks[t.Index] = blocks[t.Index] with { Id = t.Id, Name = t.Name };
                    break;
                case IrToolCallArgumentsDelta a:
                    Assert.True(blocks.ContainsKey(a.Index), "arguments before the tool call started");
                    Touch(a.Index, "tool").Text.Append(a.Delta);
                    break;
                case IrBlockStop stop:
                    Assert.True(blocks.ContainsKey(stop.Index));
                    Assert.True(stopped.Add(stop.Index), $"block {stop.Index} stopped twice");
                    break;
                case IrUsageUpdate u:
                    response.Usage = response.Usage is null ? u.Usage : response.Usage.Merge(u.Usage);
                    break;
                case IrFinish f:
                    finishes++;
                    response.FinishReason = f.Reason;
                    break;
                default:
                    Assert.Fail($"unexpected event {ev}");
                    break;
            }
        }

        Assert.True(finishes <= 1, "more than one finish");
        Assert.Equal(blocks.Keys.Order(), stopped.Order());
        foreach (var (_, block) in blocks)
        {
            response.Content.Add(block.Kind switch
            {
                "text" => new IrTextPart(block.Text.ToString()),
                "thinking" => new IrThinkingPart(block.Text.ToString()) { Signature = block.Signature },
                _ => new IrToolCallPart(block.Id!, block.Name!, block.Text.ToString()),
            });
        }

        return response;

        (string Kind, StringBuilder Text, string? Signature, string? Id, string? Name) Touch(int index, string kind)
        {
            Assert.DoesNotContain(index, stopped);
            if (!blocks.TryGetValue(index, out var block))
            {
                Assert.True(index > highest, $"block index {index} does not grow");
                highest = index;
                block = (kind, new StringBuilder(), null, null, null);
                blocks[index] = block;
            }

            Assert.Equal(kind, block.Kind);
            return block;
        }
    }

    /// <summary>Content parts compared by value (records compare StringBuilder-free fields, JSON by meaning).</summary>
    public static void AssertSameContent(IReadOnlyList<IrPart> expected, IReadOnlyList<IrPart> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i] is IrToolCallPart e && actual[i] is IrToolCallPart a)
            {
                Assert.Equal(e.Id, a.Id);
                Assert.Equal(e.Name, a.Name);
                Assert.True(GeminiFixtures.JsonEquals(e.ArgumentsJson, a.ArgumentsJson), $"{e.ArgumentsJson} != {a.ArgumentsJson}");
            }
            else
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }
    }
}
