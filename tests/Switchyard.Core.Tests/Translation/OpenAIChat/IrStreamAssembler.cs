using System.Text;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

/// <summary>
/// Reassembles IR stream events into an answer while checking the event model: blocks are numbered in order of
/// appearance, deltas go only to open blocks of the right kind, every block is stopped once, and nothing but usage
/// follows the finish.
/// </summary>
internal sealed class IrStreamAssembler
{
    private readonly Dictionary<int, string> _kinds = [];
    private readonly HashSet<int> _stopped = [];
    private readonly SortedDictionary<int, StringBuilder> _text = [];
    private readonly SortedDictionary<int, StringBuilder> _thinking = [];
    private readonly SortedDictionary<int, (string Id, string Name, StringBuilder Args)> _tools = [];
    private int _highest = -1;

    public IrStreamStart? Start { get; private set; }
    public IrFinish? Finish { get; private set; }
    public IrUsage? Usage { get; private set; }
    public IrError? Error { get; private set; }

    public string Text => string.Concat(_text.Values);
    public string Thinking => string.Concat(_thinking.Values);
    public List<ToolCallInfo> Tools => [.. _tools.Values.Select(t => new ToolCallInfo(t.Id, t.Name, t.Args.ToString()))];

    public static IrStreamAssembler From(IEnumerable<IrStreamEvent> events)
    {
        var assembler = new IrStreamAssembler();
        foreach (var ev in events)
        {
            assembler.Add(ev);
        }

        foreach (var index in assembler._kinds.Keys)
        {
            Assert.True(assembler._stopped.Contains(index) || assembler.Error is not null, $"block {index} never stopped");
        }

        return assembler;
    }

    private void Add(IrStreamEvent ev)
    {
        Assert.True(Error is null, $"{ev} after the stream error");
        if (ev is IrStreamStart start)
        {
            Assert.Null(Start);
            Assert.Empty(_kinds);
            Start = start;
            return;
        }

        Assert.NotNull(Start); // the start comes first
        switch (ev)
        {
            case IrTextDelta t:
                Block(t.Index, "text");
                (_text.TryGetValue(t.Index, out var tb) ? tb : _text[t.Index] = new StringBuilder()).Append(t.Text);
                break;
            case IrThinkingDelta th:
                Block(th.Index, "thinking");
                (_thinking.TryGetValue(th.Index, out var hb) ? hb : _thinking[th.Index] = new StringBuilder()).Append(th.Text);
                break;
            case IrThinkingSignature sig:
                Block(sig.Index, "thinking"); // a signature alone makes a (text-less) thinking block: OpenAI's encrypted reasoning
                break;
            case IrToolCallStart call:
                Assert.Null(Finish);
                Assert.False(_kinds.ContainsKey(call.Index), $"tool call block {call.Index} started twice");
                Block(call.Index, "tool");
                _tools[call.Index] = (call.Id, call.Name, new StringBuilder());
                break;
            case IrToolCallArgumentsDelta args:
                Assert.True(_tools.ContainsKey(args.Index), $"arguments for unstarted block {args.Index}");
                Block(args.Index, "tool");
                _tools[args.Index].Args.Append(args.Delta);
                break;
            case IrBlockStop stop:
                Assert.True(_kinds.ContainsKey(stop.Index), $"stop of unknown block {stop.Index}");
                Assert.True(_stopped.Add(stop.Index), $"block {stop.Index} stopped twice");
                break;
            case IrFinish finish:
                Assert.Null(Finish);
                Finish = finish;
                break;
            case IrUsageUpdate usage:
                Usage = (Usage ?? new IrUsage()).Merge(usage.Usage);
                break;
            case IrStreamError error:
                Error = error.Error;
                break;
        }
    }

    private void Block(int index, string kind)
    {
        if (_kinds.TryGetValue(index, out var known))
        {
            Assert.Equal(known, kind);
            Assert.DoesNotContain(index, _stopped);
            return;
        }

        Assert.Null(Finish);
        Assert.True(index == _highest + 1, $"block {index} opened after {_highest}: indexes must be 0,1,2… in order");
        _highest = index;
        _kinds[index] = kind;
    }

    /// <summary>The complete answer these events describe, for comparing a stream with a non-stream encoding.</summary>
    public IrResponse ToResponse()
    {
        var response = new IrResponse { Id = Start?.Id, Model = Start?.Model, FinishReason = Finish?.Reason, Usage = Usage };
        foreach (var (index, kind) in _kinds.OrderBy(k => k.Key))
        {
            response.Content.Add(kind switch
            {
                "text" => new IrTextPart(_text[index].ToString()),
                "thinking" => new IrThinkingPart(_thinking[index].ToString()),
                _ => new IrToolCallPart(_tools[index].Id, _tools[index].Name, _tools[index].Args.ToString()),
            });
        }

        return response;
    }
}
