using Microsoft.Extensions.Primitives;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client;

namespace Switchyard.Endpoints;

/// <summary>
/// The outermost middleware: an exception nothing else handled (a bug, by DESIGN §8 — expected failures are values)
/// is logged with its stack and, while the response has not started, answered with a 500 error object in the
/// client's protocol instead of Kestrel's empty 500. Once the response has started the status is gone and part of a
/// body may be out; the dispatch code writes its own in-stream error, and here the connection is aborted so a cut
/// response is never mistaken for a complete one.
/// </summary>
internal sealed partial class LastResortMiddleware(RequestDelegate next, ILogger<LastResortMiddleware> logger)
{
    private const string Message = "the gateway failed while handling this request (internal error {0}; the gateway log has the details)";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; whatever broke, there is no one to answer.
            LogClientGone(logger, context.Request.Method, context.Request.Path, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            var started = context.Response.HasStarted;
            LogUnhandled(logger, context.Request.Method, context.Request.Path, context.TraceIdentifier, started, ex);
            if (started)
            {
                context.Abort();
                return;
            }

            try
            {
                await WriteErrorAsync(context).ConfigureAwait(false);
            }
            catch (Exception writeFailure) when (writeFailure is IOException or OperationCanceledException or InvalidOperationException)
            {
                context.Abort();
            }
        }
    }

    private static Task WriteErrorAsync(HttpContext context)
    {
        // Keep the CORS answer (set before the failure) so a browser client can read the error.
        var headers = context.Response.Headers;
        var allowOrigin = headers.AccessControlAllowOrigin;
        var expose = headers.AccessControlExposeHeaders;
        var vary = headers.Vary;
        context.Response.Clear();
        Restore(headers, "Access-Control-Allow-Origin", allowOrigin);
        Restore(headers, "Access-Control-Expose-Headers", expose);
        Restore(headers, "Vary", vary);

        var message = string.Format(System.Globalization.CultureInfo.InvariantCulture, Message, context.TraceIdentifier);
        return GatewayPipeline.WriteErrorAsync(context, ErrorsFor(context.Request.Path), 500, message, "server_error", "internal_error");
    }

    private static void Restore(IHeaderDictionary headers, string name, StringValues value)
    {
        if (value.Count > 0)
        {
            headers[name] = value;
        }
    }

    /// <summary>The error shape a client of this path reads (the protocol is decided by the endpoint, DESIGN §3).</summary>
    internal static IClientErrorEncoder ErrorsFor(PathString path)
    {
        if (path.StartsWithSegments("/v1/messages") || path.StartsWithSegments("/routing/v1/messages"))
        {
            return CodecRegistry.Errors(ClientProtocol.AnthropicMessages);
        }

        return path.StartsWithSegments("/v1/responses") || path.StartsWithSegments("/routing/v1/responses")
            ? CodecRegistry.Errors(ClientProtocol.OpenAIResponses)
            : CodecRegistry.Errors(ClientProtocol.OpenAIChat);
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Error,
        Message = "Unhandled exception in {Method} {Path} (request {RequestId}, response started: {Started}); the client got a 500 or, once started, a cut connection")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, string requestId, bool started, Exception exception);

    [LoggerMessage(EventId = 91, Level = LogLevel.Debug, Message = "{Method} {Path}: {Exception} after the client went away")]
    private static partial void LogClientGone(ILogger logger, string method, string path, string exception);
}
