using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.BedrockConverse;

/// <summary>
/// Bedrock errors in neutral form. HTTP errors are <c>{"message":"..."}</c> with the exception name in the
/// <c>x-amzn-ErrorType</c> header, which the codec does not see: the type follows the status. In-stream exceptions
/// (event-stream <c>:message-type exception</c>) carry their name as the frame's event type and map by name.
/// </summary>
internal static class BedrockConverseErrorCodec
{
    public static IrError Decode(int status, ReadOnlySpan<byte> body)
    {
        var message = ReadMessage(body, out var code);
        if (string.IsNullOrEmpty(message))
        {
            var text = Encoding.UTF8.GetString(body.Length > 2048 ? body[..2048] : body).Trim();
            message = text.Length == 0 ? $"Bedrock answered HTTP {status} with no body" : text;
        }

        return new IrError(status, TypeForStatus(status), message) { Code = code };
    }

    /// <summary>
    /// An exception frame inside a ConverseStream: throttlingException → 429, validationException → 400,
    /// serviceUnavailableException → 503, modelStreamErrorException and internalServerException → 500, an
    /// unknown name → 500. The exception name is kept as <see cref="IrError.Code"/>.
    /// </summary>
    public static IrError FromStreamException(string? exceptionType, ReadOnlySpan<byte> payload)
    {
        var name = string.IsNullOrEmpty(exceptionType) ? "unknownException" : exceptionType;
        var status = StatusForException(name);
        var message = ReadMessage(payload, out var code);
        if (string.IsNullOrEmpty(message))
        {
            message = $"Bedrock ended the stream with {name}";
        }

        return new IrError(status, TypeForStatus(status), message) { Code = code ?? name };
    }

    /// <summary>Status for a Bedrock exception name (as in the API reference; case-insensitive, with or without the trailing <c>Exception</c>).</summary>
    public static int StatusForException(string name)
    {
        var key = name.EndsWith("Exception", StringComparison.OrdinalIgnoreCase) ? name[..^"Exception".Length] : name;
        return key.ToLowerInvariant() switch
        {
            "throttling" => 429,
            "validation" => 400,
            "accessdenied" => 403,
            "resourcenotfound" => 404,
            "modeltimeout" => 408,
            "servicequotaexceeded" => 429,
            "serviceunavailable" or "modelnotready" => 503,
            _ => 500, // internalServer, modelStreamError, and anything new
        };
    }

    /// <summary>Types in the shared OpenAI/Anthropic vocabulary (see docs/translation.md).</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        408 or 504 => "timeout_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "api_error",
    };

    /// <summary>
    /// <c>message</c> (or <c>Message</c>) of a Bedrock error body; <paramref name="code"/> gets <c>__type</c> when the
    /// body names the exception itself (some AWS front ends do).
    /// </summary>
    private static string? ReadMessage(ReadOnlySpan<byte> body, out string? code)
    {
        code = null;
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var type = BedrockWire.GetString(root, "__type");
            if (type is not null)
            {
                // "com.amazon.coral.validate#ValidationException" → "ValidationException"
                code = type[(type.LastIndexOf('#') + 1)..];
            }

            var message = BedrockWire.GetString(root, "message") ?? BedrockWire.GetString(root, "Message");
            var original = BedrockWire.GetString(root, "originalMessage");
            return original is not null && message is not null && !message.Contains(original, StringComparison.Ordinal)
                ? $"{message} ({original})"
                : message ?? original;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
