using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Protocols.Sse;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Tests.Translation.AnthropicMessages;

/// <summary>Reads the recorded Anthropic traffic in ../shared/fixtures/raw/anthropic.</summary>
internal static class AnthropicFixtures
{
    public static string Dir { get; } = Path.Combine(ConfigTestSupport.SharedDirectory(), "fixtures", "raw", "anthropic");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    public static JsonNode Json(string name) => JsonNode.Parse(Bytes(name))!;

    /// <summary>
    /// The stream's events as the gateway frames them. <c>.sse</c> files are cut with the SSE scanner;
    /// <c>vercel__*.chunks.txt</c> (payloads without framing) get each payload's own <c>type</c> as the event name.
    /// </summary>
    public static List<UpstreamFrame> Frames(string name)
    {
        var frames = new List<UpstreamFrame>();
        var bytes = Bytes(name);
        if (name.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
            {
                if (line.Trim().Length > 0)
                {
                    var type = JsonNode.Parse(line)!["type"]!.GetValue<string>();
                    frames.Add(new UpstreamFrame(type, Encoding.UTF8.GetBytes(line)));
                }
            }

            return frames;
        }

        return ParseSse(bytes);
    }

    /// <summary>Cuts SSE bytes into frames as the gateway does.</summary>
    public static List<UpstreamFrame> ParseSse(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<UpstreamFrame>();
        var rest = bytes;
        while (rest.Length > 0)
        {
            var end = SseEventScanner.FindEventEnd(rest, endOfStream: true);
            var ev = end < 0 ? rest : rest[..end];
            if (SseFrame.TryParse(ev, out var eventName, out var data))
            {
                frames.Add(new UpstreamFrame(eventName, data));
            }

            rest = end < 0 ? default : rest[end..];
        }

        return frames;
    }

    /// <summary>Re-frames payloads as Anthropic SSE (<c>event: type</c> + <c>data:</c>), for SSE-level checks.</summary>
    public static byte[] ToSse(IEnumerable<UpstreamFrame> frames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var f in frames)
        {
            SseWriter.BeginEvent(buffer, f.EventType);
            buffer.Write(f.Data.Span);
            SseWriter.EndEvent(buffer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The request bodies recorded in a vcrpy cassette, as JSON: <c>body</c> strings as they are, pydantic-ai's
    /// <c>parsed_body</c> YAML trees converted (plain scalars typed like YAML 1.2's core schema).
    /// </summary>
    public static List<JsonNode> CassetteRequests(string yamlName)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Dir, yamlName))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var result = new List<JsonNode>();
        foreach (var interaction in (YamlSequenceNode)root["interactions"])
        {
            var request = (YamlMappingNode)((YamlMappingNode)interaction)["request"];
            if (request.Children.TryGetValue(new YamlScalarNode("body"), out var body))
            {
                result.Add(JsonNode.Parse(((YamlScalarNode)body).Value!)!);
            }
            else
            {
                result.Add(ToJson(request["parsed_body"])!);
            }
        }

        return result;
    }

    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    obj[((YamlScalarNode)k).Value!] = ToJson(v);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq)
                {
                    arr.Add(ToJson(item));
                }

                return arr;
            case YamlScalarNode { Style: ScalarStyle.Plain } plain:
                var s = plain.Value ?? "";
                if (s is "null" or "~" or "")
                {
                    return null;
                }

                if (s is "true" or "false")
                {
                    return JsonValue.Create(s == "true");
                }

                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && char.IsDigit(s[^1]))
                {
                    return JsonNode.Parse(s); // a JSON number, readable as int or double like any parsed body
                }

                return JsonValue.Create(s);
            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? "");
            default:
                throw new InvalidDataException($"unexpected YAML node {node.NodeType}");
        }
    }

    /// <summary>Every Anthropic stream fixture: recorded SSE bodies and vercel/ai payload lists.</summary>
    public static TheoryData<string> StreamFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Dir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if ((f!.EndsWith(".sse", StringComparison.Ordinal) || f.EndsWith(".chunks.txt", StringComparison.Ordinal))
                && !f.Contains("message-start", StringComparison.Ordinal))
            {
                data.Add(f);
            }
        }

        return data;
    }
}
