using Switchyard.Core.Configuration;

namespace Switchyard.Endpoints;

/// <summary>
/// CORS for browser clients, off unless the config's <c>cors</c> section lists origins: the gateway adds the
/// operator's provider keys itself, so answering every origin would let any web page open in the operator's browser
/// spend them. For a listed origin it answers preflights (only the configured request headers) and marks responses;
/// for any other origin, or with no <c>cors</c> section, it adds no <c>Access-Control-*</c> header at all and the
/// request goes on as if it had no <c>Origin</c>. Settings come from the live snapshot, so reloads apply.
/// </summary>
internal sealed class CorsMiddleware(RequestDelegate next, ConfigManager config)
{
    private const string ExposedHeaders = "x-switchyard-provider, x-switchyard-model, x-switchyard-attempts, x-switchyard-cost-usd, x-request-id";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue("Origin", out var originValues))
        {
            return next(context);
        }

        var cors = config.Current.Config.Cors;
        if (!cors.Enabled)
        {
            return next(context);
        }

        // The answer depends on the Origin from here on, whether it is allowed or not.
        var headers = context.Response.Headers;
        headers.Vary = "Origin";
        var origin = originValues.ToString();
        if (!cors.Allows(origin))
        {
            return next(context);
        }

        headers.AccessControlAllowOrigin = cors.AllowAnyOrigin ? "*" : origin;
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
            headers.AccessControlAllowHeaders = cors.AllowAnyHeader && request.Headers.AccessControlRequestHeaders.Count > 0
                ? request.Headers.AccessControlRequestHeaders
                : cors.AllowedHeadersValue;
            headers.AccessControlMaxAge = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        headers.AccessControlExposeHeaders = ExposedHeaders;
        return next(context);
    }
}
