namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>
/// Anthropic's error <c>type</c> vocabulary and its HTTP statuses (docs: platform.claude.com "Errors").
/// <code>
/// 400 invalid_request_error   401 authentication_error   402 billing_error   403 permission_error
/// 404 not_found_error         408 timeout_error          413 request_too_large   429 rate_limit_error
/// 500 api_error               502 api_error              503 overloaded_error    504 timeout_error
/// 529 overloaded_error        other 4xx invalid_request_error                  other 5xx api_error
/// </code>
/// </summary>
internal static class AnthropicErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Billing = "billing_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Timeout = "timeout_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    /// <summary>The type Anthropic uses for <paramref name="status"/>.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Authentication,
        402 => Billing,
        403 => Permission,
        404 => NotFound,
        408 or 504 => Timeout,
        413 => RequestTooLarge,
        429 => RateLimit,
        503 or 529 => Overloaded,
        >= 400 and < 500 => InvalidRequest,
        _ => Api,
    };

    /// <summary>The status Anthropic answers with for an error of <paramref name="type"/> (500 when unknown).</summary>
    public static int StatusFor(string? type) => type switch
    {
        InvalidRequest => 400,
        Authentication => 401,
        Billing => 402,
        Permission => 403,
        NotFound => 404,
        RequestTooLarge => 413,
        RateLimit => 429,
        Timeout => 504,
        Overloaded => 529,
        _ => 500,
    };

    public static bool IsAnthropicType(string? type) => type is InvalidRequest or Authentication or Billing or Permission
        or NotFound or RequestTooLarge or RateLimit or Timeout or Api or Overloaded;

    /// <summary>
    /// Maps a gateway error (OpenAI vocabulary: <c>upstream_error</c>, <c>server_error</c>, …) to an Anthropic type.
    /// A valid Anthropic type is kept; a status (given, or carried as a numeric <paramref name="code"/> as the gateway
    /// does for upstream failures) decides next; then the code and the OpenAI type name.
    /// </summary>
    public static string FromGateway(string? type, string? code, int? status = null)
    {
        // invalid_request_error with model_not_found: Anthropic answers a 404 not_found_error for an unknown model.
        if (code is "model_not_found")
        {
            return NotFound;
        }

        if (code is "request_too_large")
        {
            return RequestTooLarge;
        }

        if (IsAnthropicType(type))
        {
            return type!;
        }

        if (status is { } s)
        {
            return ForStatus(s);
        }

        if (int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var fromCode) && fromCode is >= 400 and < 600)
        {
            return ForStatus(fromCode);
        }

        return code switch
        {
            "stream_idle_timeout" => Timeout,
            "missing_credential" or "invalid_api_key" => Authentication,
            _ => type switch
            {
                "insufficient_quota" => Billing,
                "tokens" or "requests" => RateLimit,
                _ => Api,
            },
        };
    }
}
