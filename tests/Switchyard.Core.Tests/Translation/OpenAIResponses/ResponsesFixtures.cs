using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Protocols.Sse;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

/// <summary>Reads the recorded Responses API traffic in fixtures/raw/openai-responses.</summary>
internal static class ResponsesFixtures
{
    public static string Directory => Path.Combine(ConfigTestSupport.SharedDirectory(), "fixtures", "raw", "openai-responses");

    public static string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>The recorded streams: one list of event payloads per stream (SSE files, or vercel chunk files split at each response.created).</summary>
    public static List<List<JsonElement>> Streams(string file)
    {
        var events = file.EndsWith(".sse", StringComparison.Ordinal) ? SseEvents(File.ReadAllBytes(PathOf(file))).Select(e => e.Data).ToList() : ChunkLines(file);
        var streams = new List<List<JsonElement>>();
        foreach (var ev in events)
        {
            if (ev.GetProperty("type").GetString() == "response.created" || streams.Count == 0)
            {
                streams.Add([]);
            }

            streams[^1].Add(ev);
        }

        return streams;
    }

    /// <summary>Parses SSE bytes into (event name, JSON data) pairs, in order.</summary>
    public static List<(string? Name, JsonElement Data)> SseEvents(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal);
        var result = new List<(string?, JsonElement)>();
        foreach (var chunk in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (SseFrame.TryParse(Encoding.UTF8.GetBytes(chunk), out var name, out var data))
            {
                result.Add((name, JsonDocument.Parse(data).RootElement.Clone()));
            }
        }

        return result;
    }

    public static JsonElement Json(string file) => JsonDocument.Parse(File.ReadAllBytes(PathOf(file))).RootElement.Clone();

    /// <summary>Every request body a cassette recorded, as JSON (vcrpy <c>body</c> strings, or pydantic-ai <c>parsed_body</c> trees).</summary>
    public static List<JsonElement> RequestBodies(string cassette)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(PathOf(cassette)))
        {
            yaml.Load(reader);
        }

        var bodies = new List<JsonElement>();
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (var interaction in ((YamlSequenceNode)root.Children[new YamlScalarNode("interactions")]).Children)
        {
            var request = (YamlMappingNode)((YamlMappingNode)interaction).Children[new YamlScalarNode("request")];
            if (request.Children.TryGetValue(new YamlScalarNode("parsed_body"), out var parsed))
            {
                bodies.Add(YamlToJson(parsed));
                continue;
            }

            var body = request.Children[new YamlScalarNode("body")];
            if (body is YamlMappingNode map)
            {
                body = map.Children[new YamlScalarNode("string")];
            }

            bodies.Add(JsonDocument.Parse(((YamlScalarNode)body).Value!).RootElement.Clone());
        }

        return bodies;
    }

    private static List<JsonElement> ChunkLines(string file)
    {
        var result = new List<JsonElement>();
        foreach (var line in File.ReadAllLines(PathOf(file)))
        {
            if (line.Length > 0)
            {
                result.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return result;
    }

    private static JsonElement YamlToJson(YamlNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, node);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter w, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                w.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    w.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(w, value);
                }

                w.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                w.WriteStartArray();
                foreach (var child in seq.Children)
                {
                    Write(w, child);
                }

                w.WriteEndArray();
                break;
            case YamlScalarNode scalar when scalar.Style == YamlDotNet.Core.ScalarStyle.Plain:
                var v = scalar.Value ?? "";
                if (v is "true" or "false")
                {
                    w.WriteBooleanValue(v == "true");
                }
                else if (v is "null" or "~" or "")
                {
                    w.WriteNullValue();
                }
                else if (long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var l))
                {
                    w.WriteNumberValue(l);
                }
                else if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
                {
                    w.WriteNumberValue(d);
                }
                else
                {
                    w.WriteStringValue(v);
                }

                break;
            case YamlScalarNode scalar:
                w.WriteStringValue(scalar.Value);
                break;
        }
    }
}
