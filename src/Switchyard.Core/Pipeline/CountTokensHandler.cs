using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Pipeline;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: asked of the upstream where it offers it (Anthropic), estimated
/// otherwise (about four characters a token over the text a model would read: system, messages and tool
/// definitions). The answer says which: <c>x-switchyard-token-count: upstream | estimate</c>.
/// </summary>
public sealed class CountTokensHandler(ConfigManager config, UpstreamHttp http)
{
    public const string SourceHeader = "x-switchyard-token-count";

    private const int MaxAnswerBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        var errors = CodecRegistry.Errors(ClientProtocol.AnthropicMessages);
        var (status, lease) = await RequestBodyReader.ReadAsync(context.Request, RequestBodyReader.DefaultMaxBytes, context.RequestAborted).ConfigureAwait(false);
        using var _ = lease;
        var body = lease.Length == 0 ? ReadOnlyMemory<byte>.Empty : lease.Memory;
        if (status == BodyReadStatus.ClientGone)
        {
            return;
        }

        if (status != BodyReadStatus.Ok)
        {
            await GatewayPipeline.WriteErrorAsync(context, errors, 400, "the request body is empty or too large", "invalid_request_error", "invalid_request").ConfigureAwait(false);
            return;
        }

        if (!RequestEnvelope.TryScan(body.Span, out var envelope, out var parseError, out var parseCode))
        {
            await GatewayPipeline.WriteErrorAsync(context, errors, 400, parseError!, "invalid_request_error", parseCode!).ConfigureAwait(false);
            return;
        }

        var resolution = config.Current.Catalog.Resolve(envelope.Model);
        if (resolution.Status != ResolutionStatus.Resolved)
        {
            await GatewayPipeline.WriteErrorAsync(context, errors, 404, $"The model '{envelope.Model}' does not exist or is not configured on this gateway", "not_found_error", "model_not_found").ConfigureAwait(false);
            return;
        }

        var model = resolution.Model!;
        if (model.ProtocolFor(UpstreamProtocol.AnthropicMessages) == UpstreamProtocol.AnthropicMessages
            && await TryUpstreamAsync(context, model, body, envelope).ConfigureAwait(false))
        {
            return;
        }

        var tokens = Estimate(body.Span);
        context.Response.ContentType = "application/json";
        context.Response.Headers[SourceHeader] = "estimate";
        await context.Response.WriteAsync($"{{\"input_tokens\":{tokens}}}", context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<bool> TryUpstreamAsync(HttpContext context, ResolvedModel model, ReadOnlyMemory<byte> body, RequestEnvelope envelope)
    {
        // The one upstream request builder: base_url rule, auth, the entry's headers and http_host, like dispatch.
        if (UpstreamRequestBuilder.Credential(model, ClientCredentials.From(context.Request.Headers), out var credential, out _) != UpstreamBuildError.None
            || string.IsNullOrEmpty(credential))
        {
            return false;
        }

        var listener = config.Current.ListenerFor(context.Connection.LocalPort);
        var timeouts = UpstreamTimeouts.For(listener, model.Entry);
        var patched = Translation.Passthrough.JsonBodyPatcher.Splice(body, envelope, model.ModelId, model.QuotedModelId, includeUsage: false);
        using var message = UpstreamRequestBuilder.Build(model, UpstreamProtocol.AnthropicMessages, stream: false, patched, credential,
            context.Request.Headers, timeouts.Connect, "/count_tokens");
        Telemetry.GatewayTracing.Propagate(message, span: null, context); // the server span's context when traced, else the caller's
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            cts.CancelAfter(timeouts.FirstByte);
            using var response = await http.For(model.Provider).SendAsync(message, cts.Token).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            byte[]? bytes;
            await using (stream.ConfigureAwait(false))
            {
                // A token count is a few bytes; an upstream that sends megabytes is not answering the question.
                bytes = await BoundedBody.ReadAllAsync(stream, MaxAnswerBytes, cts.Token).ConfigureAwait(false);
            }

            if (bytes is null || (int)response.StatusCode >= 500 || response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                return false; // the estimate is better than an upstream outage or the gateway's key refused
            }

            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = "application/json";
            context.Response.Headers[SourceHeader] = "upstream";
            await context.Response.BodyWriter.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>≈ 4 UTF-8 characters a token over every string value under system, messages and tools.</summary>
    public static int Estimate(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        long chars = 0;
        var inCounted = 0;
        var depthOfCounted = -1;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var counted = reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("tools"u8);
                inCounted = counted ? 1 : 0;
                depthOfCounted = counted ? 1 : -1;
                continue;
            }

            if (inCounted == 1 && reader.TokenType == JsonTokenType.String && reader.CurrentDepth >= depthOfCounted)
            {
                chars += reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            }
        }

        return (int)Math.Max(1, (chars + 3) / 4);
    }
}
