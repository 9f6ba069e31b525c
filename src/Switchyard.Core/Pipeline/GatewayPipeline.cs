using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Resilience;
using Switchyard.Core.Routing;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client;
using Switchyard.Core.Translation.Client.OpenAIChat;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Pipeline;

/// <summary>
/// The request pipeline for every client protocol, stage by stage in one place: read → Authenticate → Resolve →
/// Route → (Admit, later) → Dispatch. Each stage is a small method or class; none reaches into another's internals.
/// Errors are written in the client's own protocol.
/// </summary>
public sealed class GatewayPipeline(ConfigManager config, AttemptRunner runner, ILogger<GatewayPipeline> logger)
{
    public long MaxBodyBytes { get; init; } = RequestBodyReader.DefaultMaxBytes;

    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    public Task HandleChatCompletionsAsync(HttpContext context) => HandleAsync(context, ClientProtocol.OpenAIChat);

    /// <summary><c>POST /v1/messages</c>.</summary>
    public Task HandleMessagesAsync(HttpContext context) => HandleAsync(context, ClientProtocol.AnthropicMessages);

    /// <summary><c>POST /v1/responses</c>.</summary>
    public Task HandleResponsesAsync(HttpContext context) => HandleAsync(context, ClientProtocol.OpenAIResponses);

    private async Task HandleAsync(HttpContext context, ClientProtocol protocol)
    {
        var snapshot = config.Current;
        var errors = CodecRegistry.Errors(protocol);

        // Read
        var (status, body) = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        switch (status)
        {
            case BodyReadStatus.ClientGone:
                return;
            case BodyReadStatus.TooLarge:
                await WriteErrorAsync(context, errors, 413, $"request body exceeds {MaxBodyBytes} bytes", "invalid_request_error", "request_too_large").ConfigureAwait(false);
                return;
            case BodyReadStatus.Empty:
                await WriteErrorAsync(context, errors, 400, "the request body is empty; send a JSON request", "invalid_request_error", "empty_body").ConfigureAwait(false);
                return;
        }

        if (!RequestEnvelope.TryScan(body, out var envelope, out var parseError))
        {
            await WriteErrorAsync(context, errors, 400, parseError!, "invalid_request_error", "invalid_json").ConfigureAwait(false);
            return;
        }

        var request = new GatewayRequest
        {
            HttpContext = context,
            Protocol = protocol,
            Errors = errors,
            Codec = CodecRegistry.Client(protocol),
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
            await WriteResolutionErrorAsync(context, errors, resolution.Status, request.RequestedModel).ConfigureAwait(false);
            return;
        }

        // Route: the resolved model and its fallbacks (preference routing plugs in here).
        var plan = CandidatePlanner.Plan(snapshot.Catalog, resolution.Model!, resolution.ViaAlias);
        GatewayLog.Resolved(logger, request.RequestedModel, resolution.Model!.CanonicalName, plan.Candidates.Count);

        // Dispatch
        await runner.RunAsync(request, plan).ConfigureAwait(false);

        // Record (usage now; cost, metrics and passive health hang off the same point later)
        if (request.Usage is { } u)
        {
            GatewayLog.Usage(logger, request.RequestedModel, u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.CacheWriteInputTokens, u.ReasoningTokens);
        }
    }

    private static Task WriteResolutionErrorAsync(HttpContext context, IClientErrorEncoder errors, ResolutionStatus status, string? requested) => status switch
    {
        ResolutionStatus.NoModelAndNoDefault => WriteErrorAsync(context, errors, 400,
            "the request has no 'model' and no default model is configured (mark one provider entry with default: true)",
            "invalid_request_error", "model_required"),
        _ => WriteErrorAsync(context, errors, 404,
            $"The model '{requested}' does not exist or is not configured on this gateway; GET /v1/models lists the available models",
            "not_found_error", "model_not_found"),
    };

    /// <summary>Writes a gateway error in the given protocol's shape.</summary>
    public static async Task WriteErrorAsync(HttpContext context, IClientErrorEncoder errors, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(errors.Body(status, message, type, code), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes a gateway error in the OpenAI shape (routes outside any client protocol).</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string code)
        => WriteErrorAsync(context, OpenAIChatErrorEncoder.Instance, status, message, type, code);
}
