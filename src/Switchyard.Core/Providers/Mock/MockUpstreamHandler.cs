using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Providers.Mock;

/// <summary>
/// In-process OpenAI-chat "upstream" behind the <c>mock</c> provider. Deterministic: it echoes the last user
/// message, streams it word by word, and reports usage. Request headers (forwarded from the client) script it:
/// <list type="bullet">
/// <item><c>x-mock-latency-ms</c>: delay before the response starts.</item>
/// <item><c>x-mock-status</c>: answer with this HTTP status and an OpenAI error body (e.g. 429, 503).</item>
/// <item><c>x-mock-chunk-delay-ms</c>: gap between streamed chunks.</item>
/// <item><c>x-mock-cut-after</c>: break the stream (connection error) after this many chunks.</item>
/// <item><c>x-mock-throw: 1</c>: throw an unexpected exception (not an HTTP failure) instead of answering, so the
/// gateway's last-resort error handling can be tried end to end.</item>
/// <item><c>x-mock-throw-after</c>: in a stream, throw an unexpected exception after this many chunks (after the
/// gateway has started answering).</item>
/// </list>
/// </summary>
internal sealed class MockUpstreamHandler : HttpMessageHandler
{
    public const string LatencyHeader = "x-mock-latency-ms";
    public const string StatusHeader = "x-mock-status";
    public const string ChunkDelayHeader = "x-mock-chunk-delay-ms";
    public const string CutAfterHeader = "x-mock-cut-after";
    public const string ThrowHeader = "x-mock-throw";
    public const string ThrowAfterHeader = "x-mock-throw-after";

    private const string Fallback = "Hello from Switchyard's mock provider.";

    public static MockUpstreamHandler Instance { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var latency = IntHeader(request, LatencyHeader);
        if (latency > 0)
        {
            await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        }

        if (IntHeader(request, ThrowHeader) == 1)
        {
            // Deliberately not an HttpRequestException: dispatch treats those as upstream failures; this is a bug stand-in.
            throw new InvalidOperationException($"mock failure requested with {ThrowHeader}");
        }

        var status = IntHeader(request, StatusHeader);
        if (status >= 400)
        {
            var error = new ByteArrayContent(OpenAIError.ToBytes($"mock failure requested with {StatusHeader}: {status}", "mock_error", status.ToString(CultureInfo.InvariantCulture)));
            error.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage((HttpStatusCode)status) { Content = error, RequestMessage = request };
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var (model, text, promptTokens, stream, includeUsage) = ReadRequest(body);
        var id = "chatcmpl-mock-" + Convert.ToHexString(BitConverter.GetBytes(text.GetHashCode(StringComparison.Ordinal))).ToLowerInvariant();
        var completionTokens = CountTokens(text);

        HttpContent content;
        if (stream)
        {
            var chunks = BuildChunks(id, model, text, promptTokens, completionTokens, includeUsage);
            content = new MockSseContent(chunks, IntHeader(request, ChunkDelayHeader), request.Headers.Contains(CutAfterHeader) ? IntHeader(request, CutAfterHeader) : -1,
                request.Headers.Contains(ThrowAfterHeader) ? IntHeader(request, ThrowAfterHeader) : -1);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        }
        else
        {
            content = new ByteArrayContent(BuildCompletion(id, model, text, promptTokens, completionTokens));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }

    private static int IntHeader(HttpRequestMessage request, string name)
        => request.Headers.TryGetValues(name, out var values)
           && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    // Rough, deterministic token estimate (≈4 characters a token), good enough for a mock's usage block.
    private static int CountTokens(string text) => Math.Max(1, (text.Length + 3) / 4);

    private static (string Model, string Text, int PromptTokens, bool Stream, bool IncludeUsage) ReadRequest(byte[] body)
    {
        var model = "echo";
        var text = Fallback;
        var promptChars = 0;
        var stream = false;
        var includeUsage = false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String)
            {
                model = m.GetString()!;
            }

            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    var content = MessageText(message);
                    promptChars += content.Length;
                    if (message.TryGetProperty("role", out var role) && role.ValueEquals("user"u8) && content.Length > 0)
                    {
                        text = content;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // The gateway validated the body already; a mock keeps answering regardless.
        }

        return (model, text, Math.Max(1, (promptChars + 3) / 4), stream, includeUsage);
    }

    private static string MessageText(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var sb = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                sb.Append(t.GetString());
            }
        }

        return sb.ToString();
    }

    private static byte[] BuildCompletion(string id, string model, string text, int promptTokens, int completionTokens)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", 1_700_000_000);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", text);
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
            w.WriteEndArray();
            WriteUsage(w, promptTokens, completionTokens);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteUsage(Utf8JsonWriter w, int promptTokens, int completionTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("completion_tokens", completionTokens);
        w.WriteNumber("total_tokens", promptTokens + completionTokens);
        w.WriteEndObject();
    }

    private static List<byte[]> BuildChunks(string id, string model, string text, int promptTokens, int completionTokens, bool includeUsage)
    {
        var chunks = new List<byte[]> { Chunk(id, model, w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); }, null, includeUsage) };
        foreach (var piece in SplitWords(text))
        {
            chunks.Add(Chunk(id, model, w => w.WriteString("content", piece), null, includeUsage));
        }

        chunks.Add(Chunk(id, model, _ => { }, "stop", includeUsage));
        if (includeUsage)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            buffer.Write("data: "u8);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                WriteChunkHeader(w, id, model);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteUsage(w, promptTokens, completionTokens);
                w.WriteEndObject();
            }

            buffer.Write("\n\n"u8);
            chunks.Add(buffer.WrittenSpan.ToArray());
        }

        chunks.Add("data: [DONE]\n\n"u8.ToArray());
        return chunks;
    }

    private static void WriteChunkHeader(Utf8JsonWriter w, string id, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", 1_700_000_000);
        w.WriteString("model", model);
    }

    private static byte[] Chunk(string id, string model, Action<Utf8JsonWriter> delta, string? finish, bool includeUsage)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteChunkHeader(w, id, model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
            if (finish is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finish);
            }

            w.WriteEndObject();
            w.WriteEndArray();
            if (includeUsage)
            {
                w.WriteNull("usage");
            }

            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    // Words with their trailing whitespace, so the concatenated deltas equal the text exactly.
    private static IEnumerable<string> SplitWords(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (i + 1 == text.Length || !char.IsWhiteSpace(text[i + 1])))
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
