using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Core.Catalog;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Framing;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Different protocols on the two sides: upstream frames → upstream stream decoder → IR events → client stream
/// encoder, written and flushed per upstream frame. The commit point is the first IR event; an upstream error that
/// arrives before it is still failover material.
/// </summary>
public sealed partial class AttemptRunner
{
    private const int MaxTranslatedBody = 64 * 1024 * 1024;

    private async Task<(AttemptKind, AttemptFailure?)> TranslateResponseAsync(GatewayRequest request, ResolvedModel candidate, UpstreamCall call, HttpResponseMessage response, Stream upstream, CancellationTokenSource cts, int attempts, long sentAt)
    {
        // A JSON answer must be whole before it can be re-encoded; reading it is still before the commit point.
        var body = await BoundedBody.ReadAllAsync(upstream, MaxTranslatedBody, cts.Token).ConfigureAwait(false);
        if (body is null)
        {
            return (AttemptKind.Retryable, new AttemptFailure(502, $"upstream for '{candidate.CanonicalName}' answered with more than {MaxTranslatedBody} bytes", "upstream_error", "response_too_large"));
        }

        if (!call.Codec!.TryDecodeResponse(body, out var ir, out var error))
        {
            error ??= new IrError(502, "upstream_error", "the upstream answer could not be read");
            return (AttemptKind.Retryable, new AttemptFailure(502, $"upstream for '{candidate.CanonicalName}' sent an answer that is not valid {call.Protocol}: {error.Message}", "upstream_error", "invalid_upstream_response"));
        }

        cts.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
        RecordFirstToken(candidate, sentAt);
        request.Usage = ir!.Usage;
        var clientModel = ClientModelName(candidate, ir.Model);
        var encoded = request.Codec is IRequestAwareClientCodec aware && request.TryGetIr(out var irRequest, out _)
            ? aware.EncodeResponse(irRequest!, ir, clientModel)
            : request.Codec!.EncodeResponse(ir, clientModel);
        var context = request.HttpContext;
        CommitTranslated(context, "application/json", candidate, attempts, encoded.Length);
        await context.Response.BodyWriter.WriteAsync(encoded, context.RequestAborted).ConfigureAwait(false);
        return (AttemptKind.Committed, null);
    }

