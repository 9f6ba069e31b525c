using System.IO.Pipelines;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Translation.Framing;
using Switchyard.Protocols.OpenAIChat;
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
public sealed class SseRelay(Stream upstream, ClientProtocol protocol, bool hideUsageChunk = false) : IDisposable
{
    private readonly ReadBuffer _buffer = new(upstream);
    private int _pendingEvent = -1;

    /// <summary>True once a <c>data: [DONE]</c> event went through.</summary>
    public bool SawDone { get; private set; }

    /// <summary>OpenAI chat: the usage the stream reported (read by the usage tap), or null.</summary>
    public ChatUsage? Usage { get; private set; }

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
            var n = SseEventScanner.FindEventEnd(_buffer.Unread, _buffer.EndOfStream);
            if (n > 0)
            {
                _pendingEvent = n;
                return true;
            }

            if (_buffer.EndOfStream)
            {
                return false;
            }

            await _buffer.FillAsync(cancellationToken).ConfigureAwait(false);
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
                var n = _pendingEvent > 0 ? _pendingEvent : SseEventScanner.FindEventEnd(_buffer.Unread, _buffer.EndOfStream);
                _pendingEvent = -1;
                if (n > 0)
                {
                    var ev = _buffer.UnreadMemory[..n];
                    var hide = Inspect(ev.Span);
                    _buffer.Consume(n);
                    if (hide)
                    {
                        continue;
                    }

                    var flush = await client.WriteAsync(ev, clientAborted).ConfigureAwait(false);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return RelayEnd.ClientGone;
                    }

                    continue;
                }

                if (_buffer.EndOfStream)
                {
                    return await FinishAsync(client, clientAborted).ConfigureAwait(false);
                }

                var failure = await IdleTimeoutRead.FillAsync(_buffer, readTimeout, idleTimeout, clientAborted).ConfigureAwait(false);
                if (failure != RelayEnd.Complete)
                {
                    return failure;
                }
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
        var rest = _buffer.UnreadMemory;
        if (!rest.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            if (!Inspect(rest.Span))
            {
                await client.WriteAsync(rest, clientAborted).ConfigureAwait(false);
                await client.WriteAsync("\n\n"u8.ToArray(), clientAborted).ConfigureAwait(false);
            }
        }

        _buffer.Consume(rest.Length);
        return SawDone || SawFinishReason ? RelayEnd.Complete : RelayEnd.UpstreamCut;
    }

    // Notes terminal events and usage; returns true for an event the client must not see (a usage chunk the
    // gateway asked for on its own behalf).
    private bool Inspect(ReadOnlySpan<byte> ev)
    {
        if (protocol != ClientProtocol.OpenAIChat)
        {
            SawDone |= IsTerminalEvent(EventType(ev), protocol);
            return false;
        }

        if (ChatUsage.TryReadFromEvent(ev, out var usage, out var choicesEmpty))
        {
            Usage = usage;
            if (hideUsageChunk && choicesEmpty)
            {
                return true;
            }
        }

        if (!SawDone && SseEventScanner.IsDoneEvent(ev))
        {
            SawDone = true;
        }
        else if (!SawFinishReason && HasFinishReason(ev))
        {
            SawFinishReason = true;
        }

        return false;
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

    public void Dispose() => _buffer.Dispose();
}
