using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Switchyard.Core.Limits;

/// <summary>Which way prompt tokens are counted for a model.</summary>
public enum TokenCounting
{
    /// <summary>Text bytes divided by <see cref="TokenEstimator.BytesPerToken"/> (every model without a known tokenizer).</summary>
    ByteRatio,
    /// <summary>OpenAI's <c>cl100k_base</c> encoding (gpt-4, gpt-3.5, text-embedding-3).</summary>
    Cl100kBase,
    /// <summary>OpenAI's <c>o200k_base</c> encoding (gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1/o3/o4, gpt-oss).</summary>
    O200kBase,
}

/// <summary>An estimate of what one request will cost in tokens.</summary>
/// <param name="PromptTokens">Input tokens counted from the body.</param>
/// <param name="MaxOutputTokens">The body's <c>max_tokens</c>, <c>max_completion_tokens</c> or <c>max_output_tokens</c>, if any.</param>
public readonly record struct TokenEstimate(int PromptTokens, int? MaxOutputTokens)
{
    /// <summary>Prompt tokens plus the output cap when one was given (what a token-per-minute limit admits on).</summary>
    public long Total => PromptTokens + (long)(MaxOutputTokens ?? 0);
}

/// <summary>
/// Estimates the prompt tokens of a request body in any client protocol (OpenAI chat, Anthropic messages, OpenAI
/// responses: all JSON) without decoding it into the IR: one <see cref="Utf8JsonReader"/> pass over the raw body
/// that counts the text a model reads — every string value except identifiers and enums (<c>model</c>,
/// <c>role</c>, <c>type</c>, ids, signatures…), plus property names inside <c>tools</c> (a tool's schema is
/// prompt text). OpenAI-family models are counted with their real tokenizer (<c>Microsoft.ML.Tokenizers</c>,
/// o200k_base or cl100k_base); every other model at <see cref="BytesPerToken"/> bytes of text per token. Images and
/// files count <see cref="AttachmentTokens"/> each (their bytes are not text), and each message
/// <see cref="MessageOverheadTokens"/> for its framing. It is an estimate for admission and pre-flight checks; the
/// upstream's reported usage is the truth.
/// </summary>
public static class TokenEstimator
{
    /// <summary>
    /// UTF-8 bytes of text per token for models without a tokenizer here. OpenAI's rule of thumb is "one token is
    /// about 4 characters of English text" (help article "What are tokens and how to count them"); Anthropic's and
    /// Google's tokenizers land near it for English (3.5–4). Non-English text has more bytes per character and more
    /// tokens per character, which roughly cancel.
    /// </summary>
    public const double BytesPerToken = 4.0;

    /// <summary>
    /// Tokens counted for an image or file part (a URL or base64 data). Image costs range from 85 (OpenAI low detail)
    /// to about 1,600 (a large image on Claude); 1,000 is in the middle of what a typical screenshot costs.
    /// </summary>
    public const int AttachmentTokens = 1_000;

    /// <summary>
    /// Characters of text counted exactly by the tokenizer per estimate; beyond them the text is extrapolated at the
    /// bytes-per-token of what was counted (a short chat turn is counted exactly). Measured on a loaded 2-core
    /// machine, o200k_base counts fresh text at ~0.4–0.5 µs per character (6 ms for a 16 KiB prompt): too much
    /// for every request, so the tokenizer's share is bounded.
    /// </summary>
    public const int DefaultExactChars = 512;

    private const int MinSampleTokens = 16;

    /// <summary>Tokens for each message's role and framing (OpenAI's cookbook counts 3–4).</summary>
    public const int MessageOverheadTokens = 4;

    private static readonly Lazy<Tokenizer?> O200k = new(() => Load("o200k_base"));
    private static readonly Lazy<Tokenizer?> Cl100k = new(() => Load("cl100k_base"));

    /// <summary>The way <paramref name="model"/>'s prompts are counted (a <c>vendor/</c> prefix is ignored).</summary>
    public static TokenCounting CountingFor(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return TokenCounting.ByteRatio;
        }

        var id = model.AsSpan(model.LastIndexOf('/') + 1);
        if (Starts(id, "gpt-4o") || Starts(id, "gpt-4.1") || Starts(id, "gpt-4.5") || Starts(id, "gpt-5") || Starts(id, "chatgpt-4o")
            || Starts(id, "gpt-oss") || Starts(id, "codex-") || Starts(id, "computer-use-")
            || (id.Length >= 2 && (id[0] is 'o' or 'O') && id[1] is '1' or '3' or '4'))
        {
            return TokenCounting.O200kBase;
        }

