using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// Rewrites the top-level <c>model</c> of a JSON body by splicing bytes: everything else — unknown fields,
/// whitespace, key order, number formatting — goes upstream exactly as the client sent it. The source buffer is
/// never mutated, so a retry or failover can patch it again for another candidate.
/// </summary>
public static class JsonBodyPatcher
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>
    /// Returns the body with <c>model</c> set to <paramref name="modelId"/>: the original memory when it already
    /// says so, otherwise a new array (member inserted first when the client sent none).
    /// </summary>
    public static ReadOnlyMemory<byte> WithModel(ReadOnlyMemory<byte> body, in RequestEnvelope envelope, string modelId)
    {
        if (envelope.Model is not null && envelope.Model == modelId)
        {
            return body;
        }

        var encoded = JsonEncodedText.Encode(modelId, Encoder).EncodedUtf8Bytes;
        var span = body.Span;
        if (envelope.HasModel)
        {
            var result = new byte[span.Length - envelope.ModelLength + encoded.Length + 2];
            var end = envelope.ModelStart + envelope.ModelLength;
            span[..envelope.ModelStart].CopyTo(result);
            var pos = envelope.ModelStart;
            result[pos++] = (byte)'"';
            encoded.CopyTo(result.AsSpan(pos));
            pos += encoded.Length;
            result[pos++] = (byte)'"';
            span[end..].CopyTo(result.AsSpan(pos));
            return result;
        }

        // No model member: insert `"model":"id"` right after the opening brace, with a comma unless the object is empty.
        var open = envelope.ObjectStart + 1;
        var restIsEmpty = span[open..].TrimStart(" \t\r\n"u8).StartsWith("}"u8);
        var insert = 10 + encoded.Length + (restIsEmpty ? 0 : 1); // "model":"<id>" = 8 + 2 quotes
        var output = new byte[span.Length + insert];
        span[..open].CopyTo(output);
        var p = open;
        "\"model\":\""u8.CopyTo(output.AsSpan(p));
        p += 9;
        encoded.CopyTo(output.AsSpan(p));
        p += encoded.Length;
        output[p++] = (byte)'"';
        if (!restIsEmpty)
        {
            output[p++] = (byte)',';
        }

        span[open..].CopyTo(output.AsSpan(p));
        return output;
    }

    /// <summary>
    /// Adds <c>"stream_options":{"include_usage":true}</c> as the first member (the caller checked the body has no
    /// <c>stream_options</c>), so a pass-through stream reports usage even when the client did not ask for it.
    /// </summary>
    public static ReadOnlyMemory<byte> WithIncludeUsage(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        var open = span.IndexOf((byte)'{') + 1;
        var member = "\"stream_options\":{\"include_usage\":true}"u8;
        var restIsEmpty = span[open..].TrimStart(" \t\r\n"u8).StartsWith("}"u8);
        var output = new byte[span.Length + member.Length + (restIsEmpty ? 0 : 1)];
        span[..open].CopyTo(output);
        member.CopyTo(output.AsSpan(open));
        var p = open + member.Length;
        if (!restIsEmpty)
        {
            output[p++] = (byte)',';
        }

        span[open..].CopyTo(output.AsSpan(p));
        return output;
    }

    /// <summary>
    /// Returns the body without the member spanning <c>[start, end)</c> (name through value) and one adjacent comma,
    /// leaving every other byte as sent.
    /// </summary>
    public static byte[] WithoutMember(ReadOnlySpan<byte> body, int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        var cutStart = start;
        var cutEnd = end;
        var after = end;
        while (after < body.Length && IsSpace(body[after]))
        {
            after++;
        }

        if (after < body.Length && body[after] == (byte)',')
        {
            cutEnd = after + 1; // a following member: drop our trailing comma
        }
        else
        {
            var before = start - 1;
            while (before >= 0 && IsSpace(body[before]))
            {
                before--;
            }

            if (before >= 0 && body[before] == (byte)',')
            {
                cutStart = before; // the last member: drop the comma before it
            }
        }

        var output = new byte[body.Length - (cutEnd - cutStart)];
        body[..cutStart].CopyTo(output);
        body[cutEnd..].CopyTo(output.AsSpan(cutStart));
        return output;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
