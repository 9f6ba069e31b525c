namespace Switchyard.Endpoints;

/// <summary>
/// CORS for browser clients: answers preflights (any origin, the requested headers) and marks responses to
/// cross-origin requests. Requests without an <c>Origin</c> header pass through untouched.
/// </summary>
internal sealed class CorsMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue("Origin", out var origin))
        {
            return next(context);
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
            headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders.Count > 0
                ? request.Headers.AccessControlRequestHeaders
                : "authorization, content-type, x-api-key";
            headers.AccessControlMaxAge = "86400";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        headers.AccessControlExposeHeaders = "x-switchyard-provider, x-switchyard-model, x-switchyard-attempts, x-request-id";
        return next(context);
    }
}
