using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

/// <summary>Runs IR events through the OpenAI chat client stream encoder and splits what a client would receive.</summary>
internal static class ClientStream
{
    public const string ClientModel = "client-model";

    public static List<string> Encode(IEnumerable<IrStreamEvent> events, bool includeUsage, bool complete = true)
    {
        var encoder = OpenAIChatClientCodec.Instance.CreateStreamEncoder(ClientModel, includeUsage);
        var output = new ArrayBufferWriter<byte>();
        foreach (var ev in events)
        {
            encoder.Encode(ev, output);
        }

        if (complete)
        {
            encoder.Complete(output);
        }

        return Split(Encoding.UTF8.GetString(output.WrittenSpan));
    }

    /// <summary>The data of each SSE event; every event must be exactly <c>data: ...\n\n</c>.</summary>
    public static List<string> Split(string sse)
    {
        Assert.EndsWith("\n\n", sse);
        var events = sse[..^2].Split("\n\n");
        foreach (var ev in events)
        {
            Assert.StartsWith("data: ", ev);
            Assert.DoesNotContain('\n', ev);
        }

        return [.. events.Select(e => e["data: ".Length..])];
    }

    public static List<JsonElement> Chunks(List<string> events)
        => [.. events.Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement.Clone())];
}
