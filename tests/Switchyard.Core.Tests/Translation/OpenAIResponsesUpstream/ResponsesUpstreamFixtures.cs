using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Translation.AnthropicMessages;
using Switchyard.Core.Tests.Translation.OpenAIChat;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.OpenAIResponses;

namespace Switchyard.Core.Tests.Translation.OpenAIResponsesUpstream;

/// <summary>What a recorded Responses stream says, read straight from its events (the oracle the decoder is checked against).</summary>
internal sealed record ExpectedAnswer(string? Id, string? Model, string Text, string Thinking, List<ToolCallInfo> Tools, UsageInfo? Usage, string Finish);

/// <summary>The recorded Responses streams in fixtures/raw/openai-responses as upstream frames, one list per stream.</summary>
internal static class ResponsesUpstreamFixtures
{
    public static async Task<List<List<UpstreamFrame>>> StreamsAsync(string file)
    {
        List<UpstreamFrame> frames;
        if (file.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            // vercel/ai strips the SSE framing: each line is one event's data; the event name is its type.
            frames = [];
            foreach (var line in File.ReadAllLines(Path.Combine(OpenAIResponses.ResponsesFixtures.Directory, file)))
            {
                if (line.Trim().Length > 0)
                {
                    using var doc = JsonDocument.Parse(line);
                    frames.Add(new UpstreamFrame(doc.RootElement.GetProperty("type").GetString(), Encoding.UTF8.GetBytes(line)));
                }
            }
        }
        else
        {
            frames = await OpenAIChatFixtures.FramesAsync("openai-responses/" + file);
        }

        var streams = new List<List<UpstreamFrame>>();
        foreach (var frame in frames)
        {
            if (streams.Count == 0 || Type(frame) == "response.created")
            {
                streams.Add([]);
            }

            streams[^1].Add(frame);
        }

        return streams;
    }

    public static string? Type(UpstreamFrame frame)
    {
        using var doc = JsonDocument.Parse(frame.Data);
        return doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : frame.EventType;
    }

    public static List<IrStreamEvent> Decode(List<UpstreamFrame> frames, out bool complete)
    {
        var decoder = OpenAIResponsesUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var frame in frames)
        {
            decoder.Decode(frame, events);
        }

        complete = decoder.IsComplete;
        return events;
    }

    /// <summary>Reads the answer out of the raw events: deltas concatenated, tool calls from output_item.done, usage and outcome from response.completed.</summary>
    public static ExpectedAnswer Expected(List<UpstreamFrame> frames)
    {
        string? id = null, model = null, finish = null;
        var text = new StringBuilder();
        var thinking = new StringBuilder();
        var tools = new List<ToolCallInfo>();
        UsageInfo? usage = null;
        foreach (var frame in frames)
        {
            using var doc = JsonDocument.Parse(frame.Data);
            var ev = doc.RootElement;
            switch (ev.GetProperty("type").GetString())
            {
                case "response.created":
                    id = ev.GetProperty("response").GetProperty("id").GetString();
                    model = ev.GetProperty("response").GetProperty("model").GetString();
                    break;
                case "response.output_text.delta":
                    text.Append(ev.GetProperty("delta").GetString());
                    break;
                case "response.reasoning_summary_text.delta":
                    thinking.Append(ev.GetProperty("delta").GetString());
                    break;
                case "response.reasoning_summary_part.added" when ev.GetProperty("summary_index").GetInt32() > 0:
                    thinking.Append("\n\n");
                    break;
                case "response.output_item.done" when ev.GetProperty("item").GetProperty("type").GetString() == "function_call":
                    var item = ev.GetProperty("item");
                    tools.Add(new ToolCallInfo(item.GetProperty("call_id").GetString(), item.GetProperty("name").GetString(), item.GetProperty("arguments").GetString()!));
                    break;
                case "response.completed" or "response.incomplete":
                    var response = ev.GetProperty("response");
                    var u = response.GetProperty("usage");
                    usage = new UsageInfo(
                        u.GetProperty("input_tokens").GetInt32(), u.GetProperty("output_tokens").GetInt32(),
                        u.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32(),
                        u.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
                    finish = response.TryGetProperty("incomplete_details", out var d) && d.ValueKind == JsonValueKind.Object
                        ? (d.GetProperty("reason").GetString() == "max_output_tokens" ? "length" : "content_filter")
                        : tools.Count > 0 ? "tool_calls" : "stop";
                    break;
            }
        }

        return new ExpectedAnswer(id, model, text.ToString(), thinking.ToString(), tools, usage, finish ?? "none");
    }

    /// <summary>What an Anthropic client receives for <paramref name="events"/>.</summary>
    public static AnthropicStreamAccumulator Anthropic(IEnumerable<IrStreamEvent> events)
    {
        var encoder = AnthropicMessagesClientCodec.Instance.CreateStreamEncoder("client-model", includeUsage: false);
        var output = new ArrayBufferWriter<byte>();
        IrError? error = null;
        foreach (var ev in events)
        {
            if (ev is IrStreamError e)
            {
                error = e.Error;
                break;
            }

            encoder.Encode(ev, output);
        }

        if (error is not null)
        {
            encoder.Fail(error, output);
        }
        else
        {
            encoder.Complete(output);
        }

        return AnthropicStreamAccumulator.From(AnthropicFixtures.ParseSse(output.WrittenSpan));
    }

    /// <summary>The SSE events a chat client receives for <paramref name="events"/> (as the translating relay drives the encoder).</summary>
    public static List<string> Chat(IEnumerable<IrStreamEvent> events)
    {
        var encoder = Switchyard.Core.Translation.Client.OpenAIChat.OpenAIChatClientCodec.Instance.CreateStreamEncoder(ClientStream.ClientModel, includeUsage: true);
        var output = new ArrayBufferWriter<byte>();
        IrError? error = null;
        foreach (var ev in events)
        {
            if (ev is IrStreamError e)
            {
                error = e.Error;
                break;
            }

            encoder.Encode(ev, output);
        }

        if (error is not null)
        {
            encoder.Fail(error, output);
        }
        else
        {
            encoder.Complete(output);
        }

        return ClientStream.Split(Encoding.UTF8.GetString(output.WrittenSpan));
    }

    public static string AnthropicStopReason(string finish) => finish switch
    {
        "tool_calls" => "tool_use",
        "length" => "max_tokens",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
