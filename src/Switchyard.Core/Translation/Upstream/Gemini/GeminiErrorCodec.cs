using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.Translation.Upstream.Gemini;

/// <summary>
/// Google API errors (<c>{"error":{"code","message","status","details"}}</c>) in neutral form. The IR type comes
/// from the canonical <c>status</c> (gRPC code name) when present, else from the HTTP status; the Google status
/// name is kept as <see cref="IrError.Code"/> so nothing of the upstream's classification is lost.
/// </summary>
internal static class GeminiErrorCodec
{
    public static IrError Decode(int status, ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            // streamGenerateContent without alt=sse wraps everything in an array, errors included.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return FromErrorObject(error, status);
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML proxy page, a truncated body): fall through and keep the text.
        }

        var text = Encoding.UTF8.GetString(body.Length > 2048 ? body[..2048] : body).Trim();
        return new IrError(status, TypeFromHttpStatus(status), text.Length == 0 ? $"Gemini answered HTTP {status} with no body" : text);
    }

    /// <summary>
    /// One Google <c>error</c> object. <paramref name="httpStatus"/> is the response status; when it says nothing
    /// (0, or 200 for an error inside a stream) the object's own <c>code</c> is used.
    /// </summary>
    public static IrError FromErrorObject(JsonElement error, int httpStatus)
    {
        var code = GeminiWire.GetInt(error, "code");
        var status = httpStatus >= 400 ? httpStatus : code is >= 400 and < 600 ? code.Value : 500;
        var grpcStatus = GeminiWire.GetString(error, "status");
        var message = GeminiWire.GetString(error, "message");
        if (string.IsNullOrEmpty(message))
        {
            message = grpcStatus ?? $"Gemini error (HTTP {status})";
        }

        var type = grpcStatus is null ? TypeFromHttpStatus(status) : TypeFromGrpcStatus(grpcStatus) ?? TypeFromHttpStatus(status);
        return new IrError(status, type, message) { Code = grpcStatus };
    }

    // Types in the shared OpenAI/Anthropic vocabulary (see docs/translation.md).
    private static string? TypeFromGrpcStatus(string status) => status switch
    {
        "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "OUT_OF_RANGE" => "invalid_request_error",
        "UNAUTHENTICATED" => "authentication_error",
        "PERMISSION_DENIED" => "permission_error",
        "NOT_FOUND" => "not_found_error",
        "RESOURCE_EXHAUSTED" => "rate_limit_error",
        "UNAVAILABLE" => "overloaded_error",
        "INTERNAL" or "DEADLINE_EXCEEDED" or "UNKNOWN" or "ABORTED" or "DATA_LOSS" or "CANCELLED" or "UNIMPLEMENTED" => "api_error",
        _ => null,
    };

    private static string TypeFromHttpStatus(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 => "overloaded_error",
        _ => "api_error",
    };
}
