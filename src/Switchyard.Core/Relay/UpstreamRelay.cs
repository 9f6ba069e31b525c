using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation.Framing;

namespace Switchyard.Core.Relay;

/// <summary>How a relayed answer ended after commit.</summary>
public enum RelayEnd { Complete, UpstreamCut, IdleTimeout, DeadlineExceeded, TooLarge, ClientGone }

/// <summary>What the peek before commit found.</summary>
public enum PeekKind
{
    /// <summary>An event (or body bytes) carrying data: commit.</summary>
    Ready,
    /// <summary>The upstream ended before anything that carries data.</summary>
    Empty,
    /// <summary>An error event before any data: classified like the equivalent HTTP status.</summary>
    EarlyError,
    /// <summary>A 2xx answer that cannot be read as its protocol.</summary>
    Invalid,
}

/// <summary>The peek's result; <see cref="Error"/> is set for <see cref="PeekKind.EarlyError"/> and <see cref="PeekKind.Invalid"/>.</summary>
public readonly record struct PeekResult(PeekKind Kind, IrError? Error = null)
{
    public static PeekResult Ready => new(PeekKind.Ready);
    public static PeekResult Empty => new(PeekKind.Empty);
}

/// <summary>Everything a relay needs about its attempt.</summary>
public sealed class RelayScope
{
    public required GatewayRequest Request { get; init; }
    public required ResolvedModel Candidate { get; init; }
    public required UpstreamCall Call { get; init; }
    public required HttpResponseMessage Response { get; init; }
    public required Stream Upstream { get; init; }
    public required AttemptTimers Timers { get; init; }
    public required UpstreamTimeouts Timeouts { get; init; }
    public required int MaxEventBytes { get; init; }
    public required int Attempts { get; init; }
    public required ILogger Logger { get; init; }
    /// <summary>Also read the answer's <c>model</c> (for a traced attempt's <c>gen_ai.response.model</c>).</summary>
    public bool CaptureModel { get; init; }
    public HttpContext Context => Request.HttpContext;

    private string? _contentType;
    private long _contentLength = -2; // -2: not read yet; -1: absent or not a number

