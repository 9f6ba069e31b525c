using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.BedrockConverse;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

/// <summary>Reads the recorded Bedrock traffic and runs it through the codec.</summary>
internal static class BedrockFixtureSupport
{
    public static string Directory { get; } = Path.Combine(ConfigTestSupport.SharedDirectory(), "fixtures", "raw", "bedrock");

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Directory, file));

    public static IEnumerable<object[]> StreamFiles() =>
        System.IO.Directory.GetFiles(Directory, "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(f => new object[] { f! });

    /// <summary>The frames of a recorded ConverseStream body, as the gateway's frame reader produces them.</summary>
    public static List<UpstreamFrame> Frames(byte[] body)
    {
        using var reader = new BedrockEventStreamFrameReader(new MemoryStream(body));
        var frames = new List<UpstreamFrame>();
        while (reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>vercel/ai's decoded captures: one <c>{"eventName": {...}}</c> object per line, no framing.</summary>
    public static List<UpstreamFrame> ChunkFrames(string file)
    {
        var frames = new List<UpstreamFrame>();
        foreach (var line in File.ReadAllLines(Path.Combine(Directory, file)))
        {
            if (line.Length > 0)
            {
                frames.Add(new UpstreamFrame(null, System.Text.Encoding.UTF8.GetBytes(line)));
            }
        }

        return frames;
    }

    public static (List<IrStreamEvent> Events, bool Complete) Decode(IEnumerable<UpstreamFrame> frames)
    {
        var decoder = BedrockConverseUpstreamCodec.Instance.CreateStreamDecoder();
        var events = new List<IrStreamEvent>();
        foreach (var frame in frames)
        {
            decoder.Decode(frame, events);
        }

        return (events, decoder.IsComplete);
    }

    /// <summary>The request body and URI of interaction <paramref name="index"/> of a cassette.</summary>
    public static (string Uri, JsonElement Body) CassetteRequest(string cassette, int index)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Directory, cassette)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var interaction = (YamlMappingNode)((YamlSequenceNode)root["interactions"]).Children[index];
        var request = (YamlMappingNode)interaction["request"];
        var body = ((YamlScalarNode)request["body"]).Value!;
        using var doc = JsonDocument.Parse(body);
        return (((YamlScalarNode)request["uri"]).Value!, doc.RootElement.Clone());
    }

    /// <summary>The model id in a recorded Converse URI (<c>/model/{id}/converse…</c>, percent-decoded).</summary>
    public static string ModelId(string uri)
    {
        var path = new Uri(uri).AbsolutePath;
        var segments = path.Split('/');
        return Uri.UnescapeDataString(segments[2]);
    }
}
