using System.Text;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

/// <summary>Reassembles IR stream events into blocks by IR index and checks that new indexes are 0,1,2… in order.</summary>
internal sealed class IrStreamCollector
{
    public sealed class Block
    {
        public required string Kind { get; init; }
        public StringBuilder Text { get; } = new();
        public StringBuilder Signature { get; } = new();
        public StringBuilder Arguments { get; } = new();
        public string? Id { get; set; }
        public string? Name { get; set; }
        public bool Stopped { get; set; }
    }

    public SortedDictionary<int, Block> Blocks { get; } = [];
    public List<string> Problems { get; } = [];
    public IrStreamStart? Start { get; private set; }
    public IrFinish? Finish { get; private set; }
    public IrUsage? Usage { get; private set; }
    public IrError? Error { get; private set; }

    public void Add(IrStreamEvent ev)
    {
        switch (ev)
        {
            case IrStreamStart s:
                if (Start is not null)
                {
                    Problems.Add("second IrStreamStart");
                }

                Start = s;
                Usage = s.Usage;
                break;
            case IrTextDelta t:
                Get(t.Index, "text").Text.Append(t.Text);
                break;
            case IrThinkingDelta t:
                Get(t.Index, "thinking").Text.Append(t.Text);
                break;
            case IrThinkingSignature s:
                Get(s.Index, "thinking").Signature.Append(s.Signature);
                break;
            case IrRedactedThinking r:
                Get(r.Index, "redacted_thinking").Text.Append(r.Data);
                break;
            case IrToolCallStart c:
                var b = Get(c.Index, "tool_use");
                b.Id = c.Id;
                b.Name = c.Name;
                break;
            case IrToolCallArgumentsDelta a:
                Get(a.Index, "tool_use").Arguments.Append(a.Delta);
                break;
            case IrBlockStop stop:
                if (!Blocks.TryGetValue(stop.Index, out var stopped) || stopped.Stopped)
                {
                    Problems.Add($"stop for {stop.Index}");
                }
                else
                {
                    stopped.Stopped = true;
                }

                break;
            case IrUsageUpdate u:
                Usage = Usage is null ? u.Usage : Usage.Merge(u.Usage);
                break;
            case IrFinish f:
                Finish = f;
                break;
            case IrStreamError e:
                Error = e.Error;
                break;
        }
    }

    private Block Get(int index, string kind)
    {
        if (!Blocks.TryGetValue(index, out var block))
        {
            if (index != Blocks.Count)
            {
                Problems.Add($"new IR index {index} where {Blocks.Count} was next");
            }

            block = new Block { Kind = kind };
            Blocks[index] = block;
        }
        else if (block.Kind != kind)
        {
            Problems.Add($"{kind} event for {block.Kind} block {index}");
        }

        if (block.Stopped)
        {
            Problems.Add($"{kind} event after stop of {index}");
        }

        return block;
    }
}
