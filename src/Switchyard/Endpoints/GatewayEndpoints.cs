using Switchyard.Core.Pipeline;

namespace Switchyard.Endpoints;

/// <summary>Every route the gateway serves, in one place.</summary>
public static class GatewayEndpoints
{
    public static void MapSwitchyard(this WebApplication app)
    {
        // First, so an exception anywhere below becomes an error in the client's protocol, never an empty 500.
        app.UseMiddleware<LastResortMiddleware>();
        app.UseMiddleware<CorsMiddleware>();

        var pipeline = app.Services.GetRequiredService<GatewayPipeline>();
        app.MapPost("/v1/chat/completions", pipeline.HandleChatCompletionsAsync);
        app.MapPost("/v1/messages", pipeline.HandleMessagesAsync);
        app.MapPost("/v1/messages/count_tokens", app.Services.GetRequiredService<CountTokensHandler>().HandleAsync);
        app.MapPost("/v1/responses", pipeline.HandleResponsesAsync);
        app.MapPost("/routing/v1/chat/completions", context => pipeline.HandleDecisionAsync(context, ClientProtocol.OpenAIChat));
        app.MapPost("/routing/v1/messages", context => pipeline.HandleDecisionAsync(context, ClientProtocol.AnthropicMessages));
        app.MapPost("/routing/v1/responses", context => pipeline.HandleDecisionAsync(context, ClientProtocol.OpenAIResponses));
        app.MapGet("/v1/models", ModelsEndpoint.HandleAsync);
        app.MapGet("/v1/models/{**id}", ModelsEndpoint.HandleOneAsync);
        app.MapGet("/healthz", HealthEndpoints.Liveness);
        app.MapGet("/readyz", HealthEndpoints.Readiness);
        app.MapAdmin();
        app.MapAdminUi();
        app.MapMetrics();

        // Anything else gets an error in the OpenAI shape rather than an empty 404/405.
        app.MapFallback(context => context.Request.Path.StartsWithSegments("/v1/chat/completions")
            ? GatewayPipeline.WriteErrorAsync(context, 405, $"{context.Request.Method} is not allowed on /v1/chat/completions; use POST", "invalid_request_error", "method_not_allowed")
            : GatewayPipeline.WriteErrorAsync(context, 404, $"no route for {context.Request.Method} {context.Request.Path}", "invalid_request_error", "unknown_url"));
    }
}