        return Starts(id, "gpt-4") || Starts(id, "gpt-3.5") || Starts(id, "gpt-35") || Starts(id, "text-embedding-")
            ? TokenCounting.Cl100kBase
            : TokenCounting.ByteRatio;

        static bool Starts(ReadOnlySpan<char> s, string prefix) => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Counts the tokens of <paramref name="text"/> as <paramref name="model"/> would (or by the byte ratio).</summary>
    public static int CountText(ReadOnlySpan<char> text, string? model) => CountText(text, TokenizerFor(CountingFor(model)));

    /// <summary>Estimates the prompt tokens of a JSON request body for <paramref name="model"/>.</summary>
    /// <param name="body">The client's JSON request body.</param>
    /// <param name="model">The upstream model id (decides the tokenizer, <see cref="CountingFor"/>).</param>
    /// <param name="exactChars">
    /// How many characters of text the tokenizer counts exactly; the rest is extrapolated at the bytes-per-token those
    /// characters showed. The tokenizer costs up to ~0.5 µs per character, so admission keeps the default
    /// (<see cref="DefaultExactChars"/>); pass <see cref="int.MaxValue"/> for an exact count off the hot path.
    /// </param>
    public static TokenEstimate Estimate(ReadOnlySpan<byte> body, string? model, int exactChars = DefaultExactChars)
        => Estimate(body, CountingFor(model), exactChars);

    /// <summary>Estimates the prompt tokens of a JSON request body counted the <paramref name="counting"/> way.</summary>
    public static TokenEstimate Estimate(ReadOnlySpan<byte> body, TokenCounting counting, int exactChars = DefaultExactChars)
    {
        var tokenizer = TokenizerFor(counting);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        char[]? chars = null;
        long tokens = 0;
        long byteRatioBytes = 0;   // text counted at BytesPerToken (no tokenizer, or not JSON)
        long sampleBytes = 0, sampleTokens = 0; // what the tokenizer counted exactly, for the extrapolation
        long extrapolatedBytes = 0; // text beyond exactChars, counted at the sample's bytes per token
        var exactLeft = Math.Max(exactChars, 0);
        int? maxOutput = null;
        var toolsDepth = -1; // reader depth of the "tools" value while inside it
        var skipValue = false;
        var attachment = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        skipValue = false;
                        attachment = false;
                        if (reader.CurrentDepth == 1 && MaxOutputKey(ref reader))
                        {
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n > 0)
                            {
                                maxOutput = n;
                            }
                            else
                            {
                                reader.Skip();
                            }

                            continue;
                        }

                        if (reader.CurrentDepth == 1 && reader.ValueTextEquals("tools"u8))
                        {
                            toolsDepth = 1;
                        }
                        else if (toolsDepth >= 0 && reader.CurrentDepth > toolsDepth)
                        {
                            Add(ref reader);
                        }

                        if (reader.ValueTextEquals("role"u8))
                        {
                            tokens += MessageOverheadTokens;
                        }

                        attachment = IsAttachmentKey(ref reader);
                        skipValue = !attachment && IsSkippedKey(ref reader);
                        break;
                    case JsonTokenType.String:
                        if (attachment)
                        {
                            tokens += AttachmentTokens;
                        }
                        else if (!skipValue)
                        {
                            Add(ref reader);
                        }

                        skipValue = attachment = false;
                        break;
                    case JsonTokenType.EndArray or JsonTokenType.EndObject:
                        if (reader.CurrentDepth <= toolsDepth)
                        {
                            toolsDepth = -1;
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        break;
                    default:
                        skipValue = attachment = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON (the upstream will refuse it): count its bytes, nothing better is known.
            byteRatioBytes += body.Length - reader.BytesConsumed;
        }
        finally
        {
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }

        tokens += (long)Math.Ceiling(byteRatioBytes / BytesPerToken);
        if (extrapolatedBytes > 0)
        {
            // A sample too small to say much about the text's density falls back to the general ratio.
            var ratio = sampleTokens >= MinSampleTokens ? (double)sampleBytes / sampleTokens : BytesPerToken;
            tokens += (long)Math.Ceiling(extrapolatedBytes / ratio);
        }

