using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.State;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client.OpenAIResponses;

namespace Switchyard.Core.Tests.Translation.OpenAIResponses;

internal static class ResponsesTestSupport
{
    public sealed class FakeTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public static OpenAIResponsesClientCodec NewCodec(out InMemoryResponseStateStore store)
    {
        store = new InMemoryResponseStateStore();
        return new OpenAIResponsesClientCodec(store, new FakeTime(DateTimeOffset.FromUnixTimeSeconds(1_778_037_177)));
    }

    public static IrRequest Decode(OpenAIResponsesClientCodec codec, string json)
    {
        Assert.True(codec.TryDecodeRequest(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request!;
    }

    /// <summary>Runs IR events through a stream encoder (then Complete) and parses what it wrote.</summary>
    public static List<(string? Name, JsonElement Data)> Run(IClientStreamEncoder encoder, IEnumerable<IrStreamEvent> events, bool complete = true)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var ev in events)
        {
            encoder.Encode(ev, output);
        }

        if (complete)
        {
            encoder.Complete(output);
        }

        return ResponsesFixtures.SseEvents(output.WrittenSpan);
    }

    public static JsonElement Parse(byte[] body) => JsonDocument.Parse(body).RootElement.Clone();

    /// <summary>The JSON text of <paramref name="element"/> without any <c>id</c> member (ids are random per response).</summary>
    public static string WithoutIds(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, element);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Write(Utf8JsonWriter w, JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    w.WriteStartObject();
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Name != "id")
                        {
                            w.WritePropertyName(p.Name);
                            Write(w, p.Value);
                        }
                    }

                    w.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    w.WriteStartArray();
                    foreach (var i in e.EnumerateArray())
                    {
                        Write(w, i);
                    }

                    w.WriteEndArray();
                    break;
                default:
                    e.WriteTo(w);
                    break;
            }
        }
    }
}
