using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// IR images → Gemini parts: base64 → <c>inlineData {mimeType, data}</c>; a URL → <c>fileData {mimeType, fileUri}</c>.
/// The Gemini API fetches public and signed https URLs given as <c>fileUri</c> (as well as Files-API and gs://
/// URIs), so a URL is forwarded rather than refused; Gemini's own error reaches the client when it cannot fetch it.
/// </summary>
internal static class GeminiMediaEncoder
{
    public static Action<Utf8JsonWriter> Image(IrImagePart image, string? signature)
    {
        if (!string.IsNullOrEmpty(image.Base64))
        {
            var mime = image.MediaType;
            if (string.IsNullOrEmpty(mime))
            {
                throw new TranslationException("An inline image has no media type; Gemini needs one (e.g. image/png).");
            }

            return w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("inlineData");
                w.WriteString("mimeType", mime);
                w.WriteString("data", image.Base64);
                w.WriteEndObject();
                WriteSignature(w, signature);
                w.WriteEndObject();
            };
        }

        if (string.IsNullOrEmpty(image.Url))
        {
            throw new TranslationException("An image has neither data nor a URL.");
        }

        var url = image.Url;
        var urlMime = string.IsNullOrEmpty(image.MediaType) ? GuessMimeType(url) : image.MediaType;
        return w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("fileData");
            if (urlMime is not null)
            {
                w.WriteString("mimeType", urlMime);
            }

            w.WriteString("fileUri", url);
            w.WriteEndObject();
            WriteSignature(w, signature);
            w.WriteEndObject();
        };
    }

    private static void WriteSignature(Utf8JsonWriter w, string? signature)
    {
        if (signature is not null)
        {
            w.WriteString("thoughtSignature", signature);
        }
    }

    /// <summary>The image type from the URL's file extension; null when it says nothing (Gemini then goes by what it fetches).</summary>
    internal static string? GuessMimeType(string url)
    {
        var path = url;
        var cut = path.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            path = path[..cut];
        }

        var dot = path.LastIndexOf('.');
        var slash = path.LastIndexOf('/');
        if (dot < 0 || dot < slash)
        {
            return null;
        }

        return path[(dot + 1)..].ToLowerInvariant() switch
        {
            "png" => "image/png",
            "jpg" or "jpeg" => "image/jpeg",
            "webp" => "image/webp",
            "gif" => "image/gif",
            "heic" => "image/heic",
            "heif" => "image/heif",
            _ => null,
        };
    }
}
