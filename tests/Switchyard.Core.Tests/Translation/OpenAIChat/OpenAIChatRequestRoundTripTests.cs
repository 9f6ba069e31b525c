using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.OpenAIChat;

namespace Switchyard.Core.Tests.Translation.OpenAIChat;

/// <summary>
/// Recorded client requests (the cassettes hold the request bodies) decoded by the client codec and encoded again by
/// the upstream codec must mean the same, modulo the documented normalisations.
/// </summary>
public class OpenAIChatRequestRoundTripTests
{
    public static TheoryData<string, int> Requests()
    {
        var data = new TheoryData<string, int>();
        foreach (var cassette in new[]
        {
            "openai/envoy__chat-bad-request.yaml", "openai/envoy__chat-basic.yaml", "openai/envoy__chat-json-mode.yaml",
            "openai/envoy__chat-parallel-tools.yaml", "openai/envoy__chat-reasoning.yaml",
            "openai/envoy__chat-streaming-detailed-usage.yaml", "openai/envoy__chat-streaming.yaml",
            "openai/envoy__chat-tools.yaml", "openai/envoy__chat-unknown-model.yaml",
            "openai/llm__test_tool_use_basic.yaml", "openai/llm__test_tool_use_chain_of_two_calls.yaml",
            "openai/pydai__test_complex_agent_run.yaml", "openai/pydai__test_run_stream_sync_streams_real_model.yaml",
            "mistral/pydai__test_mistral_forwards_penalties.yaml", "mistral/pydai__test_mistral_model_thinking_part_iter.yaml",
            "groq/pydai__test_groq_native_output.yaml", "groq/pydai__test_tool_regular_error.yaml",
            "groq/pydai__test_tool_use_failed_error_streaming.yaml",
            "zhipu/pydai__test_zai_model_simple.yaml", "zhipu/pydai__test_zai_thinking_stream.yaml",
            "moonshot/llm__test_tools_streaming_variant_a.yaml",
            "ollama/pydai__test_ollama_cloud_tool_output.yaml", "ollama/pydai__test_ollama_local_native_output_uses_json_schema.yaml",
            "azure/envoy__azure-chat-basic.yaml", "azure/pydai__test_azure_provider_call.yaml",
            "gemini-openai-compat/pydai__test_compatible_api_with_tool_calls_without_id.yaml",
        })
        {
            for (var i = 0; i < OpenAIChatFixtures.CassetteRequests(cassette).Count; i++)
            {
                data.Add(cassette, i);
            }
        }

        return data;
    }

    /// <summary>Top-level members the IR carries.</summary>
    private static readonly HashSet<string> Carried =
    [
        "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "max_tokens", "max_completion_tokens",
        "temperature", "top_p", "stop", "response_format", "reasoning_effort", "stream", "stream_options", "user",
    ];

    /// <summary>Members documented as not crossing (sampling extras, vendor switches); n is refused unless 1.</summary>
    private static readonly HashSet<string> DocumentedDrops = ["frequency_penalty", "presence_penalty", "n", "seed", "thinking"];

    [Theory]
    [MemberData(nameof(Requests))]
    public void DecodeThenEncode_RecordedRequest_SameMeaning(string cassette, int interaction)
    {
        var original = OpenAIChatFixtures.CassetteRequests(cassette)[interaction];
        Assert.True(OpenAIChatClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(original), out var request, out var error), error?.Message);
        var model = JsonNode.Parse(original)!["model"]!.GetValue<string>();
        Assert.Equal(model, request!.Model);

        var encoded = JsonNode.Parse(OpenAIChatUpstreamCodec.Instance.EncodeRequest(request, model))!.AsObject();
        var expected = Expected(JsonNode.Parse(original)!.AsObject());
        Canonical(encoded);
        Assert.True(JsonNode.DeepEquals(expected, encoded), $"expected\n{expected.ToJsonString()}\ngot\n{encoded.ToJsonString()}");
    }

    [Fact]
    public void TryDecodeRequest_RecordedEmptyMessages_RefusedLikeOpenAI()
    {
        var body = OpenAIChatFixtures.CassetteRequests("openai/envoy__chat-no-messages.yaml").Single();
        Assert.False(OpenAIChatClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.Equal(400, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
    }

    /// <summary>The original with the documented normalisations applied (docs/translation.md).</summary>
    private static JsonObject Expected(JsonObject o)
    {
        foreach (var (key, _) in o.ToList())
        {
            Assert.True(Carried.Contains(key) || DocumentedDrops.Contains(key), $"'{key}' is neither carried nor a documented drop");
            if (DocumentedDrops.Contains(key))
            {
                o.Remove(key);
            }
        }

        // The limit is sent as max_tokens, the name every compatible server accepts.
        if (o["max_completion_tokens"] is { } max)
        {
            o.Remove("max_completion_tokens");
            o["max_tokens"] = max.DeepClone();
        }

        // Usage is always asked for when streaming; a non-streamed request says nothing about streaming.
        if (o["stream"]?.GetValue<bool>() == true)
        {
            o["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        else
        {
            o.Remove("stream");
            o.Remove("stream_options");
        }

        // The IR's response format has no description (no other protocol has a place for one).
        (o["response_format"]?["json_schema"] as JsonObject)?.Remove("description");

        if (o["stop"] is JsonValue stop)
        {
            o["stop"] = new JsonArray(stop.DeepClone());
        }

        // System and developer messages become one leading system message, joined by blank lines.
        var messages = o["messages"]!.AsArray();
        var instructions = messages.Where(m => m!["role"]!.GetValue<string>() is "system" or "developer").ToList();
        var rest = messages.Except(instructions).Select(m => m!.DeepClone()).ToList();
        var rebuilt = new JsonArray();
        if (instructions.Count > 0)
        {
            rebuilt.Add(new JsonObject
            {
                ["role"] = "system",
                ["content"] = string.Join("\n\n", instructions.Select(m => Flatten(m!["content"]!))),
            });
        }

        foreach (var m in rest)
        {
            // Reasoning sent back in assistant history is not forwarded (chat upstreams take none).
            m!.AsObject().Remove("reasoning");
            m.AsObject().Remove("reasoning_content");
            // A turn without content (the recorded bad request has one) is sent with empty content.
            if (m["content"] is null && m["tool_calls"] is null)
            {
                m["content"] = "";
            }

            rebuilt.Add(m);
        }

        o["messages"] = rebuilt;
        Canonical(o);
        return o;
    }

    private static string Flatten(JsonNode content)
        => content is JsonValue v ? v.GetValue<string>() : string.Concat(content.AsArray().Select(p => p!["text"]!.GetValue<string>()));

    /// <summary>Null members are absent; one text part is the same as a string.</summary>
    private static void Canonical(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is null)
                    {
                        obj.Remove(key);
                    }
                    else if (key == "content" && value is JsonArray { Count: 1 } parts && parts[0]?["type"]?.GetValue<string>() == "text")
                    {
                        obj[key] = parts[0]!["text"]!.GetValue<string>();
                    }
                    else
                    {
                        Canonical(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Canonical(item);
                }

                break;
        }
    }
}