        return new TokenEstimate((int)Math.Min(tokens, int.MaxValue), maxOutput);

        void Add(ref Utf8JsonReader r)
        {
            var raw = r.ValueSpan;
            if (raw.Length == 0)
            {
                return;
            }

            if (tokenizer is null)
            {
                byteRatioBytes += raw.Length;
                return;
            }

            if (chars is null || chars.Length < raw.Length)
            {
                if (chars is not null)
                {
                    ArrayPool<char>.Shared.Return(chars);
                }

                chars = ArrayPool<char>.Shared.Rent(Math.Max(raw.Length, 256));
            }

            // UTF-8 never has fewer bytes than UTF-16 has chars, so the raw length bounds the text either way.
            if (exactLeft == 0)
            {
                extrapolatedBytes += raw.Length;
                return;
            }

            var written = r.ValueIsEscaped ? r.CopyString(chars) : Encoding.UTF8.GetChars(raw, chars);
            var exact = chars.AsSpan(0, Math.Min(written, exactLeft));
            exactLeft -= exact.Length;
            var counted = CountText(exact, tokenizer);
            tokens += counted;
            if (exact.Length < written)
            {
                var exactBytes = Encoding.UTF8.GetByteCount(exact);
                sampleBytes += exactBytes;
                sampleTokens += counted;
                extrapolatedBytes += Encoding.UTF8.GetByteCount(chars.AsSpan(exact.Length, written - exact.Length));
            }
            else
            {
                sampleBytes += raw.Length;
                sampleTokens += counted;
            }
        }
    }

    private static bool MaxOutputKey(ref Utf8JsonReader r)
        => r.ValueTextEquals("max_tokens"u8) || r.ValueTextEquals("max_completion_tokens"u8) || r.ValueTextEquals("max_output_tokens"u8);

    // Values that are identifiers, enums or opaque data, not text the model reads.
    private static bool IsSkippedKey(ref Utf8JsonReader r)
        => r.ValueTextEquals("model"u8) || r.ValueTextEquals("role"u8) || r.ValueTextEquals("type"u8) || r.ValueTextEquals("id"u8)
           || r.ValueTextEquals("tool_call_id"u8) || r.ValueTextEquals("call_id"u8) || r.ValueTextEquals("tool_use_id"u8)
           || r.ValueTextEquals("media_type"u8) || r.ValueTextEquals("mime_type"u8) || r.ValueTextEquals("detail"u8)
           || r.ValueTextEquals("signature"u8) || r.ValueTextEquals("encrypted_content"u8) || r.ValueTextEquals("previous_response_id"u8)
           || r.ValueTextEquals("user"u8) || r.ValueTextEquals("service_tier"u8) || r.ValueTextEquals("reasoning_effort"u8)
           || r.ValueTextEquals("status"u8) || r.ValueTextEquals("file_id"u8) || r.ValueTextEquals("cache_control"u8);

    // Values that are an image or a file (a URL or base64 data): counted as a flat AttachmentTokens.
    private static bool IsAttachmentKey(ref Utf8JsonReader r)
        => r.ValueTextEquals("url"u8) || r.ValueTextEquals("image_url"u8) || r.ValueTextEquals("data"u8)
           || r.ValueTextEquals("file_data"u8) || r.ValueTextEquals("file_url"u8);

    private static int CountText(ReadOnlySpan<char> text, Tokenizer? tokenizer)
        => tokenizer is null
            ? (int)Math.Ceiling(Encoding.UTF8.GetByteCount(text) / BytesPerToken)
            : tokenizer.CountTokens(text);

    private static Tokenizer? TokenizerFor(TokenCounting counting) => counting switch
    {
        TokenCounting.O200kBase => O200k.Value,
        TokenCounting.Cl100kBase => Cl100k.Value,
        _ => null,
    };

    // The encodings' data ships in the Microsoft.ML.Tokenizers.Data.* packages (embedded in the binary); if it cannot
    // be loaded the byte ratio stands in, which is an estimate anyway.
    private static Tokenizer? Load(string encoding)
    {
        try
        {
            return TiktokenTokenizer.CreateForEncoding(encoding);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or NotSupportedException or TypeLoadException or FileNotFoundException)
        {
            return null;
        }
    }
}
