using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Ir;
using Switchyard.Core.Tests.Translation.OpenAIResponses;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client.AnthropicMessages;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Core.Translation.Upstream.AnthropicMessages;
using Switchyard.Core.Translation.Upstream.BedrockConverse;
using Switchyard.Core.Translation.Upstream.Gemini;
using Switchyard.Core.Translation.Upstream.OpenAIResponses;

namespace Switchyard.Core.Tests.Translation.OpenAIResponsesUpstream;

/// <summary>
/// Issue 11 item 3: OpenAI's encrypted reasoning (store: false) rides in an Anthropic thinking block's signature and
/// comes back as the same reasoning item on the next turn; other upstreams never receive it.
/// </summary>
public class ResponsesReasoningRoundTripTests
{
    private const string ReasoningJson = "vercel__openai-reasoning-encrypted-content.1.json";

    private static JsonElement RecordedReasoningItem() => ResponsesFixtures.Json(ReasoningJson).GetProperty("output")[0];

    /// <summary>The Anthropic Message a client receives for the recorded answer.</summary>
    private static JsonNode AnthropicAnswer()
    {
        Assert.True(OpenAIResponsesUpstreamCodec.Instance.TryDecodeResponse(File.ReadAllBytes(ResponsesFixtures.PathOf(ReasoningJson)), out var ir, out _));
        return JsonNode.Parse(AnthropicMessagesClientCodec.Instance.EncodeResponse(ir!, "client-model"))!;
    }

