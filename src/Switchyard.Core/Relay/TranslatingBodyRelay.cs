using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation;

namespace Switchyard.Core.Relay;

/// <summary>
/// Different protocols on the two sides, not streamed: the upstream's JSON answer must be whole before it can be
/// re-encoded, so the peek reads it (bounded by <c>max_event_bytes</c>, under the request deadline), decodes it and
/// encodes the client's answer — all before commit, so a bad answer or a codec failure can still fail over or become a
/// clean error. The relay then writes the encoded answer.
/// </summary>
internal sealed class TranslatingBodyRelay(RelayScope scope) : UpstreamRelay(scope)
{
    private byte[]? _encoded;

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<PeekResult> PeekAsync()
    {
        var body = await BoundedBody.ReadAllAsync(Scope.Upstream, Scope.MaxEventBytes, Scope.Timers.Token).ConfigureAwait(false);
        var name = Scope.Candidate.CanonicalName;
        if (body is null)
        {
            return new PeekResult(PeekKind.Invalid, new IrError(502, "upstream_error", $"upstream for '{name}' answered with more than {Scope.MaxEventBytes} bytes (max_event_bytes)") { Code = "response_too_large" });
        }

        if (body.Length == 0)
        {
            return PeekResult.Empty;
        }

        var call = Scope.Call;
        if (!call.Codec!.TryDecodeResponse(body, out var ir, out var error))
        {
            error ??= new IrError(502, "upstream_error", "the upstream answer could not be read");
            return new PeekResult(PeekKind.Invalid, new IrError(502, "upstream_error", $"upstream for '{name}' sent an answer that is not valid {call.Protocol}: {error.Message}") { Code = "invalid_upstream_response" });
        }

        Usage = ir!.Usage;
        var request = Scope.Request;
        var clientModel = ir.Model ?? Scope.Candidate.ModelId;
        _encoded = request.Codec is IRequestAwareClientCodec aware && request.TryGetIr(out var irRequest, out _)
            ? aware.EncodeResponse(irRequest!, ir, clientModel)
            : request.Codec!.EncodeResponse(ir, clientModel);
        return PeekResult.Ready;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<RelayEnd> RelayAsync()
    {
        Commit(200, "application/json", _encoded!.Length, copyUpstreamHeaders: false);
        var context = Scope.Context;
        try
        {
            await context.Response.BodyWriter.WriteAsync(_encoded, context.RequestAborted).ConfigureAwait(false);
            return RelayEnd.Complete;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return RelayEnd.ClientGone;
        }
    }

    protected override void DisposeCore()
    {
    }
}
