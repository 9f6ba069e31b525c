using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.OpenAIChat;

namespace Switchyard.Core.Translation.Upstream.OpenAIChat;

/// <summary>
/// Upstream error bodies → <see cref="IrError"/>, keeping the upstream's status, type, message and code. Accepts the
/// shapes OpenAI-compatible servers actually send: the OpenAI error object, <c>{"error":"text"}</c>, Gemini's
/// array-wrapped error, Mistral's top-level <c>{"message",...}</c>, FastAPI's <c>{"detail":...}</c>, and plain text.
/// </summary>
internal static class OpenAIChatErrorCodec
{
    private const int MaxTextLength = 2048;

    public static IrError Decode(int status, ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object)
                    {
                        return FromObject(error, status, embeddedStatusWins: false);
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return new IrError(status, TypeFor(status), error.GetString()!);
                    }
                }

                if (OpenAIChatJson.String(root, "message") is not null)
                {
                    return FromObject(root, status, embeddedStatusWins: false);
                }

                if (root.TryGetProperty("detail", out var detail))
                {
                    return new IrError(status, TypeFor(status), detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText());
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML page from a proxy, plain text): the text itself is the message.
        }

        return new IrError(status, TypeFor(status), Text(status, body));
    }

    /// <summary>
    /// An OpenAI-style error object. Inside a 200 answer or stream the object's own <c>status_code</c> (Groq) is the
    /// only real status, so it wins there; an HTTP error status wins over it otherwise.
    /// </summary>
    public static IrError FromObject(JsonElement error, int status, bool embeddedStatusWins = true)
    {
        if (embeddedStatusWins)
        {
            status = OpenAIChatJson.Int(error, "status_code") ?? OpenAIChatJson.Int(error, "status") ?? status;
        }

        var message = OpenAIChatJson.String(error, "message") ?? error.GetRawText();
        var type = OpenAIChatJson.String(error, "type") is { Length: > 0 } t ? t : TypeFor(status);
        string? code = null;
        if (error.TryGetProperty("code", out var c))
        {
            code = c.ValueKind switch
            {
                JsonValueKind.String => c.GetString(),
                JsonValueKind.Number => c.GetRawText(),
                _ => null,
            };
        }

        return new IrError(status, type, message) { Code = code };
    }

    /// <summary>The OpenAI error type for a status when the upstream named none.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 or 413 or 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "upstream_error",
    };

    private static string Text(int status, ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > MaxTextLength ? body[..MaxTextLength] : body).Trim();
        return text.Length > 0 ? text : "the upstream answered HTTP " + status.ToString(CultureInfo.InvariantCulture) + " with no body";
    }
}
