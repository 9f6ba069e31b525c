using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Tests.Translation.Gemini;

/// <summary>Request bodies recorded in the vcrpy cassettes (llm-gemini: JSON text in <c>body</c>; pydantic-ai: a YAML tree in <c>parsed_body</c>).</summary>
internal static class GeminiCassettes
{
    public static JsonElement RequestBody(string cassette, int interaction)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(GeminiFixtures.Path(cassette))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var request = (YamlMappingNode)((YamlSequenceNode)root["interactions"])[interaction]["request"];
        if (request.Children.TryGetValue(new YamlScalarNode("parsed_body"), out var parsed))
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(parsed, writer);
            }

            using var doc = JsonDocument.Parse(buffer.WrittenMemory);
            return doc.RootElement.Clone();
        }

        using var body = JsonDocument.Parse(((YamlScalarNode)request["body"]).Value!);
        return body.RootElement.Clone();
    }

    private static void Write(YamlNode node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(value, writer);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Children)
                {
                    Write(item, writer);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style != ScalarStyle.Plain)
                {
                    writer.WriteStringValue(text);
                }
                else if (text is "true" or "false")
                {
                    writer.WriteBooleanValue(text == "true");
                }
                else if (text is "null" or "~")
                {
                    writer.WriteNullValue();
                }
                else if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    writer.WriteNumberValue(number);
                }
                else
                {
                    writer.WriteStringValue(text);
                }

                break;
        }
    }

    /// <summary>
    /// The recorded <c>contents</c> in this codec's conventions, so it can be compared with what the encoder writes:
    /// snake_case part names (<c>function_call</c>) in camelCase, and a functionResponse's single result member
    /// (pydantic-ai's <c>return_value</c>) under the <c>output</c> key that Google documents and this codec uses.
    /// </summary>
    public static JsonNode NormalizedContents(JsonElement body)
    {
        var contents = JsonNode.Parse(body.GetProperty("contents").GetRawText())!;
        foreach (var turn in contents.AsArray())
        {
            foreach (var part in turn!["parts"]!.AsArray())
            {
                var obj = part!.AsObject();
                Rename(obj, "function_call", "functionCall");
                Rename(obj, "function_response", "functionResponse");
                Rename(obj, "thought_signature", "thoughtSignature");
                if (obj["functionResponse"]?["response"] is JsonObject response && response.Count == 1 && !response.ContainsKey("output") && !response.ContainsKey("error"))
                {
                    var value = response.First().Value;
                    response.Clear();
                    response["output"] = value?.DeepClone();
                }
            }
        }

        return contents;
    }

    private static void Rename(JsonObject obj, string from, string to)
    {
        if (obj[from] is { } value)
        {
            obj.Remove(from);
            obj[to] = value;
        }
    }
}
