using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.Gemini;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Tests.Translation.Gemini;

/// <summary>Loads the recorded Gemini traffic in shared/fixtures/raw/gemini and replays it through the codec.</summary>
internal static class GeminiFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(ConfigTestSupport.SharedDirectory(), "fixtures", "raw", "gemini", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    /// <summary>
    /// The stream's frames as the gateway hands them over: SSE events (<c>.txt</c>/<c>.sse</c>, CRLF framing
    /// included) split with <see cref="SseEventScanner"/>; one payload per line for vercel <c>.chunks.txt</c>; the
    /// elements of the JSON array that <c>streamGenerateContent</c> returns without alt=sse (<c>llmgem__*.json</c>).
    /// </summary>
    public static List<UpstreamFrame> Frames(string name)
    {
        var bytes = Bytes(name);
        var frames = new List<UpstreamFrame>();
        if (name.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
            {
                if (line.Trim().Length > 0)
                {
                    frames.Add(new UpstreamFrame(null, Encoding.UTF8.GetBytes(line)));
                }
            }

            return frames;
        }

        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            using var doc = JsonDocument.Parse(bytes);
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                frames.Add(new UpstreamFrame(null, Encoding.UTF8.GetBytes(element.GetRawText())));
            }

            return frames;
        }

        var rest = bytes.AsSpan();
        while (rest.Length > 0)
        {
            var end = SseEventScanner.FindEventEnd(rest, endOfStream: true);
            var ev = end < 0 ? rest : rest[..end];
            if (SseFrame.TryParse(ev, out var eventName, out var data))
            {
                frames.Add(new UpstreamFrame(eventName, data));
            }

            rest = end < 0 ? [] : rest[end..];
        }

        return frames;
    }

    /// <summary>Each frame's JSON, parsed independently of the codec (the oracle for expected values).</summary>
    public static List<JsonElement> Chunks(string name)
    {
        var list = new List<JsonElement>();
        foreach (var frame in Frames(name))
        {
            using var doc = JsonDocument.Parse(frame.Data);
            list.Add(doc.RootElement.Clone());
        }

        return list;
    }

    public static (List<IrStreamEvent> Events, bool Complete) Stream(string name)
    {
        var decoder = GeminiUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var frame in Frames(name))
        {
            decoder.Decode(frame, events);
        }

        // The body ended: the relay calls End when the stream is complete (a cut stream gets an error instead).
        if (decoder.IsComplete)
        {
            decoder.End(events);
        }

        return (events, decoder.IsComplete);
    }

    /// <summary>The JSON chunks of a stream as one JSON array (the form TryDecodeResponse also accepts).</summary>
    public static byte[] AsArray(string name)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var frame in Frames(name))
        {
            sb.Append(first ? "" : ",").Append(Encoding.UTF8.GetString(frame.Data.Span));
            first = false;
        }

        return Encoding.UTF8.GetBytes(sb.Append(']').ToString());
    }

    /// <summary>JSON equality ignoring key order and number spelling.</summary>
    public static bool JsonEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var am = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                var bm = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                return am.Count == bm.Count && am.All(kv => bm.TryGetValue(kv.Key, out var v) && JsonEquals(kv.Value, v));
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEquals(p.First, p.Second));
            case JsonValueKind.Number:
                return a.GetDecimal() == b.GetDecimal();
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            default:
                return true;
        }
    }

    public static bool JsonEquals(string a, string b)
    {
        using var da = JsonDocument.Parse(a);
        using var db = JsonDocument.Parse(b);
        return JsonEquals(da.RootElement, db.RootElement);
    }
}
