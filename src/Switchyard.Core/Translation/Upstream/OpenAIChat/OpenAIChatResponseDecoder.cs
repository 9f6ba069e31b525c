using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIChat;

/// <summary>A <c>chat.completion</c> body → <see cref="IrResponse"/> (the first choice).</summary>
internal static class OpenAIChatResponseDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> body, out IrResponse? response, out IrError? error)
    {
        response = null;
        error = null;
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            error = Malformed("it is not JSON (" + ex.Message + ")");
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
            {
                // Some servers answer 200 with an error object; it is still an error.
                error = OpenAIChatErrorCodec.FromObject(err, 502);
                return false;
            }

            if (!OpenAIChatJson.TryGet(root, "choices", out var choices) || choices.ValueKind != JsonValueKind.Array
                || choices.GetArrayLength() == 0 || !OpenAIChatJson.TryGet(choices[0], "message", out var message)
                || message.ValueKind != JsonValueKind.Object)
            {
                error = Malformed("it has no choices[0].message");
                return false;
            }

            var choice = choices[0];
            response = new IrResponse
            {
                Id = OpenAIChatJson.String(root, "id"),
                Model = OpenAIChatJson.String(root, "model"),
                Usage = OpenAIChatJson.TryGet(root, "usage", out var usage) ? OpenAIChatUsage.Read(usage) : null,
            };
            if (OpenAIChatJson.String(choice, "finish_reason") is { } finish)
            {
                response.FinishReason = OpenAIChatFinishReasons.FromWire(finish);
            }

            ReadMessage(message, response);
            return true;
        }
    }

    private static IrError Malformed(string why) => new(502, "upstream_error", "the upstream's answer is not a chat completion: " + why);

    private static void ReadMessage(JsonElement message, IrResponse response)
    {
        var content = response.Content;
        // DeepSeek, xAI, vLLM, Zhipu: reasoning_content; Ollama, Groq, OpenRouter: reasoning.
        if ((OpenAIChatJson.String(message, "reasoning_content") ?? OpenAIChatJson.String(message, "reasoning")) is { Length: > 0 } reasoning)
        {
            content.Add(new IrThinkingPart(reasoning));
        }

        if (OpenAIChatJson.TryGet(message, "content", out var body))
        {
            if (body.ValueKind == JsonValueKind.String)
            {
                if (body.GetString() is { Length: > 0 } text)
                {
                    content.Add(new IrTextPart(text));
                }
            }
            else if (body.ValueKind == JsonValueKind.Array)
            {
                ReadContentParts(body, content);
            }
        }

        if (OpenAIChatJson.String(message, "refusal") is { Length: > 0 } refusal)
        {
            content.Add(new IrTextPart(refusal));
        }

        if (OpenAIChatJson.TryGet(message, "tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var function = OpenAIChatJson.TryGet(call, "function", out var f) ? f : default;
                var id = OpenAIChatJson.String(call, "id") is { Length: > 0 } given ? given : OpenAIChatJson.SyntheticToolCallId(response.Id, position);
                // A call without arguments still needs a JSON object for clients that parse them (Anthropic's input).
                var args = Arguments(function);
                content.Add(new IrToolCallPart(id, OpenAIChatJson.String(function, "name") ?? "", args.Length == 0 ? "{}" : args));
                position++;
            }
        }
    }

    /// <summary>Mistral's magistral models answer with content parts: <c>thinking</c> (itself text parts) and <c>text</c>.</summary>
    internal static void ReadContentParts(JsonElement parts, List<IrPart> content)
    {
        foreach (var part in parts.EnumerateArray())
        {
            switch (OpenAIChatJson.String(part, "type"))
            {
                case "text" when OpenAIChatJson.String(part, "text") is { Length: > 0 } text:
                    content.Add(new IrTextPart(text));
                    break;
                case "thinking" when OpenAIChatJson.TryGet(part, "thinking", out var thinking):
                    var joined = ThinkingText(thinking);
                    if (joined.Length > 0)
                    {
                        content.Add(new IrThinkingPart(joined));
                    }

                    break;
            }
        }
    }

    internal static string ThinkingText(JsonElement thinking)
    {
        if (thinking.ValueKind == JsonValueKind.String)
        {
            return thinking.GetString()!;
        }

        var text = "";
        if (thinking.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in thinking.EnumerateArray())
            {
                text += OpenAIChatJson.String(item, "text");
            }
        }

        return text;
    }

    /// <summary>A JSON string on the wire; some servers (older Ollama) send the object itself.</summary>
    internal static string Arguments(JsonElement function)
        => !OpenAIChatJson.TryGet(function, "arguments", out var args) ? ""
            : args.ValueKind == JsonValueKind.String ? args.GetString()!
            : args.GetRawText();
}
