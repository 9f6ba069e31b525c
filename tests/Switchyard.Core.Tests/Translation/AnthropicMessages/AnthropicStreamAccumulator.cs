using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Core.Translation;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

/// <summary>
/// Rebuilds the final message from Anthropic stream events the way @anthropic-ai/sdk's MessageStream does
/// (content by index, deltas appended, message_delta overriding usage members), and records every envelope rule the
/// stream breaks: one message_start first, consecutive block indexes, one open block, matched stops, one
/// message_delta + message_stop at the end, the <c>event:</c> name equal to the payload type.
/// </summary>
internal sealed class AnthropicStreamAccumulator
{
    public sealed class Block
    {
        public required string Type { get; init; }
        public StringBuilder Text { get; } = new();
        public StringBuilder Thinking { get; } = new();
        public StringBuilder Signature { get; } = new();
        public StringBuilder Json { get; } = new();
        public string? Data { get; set; }
        public string? Id { get; set; }
        public string? Name { get; set; }
        public bool Stopped { get; set; }

        /// <summary>The tool input as the SDK parses it at the end (empty input → {}).</summary>
        public JsonNode Input => Json.Length == 0 ? new JsonObject() : JsonNode.Parse(Json.ToString())!;
    }

    public List<Block> Blocks { get; } = [];
    public List<string> Problems { get; } = [];
    public string? Id { get; private set; }
    public string? StopReason { get; private set; }
    public string? StopSequence { get; private set; }
    public JsonObject Usage { get; } = [];
    public int MessageStarts { get; private set; }
    public int MessageStops { get; private set; }
    public JsonNode? Error { get; private set; }
    private int open = -1;
    private bool delta;

    public static AnthropicStreamAccumulator From(IEnumerable<UpstreamFrame> frames)
    {
        var acc = new AnthropicStreamAccumulator();
        foreach (var f in frames)
        {
            acc.Add(f.EventType, JsonNode.Parse(f.Data.Span)!);
        }

        return acc;
    }

    public void Add(string? eventName, JsonNode data)
    {
        var type = data["type"]!.GetValue<string>();
        Check(eventName == type, $"event name '{eventName}' for payload type '{type}'");
        Check(MessageStops == 0 && Error is null, $"'{type}' after the end of the stream");
        Check(type is "message_start" or "ping" or "error" || MessageStarts == 1, $"'{type}' before message_start");
        switch (type)
        {
            case "message_start":
                MessageStarts++;
                Check(MessageStarts == 1, "a second message_start");
                Id = data["message"]!["id"]!.GetValue<string>();
                Check(data["message"]!["content"] is JsonArray { Count: 0 }, "message_start with content");
                MergeUsage(data["message"]!["usage"]);
                break;
            case "content_block_start":
                var index = data["index"]!.GetValue<int>();
                Check(index == Blocks.Count, $"block index {index} where {Blocks.Count} was next");
                Check(open < 0, $"block {index} started while {open} is open");
                Check(!delta, "a block after message_delta");
                var cb = data["content_block"]!;
                var block = new Block { Type = cb["type"]!.GetValue<string>(), Id = (string?)cb["id"], Name = (string?)cb["name"], Data = (string?)cb["data"] };
                block.Text.Append((string?)cb["text"]);
                block.Thinking.Append((string?)cb["thinking"]);
                block.Signature.Append((string?)cb["signature"]);
                Blocks.Add(block);
                open = index;
                break;
            case "content_block_delta":
                var at = data["index"]!.GetValue<int>();
                if (!Check(at < Blocks.Count, $"delta for unknown block {at}"))
                {
                    return;
                }

                var b = Blocks[at];
                var d = data["delta"]!;
                var dt = d["type"]!.GetValue<string>();
                Check(!b.Stopped, $"{dt} for stopped block {at}");
                Check(dt switch
                {
                    "text_delta" or "citations_delta" => b.Type == "text",
                    "thinking_delta" or "signature_delta" => b.Type == "thinking",
                    "input_json_delta" => b.Type is "tool_use" or "server_tool_use",
                    _ => false,
                }, $"{dt} on a {b.Type} block");
                b.Text.Append((string?)d["text"]);
                b.Thinking.Append((string?)d["thinking"]);
                b.Signature.Append((string?)d["signature"]);
                b.Json.Append((string?)d["partial_json"]);
                break;
            case "content_block_stop":
                var stop = data["index"]!.GetValue<int>();
                Check(stop == open, $"stop for block {stop} while {open} is open");
                if (stop < Blocks.Count)
                {
                    Blocks[stop].Stopped = true;
                }

                open = -1;
                break;
            case "message_delta":
                Check(!delta, "a second message_delta");
                Check(open < 0, "message_delta with a block open");
                delta = true;
                StopReason = (string?)data["delta"]!["stop_reason"];
                StopSequence = (string?)data["delta"]!["stop_sequence"];
                MergeUsage(data["usage"]);
                break;
            case "message_stop":
                Check(delta, "message_stop without message_delta");
                MessageStops++;
                break;
            case "error":
                Error = data["error"];
                break;
            case "ping":
                break;
            default:
                Problems.Add($"unknown event '{type}'");
                break;
        }
    }

    /// <summary>Only the block kinds that cross protocols (server-tool blocks stay with Anthropic).</summary>
    public IEnumerable<Block> PortableBlocks => Blocks.Where(b => b.Type is "text" or "thinking" or "redacted_thinking" or "tool_use");

    public int? UsageInt(string name) => Usage[name] is JsonValue v ? v.GetValue<int>() : null;

    private void MergeUsage(JsonNode? usage)
    {
        if (usage is not JsonObject u)
        {
            return;
        }

        foreach (var (k, v) in u)
        {
            if (v is not null)
            {
                Usage[k] = v.DeepClone();
            }
        }
    }

    private bool Check(bool ok, string problem)
    {
        if (!ok)
        {
            Problems.Add(problem);
        }

        return ok;
    }
}
