using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Routing.Preference;

/// <summary>
/// Builds the OpenAI chat-completions body sent to the router model (any OpenAI-compatible server: Ollama, vLLM…).
/// Key order and number formatting are fixed, so the same inputs always give the same bytes.
/// </summary>
public static class RouterRequestBuilder
{
    /// <summary>Near-greedy: the route must not vary between identical requests, and some servers reject exactly 0.</summary>
    public const double Temperature = 0.01;

    /// <summary>The answer is one short JSON object; a small cap bounds the cost of a router that rambles.</summary>
    public const int DefaultMaxTokens = 64;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The request body: <c>{"model", "messages", "temperature": 0.01, "max_tokens", "stream": false}</c>, with the
    /// messages from <paramref name="prompt"/> for <paramref name="routes"/> (in config order) and
    /// <paramref name="conversation"/> (from <see cref="RouterConversation.Build"/>).
    /// </summary>
    public static byte[] Build(
        string model, IRouterPrompt prompt, IReadOnlyList<RoutePreference> routes, IReadOnlyList<RouterTurn> conversation,
        int maxTokens = DefaultMaxTokens)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            writer.WriteStartArray("messages");
            foreach (var message in prompt.BuildMessages(routes, conversation))
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role);
                writer.WriteString("content", message.Content);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteNumber("temperature", Temperature);
            writer.WriteNumber("max_tokens", maxTokens);
            writer.WriteBoolean("stream", false);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The whole step from client messages: the conversation gets what is left of <paramref name="contextLength"/>
    /// (<c>overrides.orchestrator_model_context_length</c>) after the prompt's own text and the answer, so the complete
    /// request fits the router model's context rather than just the conversation.
    /// </summary>
    public static byte[] BuildFromMessages(
        string model, RouterPromptFormat format, IReadOnlyList<RoutePreference> routes, IReadOnlyList<IrMessage> messages,
        int contextLength = RouterConversation.DefaultTokenBudget, int maxTokens = DefaultMaxTokens)
    {
        var prompt = RouterPrompts.For(format);
        var conversation = RouterConversation.Build(messages, ConversationBudget(prompt, routes, contextLength, maxTokens));
        return Build(model, prompt, routes, conversation, maxTokens);
    }

    /// <summary>
    /// Tokens left for the conversation: <paramref name="contextLength"/> minus the prompt without a conversation
    /// and minus <paramref name="maxTokens"/>; at least 1, so the newest turn is always shown (trimmed) even when the
    /// routes alone are too long.
    /// </summary>
    public static int ConversationBudget(IRouterPrompt prompt, IReadOnlyList<RoutePreference> routes, int contextLength, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var overhead = 0;
        foreach (var message in prompt.BuildMessages(routes, []))
            overhead += RouterConversation.EstimateTokens(message.Content);
        return Math.Max(1, contextLength - overhead - maxTokens);
    }
}
