using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Framing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

/// <summary>Loads the recorded provider traffic in shared/fixtures/raw.</summary>
internal static class OpenAIChatFixtures
{
    public static string Path(string relative) => System.IO.Path.Combine(ConfigTestSupport.SharedDirectory(), "fixtures", "raw", relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    /// <summary>
    /// The upstream frames of a recorded stream: <c>.sse</c> files go through the gateway's SSE framing;
    /// <c>.chunks.txt</c> files (vercel/ai: one data payload per line, framing and [DONE] stripped) are re-framed with
    /// the <c>[DONE]</c> the provider sent.
    /// </summary>
    public static async Task<List<UpstreamFrame>> FramesAsync(string relative)
    {
        var frames = new List<UpstreamFrame>();
        if (relative.EndsWith(".chunks.txt", StringComparison.Ordinal))
        {
            foreach (var line in File.ReadAllLines(Path(relative)))
            {
                if (line.Trim().Length > 0)
                {
                    frames.Add(new UpstreamFrame(null, Encoding.UTF8.GetBytes(line)));
                }
            }

            frames.Add(new UpstreamFrame(null, "[DONE]"u8.ToArray()));
            return frames;
        }

        await using var file = File.OpenRead(Path(relative));
        using var reader = new SseFrameReader(file);
        while (await reader.ReadAsync(CancellationToken.None) is { } frame)
        {
            frames.Add(frame with { Data = frame.Data.ToArray() });
        }

        return frames;
    }

    /// <summary>The JSON payloads (not [DONE]) of a recorded stream, as the reference reads them.</summary>
    public static async Task<List<JsonElement>> ChunksAsync(string relative)
    {
        var chunks = new List<JsonElement>();
        foreach (var frame in await FramesAsync(relative))
        {
            if (!frame.Data.Span.SequenceEqual("[DONE]"u8))
            {
                chunks.Add(JsonDocument.Parse(frame.Data).RootElement.Clone());
            }
        }

        return chunks;
    }

    /// <summary>
    /// The request bodies recorded in a VCR cassette: go-vcr and vcrpy keep them as a string in <c>body</c>;
    /// pydantic-ai keeps a YAML tree in <c>parsed_body</c>, turned back into JSON here.
    /// </summary>
    public static List<string> CassetteRequests(string relative)
    {
        var yaml = new YamlStream();
        using (var text = File.OpenText(Path(relative)))
        {
            yaml.Load(text);
        }

        var bodies = new List<string>();
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (var interaction in (YamlSequenceNode)root.Children[new YamlScalarNode("interactions")])
        {
            var request = (YamlMappingNode)((YamlMappingNode)interaction).Children[new YamlScalarNode("request")];
            if (request.Children.TryGetValue(new YamlScalarNode("parsed_body"), out var parsed))
            {
                bodies.Add(ToJson(parsed));
            }
            else if (request.Children.TryGetValue(new YamlScalarNode("body"), out var body) && body is YamlScalarNode { Value: { } s })
            {
                bodies.Add(s);
            }
        }

        return bodies;
    }

    private static string ToJson(YamlNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                var v = scalar.Value ?? "";
                if (scalar.Style != ScalarStyle.Plain)
                {
                    writer.WriteStringValue(v);
                }
                else if (v is "null" or "~" or "")
                {
                    writer.WriteNullValue();
                }
                else if (v is "true" or "false")
                {
                    writer.WriteBooleanValue(v == "true");
                }
                else if (long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l))
                {
                    writer.WriteNumberValue(l);
                }
                else if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
                {
                    writer.WriteNumberValue(d);
                }
                else
                {
                    writer.WriteStringValue(v);
                }

                break;
        }
    }
}
