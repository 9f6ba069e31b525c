using System.Buffers;
using System.IO.Pipelines;
using Switchyard.Core.Pipeline;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>How a relayed stream ended.</summary>
public enum RelayEnd { Complete, UpstreamCut, IdleTimeout, ClientGone }

/// <summary>
/// Relays an upstream <c>text/event-stream</c> to the client event by event: each complete event is written and
/// flushed before the next read, partial events wait for their end, bytes are never re-encoded. It also notes
/// whether the stream ended properly — OpenAI chat: <c>data: [DONE]</c> or a <c>finish_reason</c>; Anthropic:
/// <c>message_stop</c>; Responses: <c>response.completed</c>/<c>.incomplete</c>/<c>.failed</c>; an upstream
/// <c>error</c> event also ends it — so a cut stream can be closed with an error event instead of looking complete.
/// </summary>
public sealed class SseRelay(Stream upstream, ClientProtocol protocol) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;
    private int _pendingEvent = -1;
    private bool _eof;

    /// <summary>True once a <c>data: [DONE]</c> event went through.</summary>
    public bool SawDone { get; private set; }

    /// <summary>True once an event carrying a non-null <c>finish_reason</c> went through.</summary>
    public bool SawFinishReason { get; private set; }

    /// <summary>
    /// Reads until the first complete event is buffered (the commit point) and returns true, or returns false when
    /// the upstream ended first. Timeouts and I/O errors propagate: before commit they are failover material.
    /// </summary>
    public async ValueTask<bool> PeekFirstEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var n = SseEventScanner.FindEventEnd(_buffer.AsSpan(_start, _end - _start), _eof);
            if (n > 0)
            {
                _pendingEvent = n;
                return true;
            }

            if (_eof)
            {
                return false;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the peeked event and every following one, resetting the idle timer before each read.
    /// </summary>
    public async ValueTask<RelayEnd> RelayAsync(PipeWriter client, CancellationTokenSource readTimeout, TimeSpan idleTimeout, CancellationToken clientAborted)
    {
        try
        {
            while (true)
            {
                var n = _pendingEvent > 0 ? _pendingEvent : SseEventScanner.FindEventEnd(_buffer.AsSpan(_start, _end - _start), _eof);
                _pendingEvent = -1;
                if (n > 0)
                {
                    var ev = _buffer.AsMemory(_start, n);
                    Inspect(ev.Span);
                    _start += n;
                    var flush = await client.WriteAsync(ev, clientAborted).ConfigureAwait(false);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return RelayEnd.ClientGone;
                    }

                    continue;
                }

                if (_eof)
                {
                    return await FinishAsync(client, clientAborted).ConfigureAwait(false);
                }

                PrepareForRead();
                var (read, failure) = await IdleTimeoutRead.ReadAsync(upstream, _buffer.AsMemory(_end), readTimeout, idleTimeout, clientAborted).ConfigureAwait(false);
                if (read < 0)
                {
                    return failure;
                }

                _eof = read == 0;
                _end += read;
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return RelayEnd.ClientGone;
        }
    }

    // At end of stream: forward a final unterminated event (some servers omit the last blank line), then judge.
    private async ValueTask<RelayEnd> FinishAsync(PipeWriter client, CancellationToken clientAborted)
    {
        var rest = _buffer.AsMemory(_start, _end - _start);
        if (!rest.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            Inspect(rest.Span);
            await client.WriteAsync(rest, clientAborted).ConfigureAwait(false);
            await client.WriteAsync("\n\n"u8.ToArray(), clientAborted).ConfigureAwait(false);
        }

        _start = _end;
        return SawDone || SawFinishReason ? RelayEnd.Complete : RelayEnd.UpstreamCut;
    }

    private void Inspect(ReadOnlySpan<byte> ev)
    {
        if (protocol != ClientProtocol.OpenAIChat)
        {
            SawDone |= IsTerminalEvent(EventType(ev), protocol);
            return;
        }

        if (!SawDone && SseEventScanner.IsDoneEvent(ev))
        {
            SawDone = true;
        }
        else if (!SawFinishReason && HasFinishReason(ev))
        {
            SawFinishReason = true;
        }
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

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        PrepareForRead();
        var read = await upstream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _eof = read == 0;
        _end += read;
    }

    // Keeps the partial event at the front, so the buffer only grows for an event larger than it.
    private void PrepareForRead()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
