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

    /// <summary>The JSON string literal (quotes included) for a model id, as the patcher writes it.</summary>
    public static byte[] QuotedModel(string modelId)
    {
        var encoded = JsonEncodedText.Encode(modelId, Encoder).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        return quoted;
    }

    /// <summary>
    /// The upstream body as segments over the client's buffer (nothing copied): <c>model</c> set to
    /// <paramref name="modelId"/> (its literal <paramref name="quotedModel"/>, see <see cref="QuotedModel"/>), and, when
    /// <paramref name="includeUsage"/>, <c>"stream_options":{"include_usage":true}</c> added as the first member (the
    /// caller checked the body has no <c>stream_options</c>). Everything else goes upstream exactly as sent.
    /// </summary>
    public static Providers.UpstreamBody Splice(ReadOnlyMemory<byte> body, in RequestEnvelope envelope, string modelId, ReadOnlyMemory<byte> quotedModel, bool includeUsage)
    {
        var replaceModel = envelope.HasModel && envelope.Model != modelId;
        var insertModel = !envelope.HasModel;
        if (!replaceModel && !insertModel && !includeUsage)
        {
            return Providers.UpstreamBody.Single(body);
        }

        var open = envelope.ObjectStart + 1;
        if (!insertModel && !includeUsage)
        {
            var end = envelope.ModelStart + envelope.ModelLength;
            return Providers.UpstreamBody.Of(body[..envelope.ModelStart], quotedModel, body[end..]);
        }

        // Members inserted first in the object, each followed by a comma unless the object was empty.
        var restIsEmpty = body.Span[open..].TrimStart(" \t\r\n"u8).StartsWith("}"u8);
        var usage = "\"stream_options\":{\"include_usage\":true}"u8;
        var size = (includeUsage ? usage.Length : 0) + (insertModel ? 8 + quotedModel.Length : 0) + (includeUsage && insertModel ? 1 : 0) + (restIsEmpty ? 0 : 1);
        var insert = new byte[size];
        var p = 0;
        if (includeUsage)
        {
            usage.CopyTo(insert);
            p += usage.Length;
            if (insertModel)
            {
                insert[p++] = (byte)',';
            }
        }

        if (insertModel)
        {
            "\"model\":"u8.CopyTo(insert.AsSpan(p));
            p += 8;
            quotedModel.Span.CopyTo(insert.AsSpan(p));
            p += quotedModel.Length;
        }

        if (!restIsEmpty)
        {
            insert[p] = (byte)',';
        }

        if (!replaceModel)
        {
            return Providers.UpstreamBody.Of(body[..open], insert, body[open..]);
        }

        var modelEnd = envelope.ModelStart + envelope.ModelLength;
        return Providers.UpstreamBody.Of(body[..open], insert, body[open..envelope.ModelStart], quotedModel, body[modelEnd..]);
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