    private async Task<(AttemptKind, AttemptFailure?)> TranslateStreamAsync(GatewayRequest request, ResolvedModel candidate, UpstreamCall call, HttpResponseMessage response, Stream upstream, CancellationTokenSource cts, int attempts, long sentAt)
    {
        using var frames = FrameReaders.For(call.Protocol, upstream);
        var decoder = call.Codec!.CreateStreamDecoder();
        var events = new List<IrStreamEvent>(8);

        // Peek: decode until the first IR event (the commit point).
        while (events.Count == 0)
        {
            var frame = await frames.ReadAsync(cts.Token).ConfigureAwait(false);
            if (frame is null)
            {
                return (AttemptKind.Retryable, new AttemptFailure(502, $"upstream for '{candidate.CanonicalName}' closed the stream before the first event", "upstream_error", "empty_stream"));
            }

            decoder.Decode(frame.Value, events);
        }

        if (events[0] is IrStreamError early)
        {
            // An error before any content: nothing reached the client, so it is an ordinary upstream failure.
            var e = early.Error;
            var failure = new AttemptFailure(e.Status, $"upstream for '{candidate.CanonicalName}' failed: {e.Message}", e.Type, e.Code ?? "upstream_error");
            return (e.Status is 408 or 429 || e.Status >= 500 ? AttemptKind.Retryable : AttemptKind.Final, failure);
        }

        cts.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
        RecordFirstToken(candidate, sentAt);
        var context = request.HttpContext;
        CommitTranslated(context, "text/event-stream", candidate, attempts, contentLength: null);
        context.Response.Headers.CacheControl = "no-cache";
        var streamModel = ClientModelName(candidate, (events[0] as IrStreamStart)?.Model);
        var encoder = request.Codec is IRequestAwareClientCodec awareCodec && request.TryGetIr(out var streamRequest, out _)
            ? awareCodec.CreateStreamEncoder(streamRequest!, streamModel)
            : request.Codec!.CreateStreamEncoder(streamModel, request.Envelope.IncludeUsage);
        var output = new ArrayBufferWriter<byte>(4096);
        var writer = context.Response.BodyWriter;
        var aborted = context.RequestAborted;
        try
        {
            while (true)
            {
                IrError? failed = null;
                foreach (var ev in events)
                {
                    if (ev is IrStreamError err)
                    {
                        failed = err.Error;
                        break;
                    }

                    if (ev is IrUsageUpdate update)
                    {
                        request.Usage = request.Usage is null ? update.Usage : request.Usage.Merge(update.Usage);
                    }

                    encoder.Encode(ev, output);
                }

                events.Clear();
                if (failed is not null)
                {
                    encoder.Fail(failed, output);
                    await FlushAsync(writer, output, aborted).ConfigureAwait(false);
                    return (AttemptKind.Committed, null);
                }

                if (output.WrittenCount > 0 && !await FlushAsync(writer, output, aborted).ConfigureAwait(false))
                {
                    return (AttemptKind.ClientGone, null);
                }

                UpstreamFrame? frame;
                try
                {
                    cts.CancelAfter(request.Listener.StreamIdleTimeout);
                    frame = await frames.ReadAsync(cts.Token).ConfigureAwait(false);
                    cts.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    return await EndCutAsync(encoder, output, writer, candidate, "stream_idle_timeout",
                        $"upstream for '{candidate.CanonicalName}' sent nothing for {request.Listener.StreamIdleTimeout.TotalSeconds:0.###} s; the stream is incomplete", aborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException && !aborted.IsCancellationRequested)
                {
                    return await EndCutAsync(encoder, output, writer, candidate, "stream_interrupted",
                        $"upstream for '{candidate.CanonicalName}' broke off the stream: {ex.Message}", aborted).ConfigureAwait(false);
                }

                if (frame is null)
                {
                    if (decoder.IsComplete)
                    {
                        encoder.Complete(output);
                        await FlushAsync(writer, output, aborted).ConfigureAwait(false);
                        return (AttemptKind.Committed, null);
                    }

                    return await EndCutAsync(encoder, output, writer, candidate, "stream_interrupted",
                        $"upstream for '{candidate.CanonicalName}' ended the stream before it was complete", aborted).ConfigureAwait(false);
                }

                decoder.Decode(frame.Value, events);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (AttemptKind.ClientGone, null);
        }
    }

    private async Task<(AttemptKind, AttemptFailure?)> EndCutAsync(IClientStreamEncoder encoder, ArrayBufferWriter<byte> output, System.IO.Pipelines.PipeWriter writer, ResolvedModel candidate, string code, string message, CancellationToken aborted)
    {
        GatewayLog.StreamCut(logger, candidate.CanonicalName, code);
        encoder.Fail(new IrError(502, "upstream_error", message) { Code = code }, output);
        await FlushAsync(writer, output, aborted).ConfigureAwait(false);
        return (AttemptKind.Committed, null);
    }

    private static async ValueTask<bool> FlushAsync(System.IO.Pipelines.PipeWriter writer, ArrayBufferWriter<byte> output, CancellationToken aborted)
    {
        var result = await writer.WriteAsync(output.WrittenMemory, aborted).ConfigureAwait(false);
        output.ResetWrittenCount();
        return !(result.IsCanceled || result.IsCompleted);
    }

    // Clients see the model they asked for as the upstream reports it (like pass-through), else the upstream id.
    private static string ClientModelName(ResolvedModel candidate, string? upstreamModel)
        => upstreamModel ?? candidate.ModelId;

    private static void CommitTranslated(HttpContext context, string contentType, ResolvedModel candidate, int attempts, long? contentLength)
    {
        var r = context.Response;
        r.StatusCode = 200;
        r.ContentType = contentType;
        if (contentLength is { } length)
        {
            r.ContentLength = length;
        }

        SetGatewayHeaders(r, candidate, attempts);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
