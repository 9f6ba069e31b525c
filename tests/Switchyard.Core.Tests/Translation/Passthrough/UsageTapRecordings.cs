using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Protocols.EventStream;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Tests.Translation.Passthrough;

/// <summary>
/// The recorded answers in shared/fixtures/raw, by upstream protocol, cut the way the relays see them (raw SSE events,
/// framed events, event-stream messages, body bytes) and decoded by the translating codecs as the reference.
/// </summary>
internal static class UsageTapRecordings
{
    public enum Kind { Sse, Chunks, EventStream, Body }

    private static readonly string Root = Path.Combine(ConfigTestSupport.SharedDirectory(), "fixtures", "raw");

    public static UpstreamProtocol Protocol(string folder) => folder switch
    {
        "anthropic" => UpstreamProtocol.AnthropicMessages,
        "openai-responses" => UpstreamProtocol.OpenAIResponses,
        "gemini" => UpstreamProtocol.Gemini,
        "bedrock" => UpstreamProtocol.BedrockConverse,
        _ => UpstreamProtocol.OpenAIChat, // openai, azure, groq, mistral, deepseek, xai, … speak chat completions
    };

    /// <summary>Every recorded answer body or stream: (folder, file).</summary>
    public static IEnumerable<object[]> All(Kind wanted) =>
        Directory.GetDirectories(Root)
            .Select(Path.GetFileName)
            .Where(folder => folder != "LICENSES")
            .Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.GetFiles(Path.Combine(Root, folder!))
                .Select(Path.GetFileName)
                .Where(file => KindOf(file!) == wanted)
                .Order(StringComparer.Ordinal)
                .Select(file => new object[] { folder!, file! }));

    public static Kind? KindOf(string file) =>
        file.EndsWith(".chunks.txt", StringComparison.Ordinal) ? Kind.Chunks
        : file.EndsWith(".sse", StringComparison.Ordinal) || (file.StartsWith("gaijs__", StringComparison.Ordinal) && file.EndsWith(".txt", StringComparison.Ordinal)) ? Kind.Sse
        : file.EndsWith(".bin", StringComparison.Ordinal) ? Kind.EventStream
        : file.EndsWith(".json", StringComparison.Ordinal) ? Kind.Body
        : null;

    public static byte[] Bytes(string folder, string file) => File.ReadAllBytes(Path.Combine(Root, folder, file));

    /// <summary>
    /// The raw SSE events of a stream as a relay delimits them. vercel's <c>.chunks.txt</c> (one payload per line) are
    /// re-framed; Anthropic's get their <c>event:</c> line back, as Anthropic serves them.
    /// </summary>
    public static List<byte[]> RawEvents(string folder, string file)
    {
        var events = new List<byte[]>();
        var bytes = Bytes(folder, file);
        if (KindOf(file) == Kind.Chunks)
        {
            foreach (var line in Lines(bytes))
            {
                var type = Protocol(folder) == UpstreamProtocol.AnthropicMessages
                    ? JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()
                    : null;
                events.Add(Encoding.UTF8.GetBytes((type is null ? "" : $"event: {type}\n") + $"data: {line}\n\n"));
            }

            return events;
        }

        var rest = bytes.AsSpan();
        while (!rest.IsEmpty)
        {
            var n = SseEventScanner.FindEventEnd(rest, endOfStream: true);
            n = n < 0 ? rest.Length : n; // a last event without its blank line
            events.Add(rest[..n].ToArray());
            rest = rest[n..];
        }

        return events;
    }

    /// <summary>The frames the translating path hands its decoder (SSE data joined; event-stream messages; vercel lines).</summary>
    public static List<UpstreamFrame> Frames(string folder, string file)
    {
        var frames = new List<UpstreamFrame>();
        var bytes = Bytes(folder, file);
        switch (KindOf(file))
        {
            case Kind.EventStream:
                ReadOnlySpan<byte> rest = bytes;
                while (EventStreamReader.TryRead(rest, out var message, out var used))
                {
                    frames.Add(Switchyard.Core.Translation.Upstream.BedrockConverse.BedrockEventStreamFrameReader.ToFrame(message!));
                    rest = rest[used..];
                }

                break;
            case Kind.Chunks:
                foreach (var line in Lines(bytes))
                {
                    frames.Add(new UpstreamFrame(null, Encoding.UTF8.GetBytes(line)));
                }

                break;
            default:
                foreach (var ev in RawEvents(folder, file))
                {
                    if (SseFrame.TryParse(ev, out var name, out var data))
                    {
                        frames.Add(new UpstreamFrame(name, data));
                    }
                }

                break;
        }

        return frames;
    }

    /// <summary>
    /// What the translating decoder reports for a stream: its usage updates (and Anthropic's message_start usage)
    /// merged in order, as the client stream encoders do; and whether it rejected the stream.
    /// </summary>
    public static (IrUsage? Usage, bool Failed) DecodeStream(UpstreamProtocol protocol, List<UpstreamFrame> frames)
    {
        var decoder = CodecRegistry.Upstream(protocol)!.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var frame in frames)
        {
            decoder.Decode(frame, events);
        }

        if (decoder.IsComplete)
        {
            decoder.End(events); // as the relay does when the body ends
        }

        IrUsage? usage = null;
        foreach (var ev in events)
        {
            var report = ev switch
            {
                IrStreamStart start => start.Usage,
                IrUsageUpdate update => update.Usage,
                _ => null,
            };
            usage = report is null ? usage : usage?.Merge(report) ?? report;
        }

        return (Normalise(usage), events.Any(e => e is IrStreamError));
    }

    /// <summary>What the translating decoder reports for a body (null when it rejects it, e.g. an error body).</summary>
    public static (IrUsage? Usage, string? Model) DecodeBody(UpstreamProtocol protocol, byte[] body) =>
        CodecRegistry.Upstream(protocol)!.TryDecodeResponse(body, out var response, out _)
            ? (Normalise(response!.Usage), response.Model)
            : (null, null);

    /// <summary>
    /// The Responses reference (no upstream decoder exists for it): a plain JsonDocument reading of every
    /// <c>usage</c> object in a Response, mapped as the gateway's Responses encoder writes them.
    /// </summary>
    public static IrUsage? ResponsesUsage(JsonElement response)
    {
        if (!response.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        static int? Int(JsonElement o, string name) => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        var inputDetails = u.TryGetProperty("input_tokens_details", out var i) ? i : default;
        var outputDetails = u.TryGetProperty("output_tokens_details", out var o) ? o : default;
        return Normalise(new IrUsage
        {
            InputTokens = Int(u, "input_tokens"),
            OutputTokens = Int(u, "output_tokens"),
            CachedInputTokens = Int(inputDetails, "cached_tokens"),
            CacheWriteInputTokens = Int(inputDetails, "cache_write_tokens"),
            ReasoningTokens = Int(outputDetails, "reasoning_tokens"),
        });
    }

    /// <summary>The Responses reference for a stream: the last readable event's <c>response.usage</c>.</summary>
    public static IrUsage? ResponsesStreamUsage(List<UpstreamFrame> frames)
    {
        IrUsage? usage = null;
        foreach (var frame in frames)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(frame.Data);
            }
            catch (JsonException)
            {
                continue; // vercel's parallel-tool-call-wrapper lines lack their closing brace: no usage to read
            }

            using var _ = doc;
            if (doc.RootElement.TryGetProperty("response", out var response) && ResponsesUsage(response) is { } found)
            {
                usage = found;
            }
        }

        return usage;
    }

    /// <summary>A usage with no member reported is no usage.</summary>
    public static IrUsage? Normalise(IrUsage? usage) =>
        usage is null || (usage.InputTokens is null && usage.OutputTokens is null && usage.CachedInputTokens is null
                          && usage.CacheWriteInputTokens is null && usage.ReasoningTokens is null)
            ? null
            : usage;

    private static IEnumerable<string> Lines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);
}