    /// <summary>
    /// The answer's <c>Content-Type</c> as the upstream sent it, or null. Read raw, once: the typed header getters of
    /// <see cref="System.Net.Http.Headers.HttpContentHeaders"/> parse the value under a lock on every call.
    /// </summary>
    public string? UpstreamContentType
    {
        get
        {
            if (_contentType is null && Response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) && values.Count > 0)
            {
                _contentType = values.ToString();
            }

            return _contentType;
        }
    }

    /// <summary>The answer's <c>Content-Length</c>, or null when absent (read raw, once, like <see cref="UpstreamContentType"/>).</summary>
    public long? UpstreamContentLength
    {
        get
        {
            if (_contentLength == -2)
            {
                _contentLength = Response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values) && values.Count == 1
                    && long.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                    ? n
                    : -1;
            }

            return _contentLength >= 0 ? _contentLength : null;
        }
    }

    /// <summary>True when the answer is an SSE stream (<c>text/event-stream</c>, parameters and case aside).</summary>
    public bool IsEventStream
    {
        get
        {
            var type = UpstreamContentType.AsSpan();
            var semicolon = type.IndexOf(';');
            return (semicolon < 0 ? type : type[..semicolon]).Trim().Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>
/// Moves one upstream answer to the client (DESIGN.md §1.1). One abstraction, two implementations — pass-through
/// (bytes as they arrive) and translating (upstream frames → IR → client encoder) — sharing the bounded read buffer
/// (<c>max_event_bytes</c>), the idle timer, the PEEK RULE (commit at the first event carrying data; comments and
/// keep-alives never commit; an early error event is classified like its HTTP status) and the usage tap.
/// <see cref="PeekAsync"/> runs before commit and lets timeouts and I/O errors propagate (they are failover
/// material); <see cref="RelayAsync"/> commits and relays, ending a cut stream with an error event.
/// </summary>
public abstract class UpstreamRelay(RelayScope scope) : IDisposable
{
    private IrUsage? _decodedUsage;

    protected RelayScope Scope { get; } = scope;

    /// <summary>The usage tap: reads usage from every event or body chunk as it is relayed (all protocols, both modes).</summary>
    protected Translation.Passthrough.UsageTap Tap { get; } = new(scope.Call.Protocol, captureModel: scope.CaptureModel);

    /// <summary>Token usage seen in the answer (the tap's, or a decoded answer's), or null.</summary>
    public IrUsage? Usage
    {
        get => Tap.Usage ?? _decodedUsage;
        protected set => _decodedUsage = value;
    }

    /// <summary>The answer's <c>model</c> as the upstream wrote it, when <see cref="RelayScope.CaptureModel"/> asked for it.</summary>
    public string? Model => Tap.Model;

    /// <summary>Events (SSE events, or frames of a binary event stream) seen in the answer so far; 0 for a JSON body.</summary>
    public int Events => Tap.Events;

    /// <summary>Reads up to the commit point.</summary>
    public abstract ValueTask<PeekResult> PeekAsync();

    /// <summary>Commits (status and headers) and relays the rest; returns how it ended.</summary>
    public abstract ValueTask<RelayEnd> RelayAsync();

    public void Dispose()
    {
        Tap.Dispose();
        DisposeCore();
    }

    /// <summary>Returns the implementation's buffers.</summary>
    protected abstract void DisposeCore();

    /// <summary>Creates the relay for an attempt's upstream answer.</summary>
    public static UpstreamRelay For(RelayScope scope)
    {
        if (!scope.Call.IsPassthrough)
        {
            return scope.Request.IsStreaming ? new TranslatingStreamRelay(scope) : new TranslatingBodyRelay(scope);
        }

        return scope.IsEventStream
            ? new PassthroughSseRelay(scope)
            : new PassthroughBodyRelay(scope);
    }

    /// <summary>One fill of <paramref name="buffer"/> after commit, under the idle timer (and the deadline, if armed).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    protected async ValueTask<RelayEnd> FillAfterCommitAsync(ReadBuffer buffer)
    {
        var timers = Scope.Timers;
        timers.ArmIdle(Scope.Timeouts.StreamIdle);
        try
        {
            await buffer.FillAsync(timers.Token).ConfigureAwait(false);
            timers.DisarmIdle();
            return RelayEnd.Complete;
        }
        catch (OperationCanceledException) when (!timers.ClientGone)
        {
            return timers.Fired == TimerFired.Deadline ? RelayEnd.DeadlineExceeded : RelayEnd.IdleTimeout;
        }
        catch (FrameTooLargeException) when (!timers.ClientGone)
        {
            return RelayEnd.TooLarge;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException && !timers.ClientGone)
        {
            return RelayEnd.UpstreamCut;
        }
    }

    /// <summary>The client-facing text for a cut.</summary>
    protected string CutMessage(RelayEnd end) => end switch
    {
        RelayEnd.IdleTimeout => $"upstream for '{Scope.Candidate.CanonicalName}' sent nothing for {Scope.Timeouts.StreamIdle.TotalSeconds:0.###} s; the stream is incomplete",
        RelayEnd.DeadlineExceeded => $"upstream for '{Scope.Candidate.CanonicalName}' did not finish within {Scope.Timeouts.Request.TotalSeconds:0.###} s (request_timeout); the answer is incomplete",
        RelayEnd.TooLarge => $"upstream for '{Scope.Candidate.CanonicalName}' sent an event larger than {Scope.MaxEventBytes} bytes (max_event_bytes); the stream is incomplete",
        _ => $"upstream for '{Scope.Candidate.CanonicalName}' ended the stream before it was complete",
    };

    protected static string CutCode(RelayEnd end) => end switch
    {
        RelayEnd.IdleTimeout => "stream_idle_timeout",
        RelayEnd.DeadlineExceeded => "request_timeout",
        RelayEnd.TooLarge => "event_too_large",
        _ => "stream_interrupted",
    };

    /// <summary>Status and headers for a committed answer.</summary>
    protected void Commit(int status, string? contentType, long? contentLength, bool copyUpstreamHeaders)
    {
        var context = Scope.Context;
        var r = context.Response;
        r.StatusCode = status;
        r.ContentType = contentType;
        if (contentLength is { } length)
        {
            r.ContentLength = length;
        }

        RelayHeaders.SetGatewayHeaders(r, Scope.Candidate, Scope.Attempts);
        if (copyUpstreamHeaders)
        {
            RelayHeaders.CopyUpstreamHeaders(Scope.Response, r);
        }

        if (Scope.Request.IsStreaming)
        {
            r.Headers.CacheControl = "no-cache";
        }
        else
        {
            // Only what is known before the headers go out: usage read before commit (a translated answer, or a
            // pass-through body that arrived in one read); otherwise "unknown" (docs/observability.md, "Cost").
            r.Headers[RelayHeaders.CostHeader] = Usage is { } usage
                ? Scope.Request.Record.CostBeforeCommit(Scope.Candidate, usage).ToString()
                : "unknown";
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}

/// <summary>The gateway's response headers.</summary>
public static class RelayHeaders
{
    public const string ProviderHeader = "x-switchyard-provider";
    public const string ModelHeader = "x-switchyard-model";
    public const string AttemptsHeader = "x-switchyard-attempts";
    public const string CostHeader = "x-switchyard-cost-usd";

    public static void SetGatewayHeaders(HttpResponse r, ResolvedModel candidate, int attempts)
    {
        r.Headers[ProviderHeader] = candidate.Provider.Prefix;
        r.Headers[ModelHeader] = candidate.CanonicalName;
        r.Headers[AttemptsHeader] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    // Upstream metadata clients use (request ids for support tickets, rate-limit budgets); hop-by-hop and
    // transport headers stay behind.
    // Read without validation: the values are relayed as received, and validating (parsing each header into its typed
    // form, as the plain enumerator does) costs allocations on every answer for headers that are then dropped.
    public static void CopyUpstreamHeaders(HttpResponseMessage response, HttpResponse r)
    {
        foreach (var header in response.Headers.NonValidated)
        {
            var name = header.Key;
            if (name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("openai-", StringComparison.OrdinalIgnoreCase)
                || name.Equals("x-request-id", StringComparison.OrdinalIgnoreCase)
                || name.Equals("retry-after", StringComparison.OrdinalIgnoreCase))
            {
                var values = header.Value;
                if (values.Count == 1)
                {
                    r.Headers[name] = values.ToString();
                }
                else
                {
                    var all = new string[values.Count];
                    var i = 0;
                    foreach (var v in values)
                    {
                        all[i++] = v;
                    }

                    r.Headers[name] = all;
                }
            }
        }
    }
}
