using Switchyard.Core.Pipeline;
using Switchyard.Core.Translation.Framing;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Relay;

/// <summary>
/// Same protocol on both sides, streamed: the upstream's <c>text/event-stream</c> relayed event by event, bytes never
/// re-encoded, each event written and flushed before the next read. Keep-alives before the first data event are held
/// (they do not commit) and forwarded with it, so the client still gets the upstream's bytes exactly. The relay notes
/// whether the stream ended properly — OpenAI chat: <c>data: [DONE]</c> or a <c>finish_reason</c>; Anthropic:
/// <c>message_stop</c>; Responses: <c>response.completed</c>/<c>.incomplete</c>/<c>.failed</c>; an <c>error</c> event
/// also ends it — so a cut stream is closed with an error event instead of looking complete. The usage tap reads
/// every event (chat usage chunk, Anthropic <c>message_start</c>/<c>message_delta</c>, Responses
/// <c>response.completed</c>); a usage chunk the gateway asked for on the client's behalf is not shown to it.
/// </summary>
internal sealed class PassthroughSseRelay : UpstreamRelay
{
    private readonly ReadBuffer _buffer;
    private readonly ClientProtocol _protocol;
    private readonly bool _hideUsageChunk;
    private bool _sawEnd;

    public PassthroughSseRelay(RelayScope scope) : base(scope)
    {
        _buffer = new ReadBuffer(scope.Upstream, scope.MaxEventBytes);
        _protocol = scope.Request.Protocol;
        _hideUsageChunk = scope.Request.UsageInjected;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<PeekResult> PeekAsync()
    {
        var scanned = 0;
        while (true)
        {
            var unread = _buffer.Unread[scanned..];
            var n = SseEventScanner.FindEventEnd(unread, _buffer.EndOfStream);
            if (n < 0 && _buffer.EndOfStream && !unread.Trim(" \t\r\n"u8).IsEmpty)
            {
                n = unread.Length; // a last event without its blank line
            }

            if (n > 0)
            {
                switch (SsePeekRule.Classify(unread[..n], out var error))
                {
                    case SseEventClass.Data:
                        return PeekResult.Ready;
                    case SseEventClass.Error:
                        return new PeekResult(PeekKind.EarlyError, error);
                    default:
                        scanned += n;
                        continue;
                }
            }

            if (_buffer.EndOfStream)
            {
                return PeekResult.Empty;
            }

            await _buffer.FillAsync(Scope.Timers.Token).ConfigureAwait(false);
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<RelayEnd> RelayAsync()
    {
        Commit(200, Scope.UpstreamContentType, contentLength: null, copyUpstreamHeaders: true);
        var client = Scope.Context.Response.BodyWriter;
        var aborted = Scope.Context.RequestAborted;
        RelayEnd end;
        try
        {
            end = await RelayEventsAsync(client, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return RelayEnd.ClientGone;
        }

        if (end is not (RelayEnd.Complete or RelayEnd.ClientGone))
        {
            await client.WriteAsync(Scope.Request.Errors.StreamErrorEvent(CutMessage(end), CutCode(end)), aborted).ConfigureAwait(false);
        }

        return end;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RelayEnd> RelayEventsAsync(System.IO.Pipelines.PipeWriter client, CancellationToken aborted)
    {
        while (true)
        {
            var n = SseEventScanner.FindEventEnd(_buffer.Unread, _buffer.EndOfStream);
            if (n > 0)
            {
                var ev = _buffer.UnreadMemory[..n];
                var hide = Inspect(ev.Span);
                _buffer.Consume(n);
                if (hide)
                {
                    continue;
                }

                var flush = await client.WriteAsync(ev, aborted).ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    return RelayEnd.ClientGone;
                }

                continue;
            }

            if (_buffer.EndOfStream)
            {
                return await FinishAsync(client, aborted).ConfigureAwait(false);
            }

            var filled = await FillAfterCommitAsync(_buffer).ConfigureAwait(false);
            if (filled != RelayEnd.Complete)
            {
                return filled;
            }
        }
    }

    // At end of stream: forward a final unterminated event (some servers omit the last blank line), then judge.
    private async ValueTask<RelayEnd> FinishAsync(System.IO.Pipelines.PipeWriter client, CancellationToken aborted)
    {
        var rest = _buffer.UnreadMemory;
        if (!rest.Span.Trim(" \t\r\n"u8).IsEmpty && !Inspect(rest.Span))
        {
            await client.WriteAsync(rest, aborted).ConfigureAwait(false);
            await client.WriteAsync("\n\n"u8.ToArray(), aborted).ConfigureAwait(false);
        }

        _buffer.Consume(rest.Length);
        return _sawEnd ? RelayEnd.Complete : RelayEnd.UpstreamCut;
    }

    // Notes terminal events and usage; returns true for an event the client must not see (a usage chunk the
    // gateway asked for on its own behalf).
    private bool Inspect(ReadOnlySpan<byte> ev)
    {
        Tap.OnEvent(ev);
        if (_protocol != ClientProtocol.OpenAIChat)
        {
            _sawEnd |= IsTerminalEvent(EventType(ev), _protocol);
            return false;
        }

        var hide = _hideUsageChunk && Tap.LastEventWasUsageOnlyChunk;
        if (!_sawEnd && (SseEventScanner.IsDoneEvent(ev) || HasFinishReason(ev)))
        {
            _sawEnd = true;
        }

        return hide;
    }

    private static bool IsTerminalEvent(ReadOnlySpan<byte> type, ClientProtocol protocol) => protocol switch
    {
        ClientProtocol.AnthropicMessages => type.SequenceEqual("message_stop"u8) || type.SequenceEqual("error"u8),
        _ => type.SequenceEqual("response.completed"u8) || type.SequenceEqual("response.incomplete"u8)
             || type.SequenceEqual("response.failed"u8) || type.SequenceEqual("error"u8),
    };

    // The `event:` name, or else the JSON `"type"` that Anthropic and Responses put first in every payload.
    private static ReadOnlySpan<byte> EventType(ReadOnlySpan<byte> ev)
    {
        if (ev.StartsWith("event:"u8))
        {
            var line = ev[6..];
            var end = line.IndexOfAny((byte)'\r', (byte)'\n');
            return (end < 0 ? line : line[..end]).Trim((byte)' ');
        }

        var data = ev.IndexOf("data:"u8);
        if (data < 0)
        {
            return default;
        }

        var json = ev[(data + 5)..].TrimStart((byte)' ');
        if (!json.StartsWith("{\"type\":"u8))
        {
            return default;
        }

        json = json[8..].TrimStart((byte)' ');
        if (json.IsEmpty || json[0] != (byte)'"')
        {
            return default;
        }

        var close = json[1..].IndexOf((byte)'"');
        return close < 0 ? default : json.Slice(1, close);
    }

    // `"finish_reason"` followed by a string value (not null) — without parsing the JSON.
    private static bool HasFinishReason(ReadOnlySpan<byte> ev)
    {
        var i = ev.IndexOf("\"finish_reason\""u8);
        if (i < 0)
        {
            return false;
        }

        var rest = ev[(i + 15)..].TrimStart(" \t"u8);
        if (rest.IsEmpty || rest[0] != (byte)':')
        {
            return false;
        }

        rest = rest[1..].TrimStart(" \t"u8);
        return !rest.IsEmpty && rest[0] == (byte)'"';
    }

    protected override void DisposeCore() => _buffer.Dispose();
}
