using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Ir;
using Switchyard.Core.Telemetry;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Framing;

namespace Switchyard.Core.Relay;

/// <summary>
/// Different protocols on the two sides, streamed: upstream frames (bounded by <c>max_event_bytes</c>) → upstream
/// stream decoder → IR events → client stream encoder, written and flushed per upstream frame. The commit point is
/// the first IR event (comments and keep-alives produce none); an error before it is failover material. After commit,
/// anything that goes wrong — a cut, an idle upstream, an oversized frame, an exception inside an encoder or decoder —
/// ends the stream with the client protocol's error event, never as if it were complete.
/// </summary>
internal sealed class TranslatingStreamRelay : UpstreamRelay
{
    private readonly IUpstreamFrameReader _frames;
    private readonly IUpstreamStreamDecoder _decoder;
    private readonly List<IrStreamEvent> _events = new(8);

    public TranslatingStreamRelay(RelayScope scope) : base(scope)
    {
        _frames = FrameReaders.For(scope.Call.Protocol, scope.Upstream, scope.MaxEventBytes);
        _decoder = scope.Call.Codec!.CreateStreamDecoder();
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<PeekResult> PeekAsync()
    {
        while (_events.Count == 0)
        {
            var frame = await _frames.ReadAsync(Scope.Timers.Token).ConfigureAwait(false);
            if (frame is null)
            {
                return PeekResult.Empty;
            }

            Tap.OnFrame(frame.Value);
            _decoder.Decode(frame.Value, _events);
        }

        if (_events[0] is IrStreamError early)
        {
            var e = early.Error;
            // A status the decoder could only guess (500) gives way to what the error's type says it is.
            var status = ErrorEventStatus.Of(e.Type, e.Code, e.Status is 500 or 502 ? null : e.Status);
            return new PeekResult(PeekKind.EarlyError, e with { Status = status });
        }

        return PeekResult.Ready;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<RelayEnd> RelayAsync()
    {
        var request = Scope.Request;
        Commit(200, "text/event-stream", contentLength: null, copyUpstreamHeaders: false);
        var streamModel = (_events[0] as IrStreamStart)?.Model ?? Scope.Candidate.ModelId;
        var encoder = request.Codec is IRequestAwareClientCodec aware && request.TryGetIr(out var irRequest, out _)
            ? aware.CreateStreamEncoder(irRequest!, streamModel)
            : request.Codec!.CreateStreamEncoder(streamModel, request.Envelope.IncludeUsage);
        var output = new ArrayBufferWriter<byte>(4096);
        var writer = Scope.Context.Response.BodyWriter;
        var aborted = Scope.Context.RequestAborted;
        try
        {
            var end = await PumpAsync(encoder, output, writer, aborted).ConfigureAwait(false);
            if (end is RelayEnd.Complete or RelayEnd.ClientGone)
            {
                return end;
            }

            encoder.Fail(new IrError(502, "upstream_error", CutMessage(end)) { Code = CutCode(end) }, output);
            await FlushAsync(writer, output, aborted).ConfigureAwait(false);
            return end;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return RelayEnd.ClientGone;
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // A bug in a codec must not pass for a finished answer: end with the protocol's error event.
            GatewayLog.TranslationFailed(Scope.Logger, Scope.Candidate.CanonicalName, ex);
            output.ResetWrittenCount();
            var message = $"the gateway could not translate the answer from '{Scope.Candidate.CanonicalName}'";
            try
            {
                encoder.Fail(new IrError(500, "api_error", message) { Code = "translation_failed" }, output);
            }
            catch (Exception)
            {
                output.ResetWrittenCount();
                output.Write(request.Errors.StreamErrorEvent(message, "translation_failed"));
            }

            await FlushAsync(writer, output, aborted).ConfigureAwait(false);
            return RelayEnd.UpstreamCut;
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RelayEnd> PumpAsync(IClientStreamEncoder encoder, ArrayBufferWriter<byte> output, PipeWriter writer, CancellationToken aborted)
    {
        var timers = Scope.Timers;
        while (true)
        {
            IrError? failed = null;
            foreach (var ev in _events)
            {
                if (ev is IrStreamError err)
                {
                    failed = err.Error;
                    break;
                }

                encoder.Encode(ev, output);
            }

            _events.Clear();
            if (failed is not null)
            {
                encoder.Fail(failed, output);
                await FlushAsync(writer, output, aborted).ConfigureAwait(false);
                return RelayEnd.Complete; // the upstream's own error, relayed in the client's shape
            }

            if (output.WrittenCount > 0 && !await FlushAsync(writer, output, aborted).ConfigureAwait(false))
            {
                return RelayEnd.ClientGone;
            }

            UpstreamFrame? frame;
            timers.ArmIdle(Scope.Timeouts.StreamIdle);
            try
            {
                frame = await _frames.ReadAsync(timers.Token).ConfigureAwait(false);
                timers.DisarmIdle();
            }
            catch (OperationCanceledException) when (!timers.ClientGone)
            {
                return RelayEnd.IdleTimeout;
            }
            catch (FrameTooLargeException) when (!timers.ClientGone)
            {
                return RelayEnd.TooLarge;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException && !timers.ClientGone)
            {
                return RelayEnd.UpstreamCut; // logged by the runner as a cut stream
            }

            if (frame is null)
            {
                if (_decoder.IsComplete)
                {
                    _decoder.End(_events);
                    foreach (var ev in _events)
                    {
                        encoder.Encode(ev, output);
                    }

                    _events.Clear();
                    encoder.Complete(output);
                    await FlushAsync(writer, output, aborted).ConfigureAwait(false);
                    return RelayEnd.Complete;
                }

                return RelayEnd.UpstreamCut;
            }

            Tap.OnFrame(frame.Value);
            _decoder.Decode(frame.Value, _events);
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> FlushAsync(PipeWriter writer, ArrayBufferWriter<byte> output, CancellationToken aborted)
    {
        var result = await writer.WriteAsync(output.WrittenMemory, aborted).ConfigureAwait(false);
        output.ResetWrittenCount();
        return !(result.IsCanceled || result.IsCompleted);
    }

    protected override void DisposeCore() => _frames.Dispose();
}
