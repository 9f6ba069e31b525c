using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Resilience;
using Switchyard.Core.Routing;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Pipeline;

/// <summary>
/// <c>POST /v1/chat/completions</c>, stage by stage in one place: read → Authenticate → Resolve → Route → (Admit,
/// later) → Dispatch. Each stage is a small method or class; none reaches into another's internals.
/// </summary>
public sealed class ChatCompletionsPipeline(ConfigManager config, AttemptRunner runner, ILogger<ChatCompletionsPipeline> logger)
{
    private static readonly OpenAIChatErrorEncoder Errors = OpenAIChatErrorEncoder.Instance;

    public long MaxBodyBytes { get; init; } = RequestBodyReader.DefaultMaxBytes;

    public async Task HandleAsync(HttpContext context)
    {
        var snapshot = config.Current;

        // Read
        var (status, body) = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        switch (status)
        {
            case BodyReadStatus.ClientGone:
                return;
            case BodyReadStatus.TooLarge:
                await WriteErrorAsync(context, 413, $"request body exceeds {MaxBodyBytes} bytes", "invalid_request_error", "request_too_large").ConfigureAwait(false);
                return;
            case BodyReadStatus.Empty:
                await WriteErrorAsync(context, 400, "the request body is empty; send a JSON chat completions request", "invalid_request_error", "empty_body").ConfigureAwait(false);
                return;
        }

        if (!RequestEnvelope.TryScan(body, out var envelope, out var parseError))
        {
            await WriteErrorAsync(context, 400, parseError!, "invalid_request_error", "invalid_json").ConfigureAwait(false);
            return;
        }

        var request = new GatewayRequest
        {
            HttpContext = context,
            Protocol = ClientProtocol.OpenAIChat,
            Errors = Errors,
            RawBody = body,
            Envelope = envelope,
            Snapshot = snapshot,
            Listener = snapshot.ListenerFor(context.Connection.LocalPort),
        };

        // Authenticate: gateway keys come later; capture the caller's provider credential for passthrough_auth.
        request.ClientCredential = ClientCredentials.From(context.Request.Headers);

        // Resolve
        var resolution = snapshot.Catalog.Resolve(request.RequestedModel);
        if (resolution.Status != ResolutionStatus.Resolved)
        {
            await WriteResolutionErrorAsync(context, resolution.Status, request.RequestedModel).ConfigureAwait(false);
            return;
        }

        // Route: the resolved model and its fallbacks (preference routing plugs in here).
        var plan = CandidatePlanner.Plan(snapshot.Catalog, resolution.Model!, resolution.ViaAlias);
        GatewayLog.Resolved(logger, request.RequestedModel, resolution.Model!.CanonicalName, plan.Candidates.Count);

        // Dispatch
        await runner.RunAsync(request, plan).ConfigureAwait(false);
    }

    private static Task WriteResolutionErrorAsync(HttpContext context, ResolutionStatus status, string? requested) => status switch
    {
        ResolutionStatus.NoModelAndNoDefault => WriteErrorAsync(context, 400,
            "the request has no 'model' and no default model is configured (mark one provider entry with default: true)",
            "invalid_request_error", "model_required"),
        _ => WriteErrorAsync(context, 404,
            $"The model '{requested}' does not exist or is not configured on this gateway; GET /v1/models lists the available models",
            "invalid_request_error", "model_not_found"),
    };

    /// <summary>Writes a gateway error in the OpenAI error shape.</summary>
    public static async Task WriteErrorAsync(HttpContext context, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(Errors.Body(message, type, code), context.RequestAborted).ConfigureAwait(false);
    }
}