    /// <summary>The client's next turn: its first question, the answer as received (untouched), a follow-up.</summary>
    private static IrRequest NextTurn(JsonNode answer)
    {
        var body = new JsonObject
        {
            ["model"] = "m",
            ["max_tokens"] = 2048,
            ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 1024 },
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "What is (12 + 7) * 3 * 10?" },
                new JsonObject { ["role"] = "assistant", ["content"] = answer["content"]!.DeepClone() },
                new JsonObject { ["role"] = "user", ["content"] = "And divided by 5?" }),
        };
        Assert.True(AnthropicMessagesClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), out var request, out var error), error?.Message);
        return request!;
    }

    [Fact]
    public void Answer_EncryptedReasoningBecomesTheThinkingSignature()
    {
        var item = RecordedReasoningItem();
        var thinking = AnthropicAnswer()["content"]![0]!;
        Assert.Equal("thinking", (string?)thinking["type"]);
        Assert.Equal(item.GetProperty("summary")[0].GetProperty("text").GetString(), (string?)thinking["thinking"]);
        Assert.Equal(ResponsesReasoningSignature.Prefix + item.GetProperty("id").GetString() + ":" + item.GetProperty("encrypted_content").GetString(), (string?)thinking["signature"]);
    }

    [Fact]
    public void NextTurn_ToResponses_SendsTheSameReasoningItemBack()
    {
        var item = RecordedReasoningItem();
        var body = JsonNode.Parse(OpenAIResponsesUpstreamCodec.Instance.EncodeRequest(NextTurn(AnthropicAnswer()), "gpt-5.1-codex-max"))!;
        var input = body["input"]!.AsArray();

        var reasoning = input[1]!;
        Assert.Equal("reasoning", (string?)reasoning["type"]);
        Assert.Equal(item.GetProperty("id").GetString(), (string?)reasoning["id"]);
        Assert.Equal(item.GetProperty("encrypted_content").GetString(), (string?)reasoning["encrypted_content"]);
        Assert.Equal(item.GetProperty("summary")[0].GetProperty("text").GetString(), (string?)reasoning["summary"]![0]!["text"]);
        Assert.Equal("assistant", (string?)input[2]!["role"]); // the answer text follows its reasoning, as produced
        Assert.Equal("And divided by 5?", (string?)input[3]!["content"]);
        Assert.False((bool)body["store"]!);
        Assert.Equal("reasoning.encrypted_content", (string?)body["include"]![0]);
    }

    [Fact]
    public void NextTurn_ToAnotherProvider_DropsReasoningItCannotVerify()
    {
        var request = NextTurn(AnthropicAnswer());
        var encrypted = RecordedReasoningItem().GetProperty("encrypted_content").GetString()!;
        foreach (IUpstreamCodec codec in new IUpstreamCodec[] { AnthropicMessagesUpstreamCodec.Instance, GeminiUpstreamCodec.Instance, BedrockConverseUpstreamCodec.Instance })
        {
            var body = Encoding.UTF8.GetString(codec.EncodeRequest(request, "other-model"));
            Assert.DoesNotContain(encrypted[..40], body, StringComparison.Ordinal);
            Assert.DoesNotContain(ResponsesReasoningSignature.Prefix, body, StringComparison.Ordinal);
            Assert.Contains("divided by 5", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_EncryptedReasoningWithoutSummary_ReachesAnthropicClientAsASignedThinkingBlock()
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync("pydai__test_openai_responses_streaming_usage.0.sse"))[0];
        var done = frames.Select(f => JsonDocument.Parse(f.Data).RootElement)
            .First(e => e.GetProperty("type").GetString() == "response.output_item.done" && e.GetProperty("item").GetProperty("type").GetString() == "reasoning")
            .GetProperty("item");
        var acc = ResponsesUpstreamFixtures.Anthropic(ResponsesUpstreamFixtures.Decode(frames, out _));

        var thinking = Assert.Single(acc.Blocks, b => b.Type == "thinking");
        Assert.Equal("", thinking.Thinking.ToString());
        Assert.Equal(ResponsesReasoningSignature.Prefix + done.GetProperty("id").GetString() + ":" + done.GetProperty("encrypted_content").GetString(), thinking.Signature.ToString());
        Assert.Empty(acc.Problems);
    }

    [Fact]
    public async Task Stream_SummaryAndEncryptedReasoning_SignatureFollowsTheSummary()
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync("vercel__openai-reasoning-encrypted-content.1.chunks.txt"))[0];
        var events = ResponsesUpstreamFixtures.Decode(frames, out _);
        var signature = Assert.Single(events.OfType<IrThinkingSignature>());
        var lastDelta = events.FindLastIndex(e => e is IrThinkingDelta);
        Assert.True(events.IndexOf(signature) > lastDelta);
        Assert.True(ResponsesReasoningSignature.TryUnwrap(signature.Signature, out var id, out _));
        Assert.StartsWith("rs_", id, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatClient_ReasoningSignatureField_RoundTripsTheReasoningItem()
    {
        var item = RecordedReasoningItem();
        Assert.True(OpenAIResponsesUpstreamCodec.Instance.TryDecodeResponse(File.ReadAllBytes(ResponsesFixtures.PathOf(ReasoningJson)), out var ir, out _));
        var completion = JsonNode.Parse(OpenAIChatClientCodec.Instance.EncodeResponse(ir!, "client-model"))!;
        var message = completion["choices"]![0]!["message"]!;
        Assert.Equal(ResponsesReasoningSignature.Prefix + item.GetProperty("id").GetString() + ":" + item.GetProperty("encrypted_content").GetString(), (string?)message["reasoning_signature"]);

        var next = new JsonObject
        {
            ["model"] = "m",
            ["reasoning_effort"] = "high",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "What is (12 + 7) * 3 * 10?" },
                message.DeepClone(),
                new JsonObject { ["role"] = "user", ["content"] = "And divided by 5?" }),
        };
        Assert.True(OpenAIChatClientCodec.Instance.TryDecodeRequest(Encoding.UTF8.GetBytes(next.ToJsonString()), out var request, out var error), error?.Message);
        var body = JsonNode.Parse(OpenAIResponsesUpstreamCodec.Instance.EncodeRequest(request!, "gpt-5.1-codex-max"))!;
        var reasoning = body["input"]![1]!;
        Assert.Equal("reasoning", (string?)reasoning["type"]);
        Assert.Equal(item.GetProperty("encrypted_content").GetString(), (string?)reasoning["encrypted_content"]);
        Assert.Equal(item.GetProperty("id").GetString(), (string?)reasoning["id"]);
    }

    [Fact]
    public async Task ChatClientStream_ReasoningSignatureArrivesAsADelta()
    {
        var frames = (await ResponsesUpstreamFixtures.StreamsAsync("vercel__openai-reasoning-encrypted-content.1.chunks.txt"))[0];
        var done = frames.Select(f => JsonDocument.Parse(f.Data).RootElement)
            .First(e => e.GetProperty("type").GetString() == "response.output_item.done" && e.GetProperty("item").GetProperty("type").GetString() == "reasoning")
            .GetProperty("item");
        var chunks = OpenAIChat.ClientStream.Chunks(ResponsesUpstreamFixtures.Chat(ResponsesUpstreamFixtures.Decode(frames, out _)));
        var signature = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("reasoning_signature", out _))
            .Select(d => d.GetProperty("reasoning_signature").GetString()));
        Assert.Equal(ResponsesReasoningSignature.Prefix + done.GetProperty("id").GetString() + ":" + done.GetProperty("encrypted_content").GetString(), signature);
    }

    [Fact]
    public void ChatClient_OtherVendorsSignatures_AreNotExposed()
    {
        var ir = new IrResponse { FinishReason = IrFinishReason.Stop };
        ir.Content.Add(new IrThinkingPart("hm") { Signature = "EqQBCkgIARABGAIiQL" });
        ir.Content.Add(new IrTextPart("ok"));
        var message = JsonNode.Parse(OpenAIChatClientCodec.Instance.EncodeResponse(ir, "m"))!["choices"]![0]!["message"]!;
        Assert.Null(message["reasoning_signature"]);
    }
}
