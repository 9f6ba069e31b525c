using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Switchyard.Protocols.Json;

namespace Switchyard.Protocols.OpenAIChat;

/// <summary>
/// What the gateway needs from a JSON request body without deserialising it: the top-level <c>model</c> (value and
/// byte range, so it can be replaced in place) and <c>stream</c>. Works for OpenAI chat, Responses and Anthropic
/// bodies alike, which share these two members.
/// </summary>
public readonly record struct RequestEnvelope(string? Model, int ModelStart, int ModelLength, bool Stream, int ObjectStart)
{
    /// <summary>OpenAI chat: <c>stream_options.include_usage</c> was true (the client wants a usage chunk).</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>The body has a top-level <c>stream_options</c> member (so the gateway must not add one).</summary>
    public bool HasStreamOptions { get; init; }

    /// <summary>
    /// Byte offset of the top-level <c>routing_preferences</c> member (its name's opening quote), or -1. The member is
    /// gateway-only: the Route stage reads it and removes it before the body goes upstream.
    /// </summary>
    public int RoutingPreferencesStart { get; init; } = -1;

    /// <summary>Byte offset of the <c>routing_preferences</c> member's value.</summary>
    public int RoutingPreferencesValueStart { get; init; } = -1;

    /// <summary>Byte offset just past the <c>routing_preferences</c> member's value (exclusive).</summary>
    public int RoutingPreferencesEnd { get; init; } = -1;

    /// <summary>True when the body carries inline <c>routing_preferences</c>.</summary>
    public bool HasRoutingPreferences => RoutingPreferencesStart >= 0;

    /// <summary>True when the body has a top-level <c>model</c> member (possibly <c>null</c>).</summary>
    public bool HasModel => ModelStart >= 0;

    /// <summary>
    /// Scans <paramref name="body"/>. Returns false with a message when it is not a JSON object or is malformed
    /// (the whole body is validated, so a truncated upload is caught here, not upstream).
    /// </summary>
    public static bool TryScan(ReadOnlySpan<byte> body, out RequestEnvelope envelope, out string? error)
        => TryScan(body, out envelope, out error, out _);

    /// <summary>Error code for a body that is not UTF-8 (clients get it with a 400 invalid_request_error).</summary>
    public const string InvalidUtf8Code = "invalid_utf8";

    /// <summary>Error code for a body that is not a well-formed JSON object.</summary>
    public const string InvalidJsonCode = "invalid_json";

    /// <summary>
    /// As <see cref="TryScan(ReadOnlySpan{byte}, out RequestEnvelope, out string?)"/>, also giving the error code:
    /// <see cref="InvalidUtf8Code"/> or <see cref="InvalidJsonCode"/>.
    /// </summary>
    public static bool TryScan(ReadOnlySpan<byte> body, out RequestEnvelope envelope, out string? error, out string? errorCode)
    {
        envelope = default;
        error = null;
        errorCode = null;

        // The JSON reader checks structure but not the bytes inside skipped strings, and every later reader (codecs,
        // the mock, upstreams) would fail on them in its own way; one vectorised pass here makes bad bytes a 400.
        if (!Utf8.IsValid(body))
        {
            error = $"the request body is not valid UTF-8 (first invalid byte at offset {FirstInvalidUtf8(body)})";
            errorCode = InvalidUtf8Code;
            return false;
        }

        // Most bodies are plain JSON a byte pass can read; anything it is not sure of goes to the JSON reader.
        if (PlainEnvelopeScanner.TryScan(body, out envelope))
        {
            return true;
        }

        return TryScanWithReader(body, out envelope, out error, out errorCode);
    }

    /// <summary>The envelope read with <see cref="Utf8JsonReader"/> (the body is known to be UTF-8): every error message comes from here.</summary>
    internal static bool TryScanWithReader(ReadOnlySpan<byte> body, out RequestEnvelope envelope, out string? error, out string? errorCode)
    {
        envelope = default;
        error = null;
        errorCode = InvalidJsonCode;
        string? model = null;
        int modelStart = -1, modelLength = 0, objectStart = -1;
        var stream = false;
        var includeUsage = false;
        var hasStreamOptions = false;
        int prefsStart = -1, prefsValue = -1, prefsEnd = -1;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the request body must be a JSON object";
                return false;
            }

            objectStart = (int)reader.TokenStartIndex;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (!TryGetString(ref reader, out model, out error))
                        {
                            return false;
                        }

                        modelStart = (int)reader.TokenStartIndex;
                        modelLength = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                    }
                    else if (reader.TokenType == JsonTokenType.Null)
                    {
                        // Keep the range so a patch replaces the null instead of adding a duplicate key.
                        model = null;
                        modelStart = (int)reader.TokenStartIndex;
                        modelLength = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                    }
                    else
                    {
                        error = "'model' must be a string";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                    {
                        stream = reader.TokenType == JsonTokenType.True;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error = "'stream' must be a boolean";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    hasStreamOptions = true;
                    reader.Read();
                    includeUsage = ReadIncludeUsage(ref reader);
                }
                else if (reader.ValueTextEquals("routing_preferences"u8))
                {
                    prefsStart = (int)reader.TokenStartIndex;
                    reader.Read();
                    prefsValue = (int)reader.TokenStartIndex;
                    reader.Skip();
                    prefsEnd = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anything after the closing brace other than whitespace is malformed.
            if (reader.Read())
            {
                error = "unexpected data after the JSON object";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = "the request body is not valid JSON: " + ex.Message;
            return false;
        }

        // The reader checks an escape's form, not that a \uD800-\uDFFF escape is half of a pair; every decoder after
        // it (codecs, the mock) throws on half a pair when it reads the string. A string must encode whole characters.
        var unpaired = FirstUnpairedSurrogateEscape(body);
        if (unpaired >= 0)
        {
            error = $"the request body is not valid JSON text: an escaped unpaired surrogate ({Encoding.ASCII.GetString(body.Slice(unpaired, 6))}) at offset {unpaired}; a string must encode whole characters";
            return false;
        }

        errorCode = null;
        envelope = Of(model, modelStart, modelLength, stream, objectStart, includeUsage, hasStreamOptions, prefsStart, prefsValue, prefsEnd);
        return true;
    }

    /// <summary>An envelope from what a scan found (the reader's and the one-pass scanner's alike).</summary>
    internal static RequestEnvelope Of(string? model, int modelStart, int modelLength, bool stream, int objectStart,
        bool includeUsage, bool hasStreamOptions, int prefsStart, int prefsValue, int prefsEnd) =>
        new(model, modelStart, modelLength, stream, objectStart)
        {
            IncludeUsage = includeUsage,
            HasStreamOptions = hasStreamOptions,
            RoutingPreferencesStart = prefsStart,
            RoutingPreferencesValueStart = prefsValue,
            RoutingPreferencesEnd = prefsEnd,
        };

    /// <summary>
    /// The offset of the first <c>\u</c> escape of a surrogate that is not half of a high-low pair, or -1. For bodies
    /// the JSON reader accepted: every backslash in them starts a well-formed escape inside a string.
    /// </summary>
    internal static int FirstUnpairedSurrogateEscape(ReadOnlySpan<byte> body)
    {
        var i = body.IndexOf((byte)'\\');
        while (i >= 0 && i + 1 < body.Length)
        {
            if (body[i + 1] != (byte)'u' || i + 6 > body.Length)
            {
                i += 2;
            }
            else
            {
                var length = JsonGrammar.UnicodeEscapeLength(body, i);
                if (length < 0)
                {
                    return i;
                }

                i += length;
            }

            var next = i < body.Length ? body[i..].IndexOf((byte)'\\') : -1;
            i = next < 0 ? -1 : i + next;
        }

        return -1;
    }

    // Only on the error path: transcode in chunks until the decoder stops at the bad sequence.
    private static long FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        Span<char> scratch = stackalloc char[512];
        long offset = 0;
        while (!body.IsEmpty)
        {
            var status = Utf8.ToUtf16(body, scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall)
            {
                break;
            }

            body = body[read..];
        }

        return offset;
    }

    // The reader checks an escape's form, not what it decodes to: "\ud800" (half a surrogate pair) passes Read and
    // makes GetString throw InvalidOperationException, which is the client's fault like any other malformed body.
    private static bool TryGetString(ref Utf8JsonReader reader, out string? value, out string? error)
    {
        try
        {
            value = reader.GetString();
            error = null;
            return true;
        }
        catch (InvalidOperationException ex)
        {
            value = null;
            error = "'model' is not a valid string: " + ex.Message;
            return false;
        }
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var result = false;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                result = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return result;
    }
}
