using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Switchyard.Core.Catalog;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Resilience;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The request and attempt instruments on the <c>Switchyard</c> meter (docs/observability.md, "Metrics"): the
/// OpenTelemetry GenAI client metrics for what the gateway sends upstream, and the gateway's own counters and
/// histograms. Every label value is a configured name or a small fixed set (protocol, status, error class): a model
/// asked for under a wildcard entry is labelled by the entry's name, never by the client's string; no key, prompt or
/// caller id is ever a label. The histograms and the two counters every request moves are the gateway's own
/// (<see cref="HistogramFamily"/>, <see cref="LabeledCounts{TKey}"/>); their series are found once and kept on the
/// candidate's <see cref="ModelLabels"/>, so recording a request looks nothing up in the common case.
/// </summary>
public static class TrafficMetrics
{
    // GenAI semantic conventions (gen-ai-metrics.md): names, units and advised buckets as specified.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly double[] ChunkBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
    private static readonly double[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] OverheadBuckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private static readonly Meter Meter = GatewayMetrics.Meter;

    // The histograms are the gateway's own (HistogramFamily: a series is found once and kept, on the candidate's
    // ModelLabels), written into /metrics beside the OpenTelemetry exporter's output under the names that exporter
    // gives an instrument: gen_ai.client.operation.duration in seconds is gen_ai_client_operation_duration_seconds.
    private static readonly string[] GenAiLabels = ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model", "gen_ai_token_type"];
    private static readonly string[] AttemptLabelNames = ["error_type", "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model"];

    private static readonly HistogramFamily TokenUsage = new("gen_ai_client_token_usage", null,
        "Tokens used per upstream answer, by gen_ai.token.type (input, output, cached_input, cache_creation_input, reasoning)", TokenBuckets, GenAiLabels);

    private static readonly HistogramFamily OperationDuration = new("gen_ai_client_operation_duration_seconds", "seconds",
        "Upstream attempt duration, request sent to the answer's last byte (or the failure)", DurationBuckets, AttemptLabelNames);

    private static readonly HistogramFamily TimeToFirstChunk = new("gen_ai_client_operation_time_to_first_chunk_seconds", "seconds",
        "Streaming attempts: request sent to the first event with content", DurationBuckets, AttemptLabelNames);

    private static readonly HistogramFamily TimePerOutputChunk = new("gen_ai_client_operation_time_per_output_chunk_seconds", "seconds",
        "Streaming attempts: mean time between events after the first (one sample per completed stream)", ChunkBuckets, AttemptLabelNames);

    // The two counters every request moves are counted here (a lock-free lookup keyed by the label values with a cheap
    // hash, then an interlocked add) and read by the exporter through observable counters at scrape time: an
    // OpenTelemetry Counter.Add hashes every tag key and value on each call, ≈ 0.5 µs (docs/performance.md).
    private static readonly LabeledCounts<RequestLabels> RequestCounts = new();
    private static readonly LabeledCounts<AttemptLabels> AttemptCounts = new();

    private static readonly ObservableCounter<long> Requests = Meter.CreateObservableCounter("switchyard.requests",
        static () => RequestCounts.Measurements(static k => new TagList
        {
            { "client.protocol", k.Protocol },
            { "route", k.Route },
            { "model", k.Model },
            { "http.response.status_code", Status(k.Status) },
        }),
        "{request}", "Client requests answered, by client protocol, route, served model and HTTP status");

    private static readonly HistogramFamily RequestDuration = new("switchyard_request_duration_seconds", "seconds",
        "Client request duration, body read to the last byte written", DurationBuckets, "client_protocol", "http_response_status_code", "model");

    private static readonly HistogramFamily Overhead = new("switchyard_gateway_overhead_seconds", "seconds",
        "Time the gateway added to a request: its total duration minus the time spent in upstream attempts", OverheadBuckets, "client_protocol");

    private static readonly HistogramSeries?[] OverheadByProtocol = new HistogramSeries?[3];

    /// <summary>The histograms recorded here, in the order /metrics writes them.</summary>
    internal static readonly HistogramFamily[] Histograms = [OperationDuration, TimeToFirstChunk, TimePerOutputChunk, TokenUsage, Overhead, RequestDuration];

    private static readonly ObservableCounter<long> Attempts = Meter.CreateObservableCounter("switchyard.attempts",
        static () => AttemptCounts.Measurements(static k => new TagList
        {
            { "model", k.Model },
            { "gen_ai.provider.name", k.Provider },
            { "outcome", k.Outcome },
        }),
        "{attempt}", "Upstream attempts by model entry and outcome (ok, client_gone or the error class)");

    private static readonly Counter<long> Failovers = Meter.CreateCounter<long>("switchyard.failovers", "{failover}",
        "Moves from one candidate to the next, by reason (the failure that caused it), from and to model");

    private static readonly Counter<long> Cooldowns = Meter.CreateCounter<long>("switchyard.endpoint.cooldowns", "{cooldown}",
        "Times an endpoint's circuit breaker opened (or its key was disabled) and it went into cooldown");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>("switchyard.ratelimit.rejections", "{rejection}",
        "Candidates skipped because an rpm/tpm limit or a ratelimits rule had no room");

    private static readonly Counter<long> Reloads = Meter.CreateCounter<long>("switchyard.config.reloads", "{reload}",
        "Config reloads by result (ok, failed)");

    private static readonly LabeledSums SpendSums = new();

    private static readonly ObservableCounter<double> Spend = Meter.CreateObservableCounter("switchyard.spend.usd",
        static () => SpendSums.Measurements("model"),
        "{USD}", "Spend in US dollars of answered requests, by served model (requests whose price is unknown are not counted)");

    private static long _inFlight;

    /// <summary>Client requests being handled now.</summary>
    public static long InFlight => Interlocked.Read(ref _inFlight);

    private static readonly object[] StatusCodes = BoxedStatusCodes();

    private static readonly string[] ErrorTypes = ["rate_limited", "server_error", "timeout", "connection", "auth_refused", "context_overflow", "invalid_answer", "stream_cut", "client_error"];

    /// <summary>The label of an error class (the admin stats' names).</summary>
    public static string ErrorType(ErrorClass kind) => ErrorTypes[(int)kind];

    /// <summary>
    /// The bounded model label of a candidate: its configured name, or for a wildcard entry the entry's name — the
    /// model string a client sent under a wildcard is never a label.
    /// </summary>
    public static string ModelLabel(ResolvedModel candidate) => candidate.Entry.IsWildcard ? candidate.Entry.Name : candidate.CanonicalName;

    /// <summary><c>gen_ai.provider.name</c>: the semantic conventions' well-known value for a built-in provider, else its configured prefix.</summary>
    public static string ProviderLabel(string prefix) => prefix switch
    {
        "azure_openai" => "azure.ai.openai",
        "amazon_bedrock" => "aws.bedrock",
        "gemini" => "gcp.gemini",
        "vertex" => "gcp.vertex_ai",
        "mistral" => "mistral_ai",
        "xai" => "x_ai",
        _ => prefix,
    };

    // The client protocol's label is the access log's name for it; the index is its slot in the per-protocol caches.
    private static readonly string[] ProtocolLabels =
    [
        RecordStage.ProtocolName(ClientProtocol.AnthropicMessages),
        RecordStage.ProtocolName(ClientProtocol.OpenAIResponses),
        RecordStage.ProtocolName(ClientProtocol.OpenAIChat),
    ];

    private static readonly string[] TokenTypes = ["input", "output", "cached_input", "cache_creation_input", "reasoning"];

    private static readonly string[] StatusLabels = Array.ConvertAll(StatusCodes, static s => s.ToString()!);

    /// <summary>How many error classes there are (the length of the per-class caches).</summary>
    internal static int ErrorTypeCount => ErrorTypes.Length;

    /// <summary>The <c>client_protocol</c> label of protocol slot <paramref name="index"/> (see <see cref="ProtocolIndex"/>).</summary>
    internal static string ProtocolLabel(int index) => ProtocolLabels[index];

    /// <summary>The <c>gen_ai.token.type</c> label of token type <paramref name="type"/> (0 input … 4 reasoning).</summary>
    internal static string TokenType(int type) => TokenTypes[type];

    private static int ProtocolIndex(ClientProtocol protocol) => protocol switch
    {
        ClientProtocol.AnthropicMessages => 0,
        ClientProtocol.OpenAIResponses => 1,
        _ => 2,
    };

    /// <summary>A client request enters the pipeline.</summary>
    public static void RequestStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>A client request leaves the pipeline, however it ended.</summary>
    public static void RequestFinished() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// A client request is over (Record stage): counts it by protocol, route, served model and status, and records
    /// its duration and the gateway's overhead (duration minus upstream time). <paramref name="started"/> is a
    /// <see cref="Stopwatch"/> timestamp.
    /// </summary>
    public static void RequestEnded(ClientProtocol protocol, int status, GatewayRequest? request, RoutingDecision? decision, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var protocolIndex = ProtocolIndex(protocol);
        var protocolLabel = ProtocolLabels[protocolIndex];
        var served = request?.ServedBy?.MetricLabels;
        var route = decision?.Route ?? "";
        if (served is not null && status == 200 && route.Length == 0)
        {
            // The common case, kept on the served candidate: no lookup.
            var series = served.Answered(protocolIndex);
            Interlocked.Increment(ref series.Count.Value);
            series.Duration.Record(elapsed.TotalSeconds);
        }
        else
        {
            var model = served?.Model ?? "";
            RequestCounts.Increment(new RequestLabels(protocolLabel, route, model, status));
            RequestDurationSeries(protocolLabel, status, model).Record(elapsed.TotalSeconds);
        }

        if (request is not null && request.UpstreamTicks > 0)
        {
            var overhead = elapsed - Stopwatch.GetElapsedTime(0, request.UpstreamTicks);
            var series = OverheadByProtocol[protocolIndex] ??= Overhead.Series(new HistogramLabels(protocolLabel));
            series.Record(Math.Max(overhead.TotalSeconds, 0));
        }
    }

    /// <summary>
    /// One upstream attempt is over. <paramref name="sent"/> and <paramref name="firstChunk"/> (0 when none) are
    /// <see cref="Stopwatch"/> timestamps; <paramref name="error"/> is null on success; <paramref name="clientGone"/>
    /// when the client left; <paramref name="events"/> the stream's event count (0 for JSON answers).
    /// </summary>
    public static void AttemptEnded(GatewayRequest request, ResolvedModel candidate, long sent, long firstChunk, ErrorClass? error, bool clientGone, int events)
    {
        var now = Stopwatch.GetTimestamp();
        request.UpstreamTicks += now - sent;
        var labels = candidate.MetricLabels;
        var series = error is { } e ? labels.Failed(e) : labels.Ok;
        Interlocked.Increment(ref (error is null && clientGone ? series.ClientGone : series.Count).Value);

        series.Duration.Record(Stopwatch.GetElapsedTime(sent, now).TotalSeconds);
        if (firstChunk != 0)
        {
            series.FirstChunk.Record(Stopwatch.GetElapsedTime(sent, firstChunk).TotalSeconds);
            if (events > 1 && error is null && !clientGone)
            {
                series.PerChunk.Record(Stopwatch.GetElapsedTime(firstChunk, now).TotalSeconds / (events - 1));
            }
        }

        if (error is null && request.Usage is { } usage)
        {
            Tokens(labels, usage.InputTokens, 0, 0);
            Tokens(labels, usage.OutputTokens, 1, 0);
            // The detail types only when the answer had some: most answers have none, and a 0 there says nothing.
            Tokens(labels, usage.CachedInputTokens, 2, 1);
            Tokens(labels, usage.CacheWriteInputTokens, 3, 1);
            Tokens(labels, usage.ReasoningTokens, 4, 1);
        }
    }

    private static void Tokens(ModelLabels labels, int? count, int type, int least)
    {
        if (count is { } n && n >= least)
        {
            labels.Tokens(type).Record(n);
        }
    }

    internal static HistogramSeries TokenUsageSeries(in HistogramLabels labels) => TokenUsage.Series(labels);

    internal static HistogramSeries OperationDurationSeries(in HistogramLabels labels) => OperationDuration.Series(labels);

    internal static HistogramSeries TimeToFirstChunkSeries(in HistogramLabels labels) => TimeToFirstChunk.Series(labels);

    internal static HistogramSeries TimePerOutputChunkSeries(in HistogramLabels labels) => TimePerOutputChunk.Series(labels);

    internal static HistogramSeries RequestDurationSeries(string protocol, int status, string model)
        => RequestDuration.Series(new HistogramLabels(protocol, (uint)status < (uint)StatusLabels.Length ? StatusLabels[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture), model));

    internal static StrongBox<long> AttemptCell(ModelLabels labels, string outcome) => AttemptCounts.Cell(new AttemptLabels(labels.Model, labels.Provider, outcome));

    internal static StrongBox<long> RequestCell(in RequestLabels labels) => RequestCounts.Cell(labels);

    /// <summary>The dispatch loop moves from <paramref name="from"/> to <paramref name="to"/> because of <paramref name="reason"/>.</summary>
    internal static void Failover(ResolvedModel from, ResolvedModel to, AttemptFailure reason)
    {
        if (Failovers.Enabled)
        {
            Failovers.Add(1, new TagList
            {
                { "reason", FailoverReason(reason) },
                { "from_model", ModelLabel(from) },
                { "to_model", ModelLabel(to) },
            });
        }
    }

    // Skips name their gate (the codes are the gateway's own, a fixed set); upstream failures their error class.
    private static string FailoverReason(AttemptFailure f) => f.Code switch
    {
        EndpointGate.CircuitOpen or EndpointGate.KeyDisabled or EndpointGate.EndpointBusy or "rate_limited" or "untranslatable_request"
            or "missing_access_key" or "missing_credential" or "protocol_not_supported" => f.Code,
        _ => ErrorType(AttemptRunner.ErrorClassOf(f)),
    };

    /// <summary>A candidate was skipped by a rate limit.</summary>
    public static void RateLimitRejected(ResolvedModel candidate)
    {
        if (RateLimited.Enabled)
        {
            RateLimited.Add(1, new KeyValuePair<string, object?>("model", ModelLabel(candidate)));
        }
    }

    /// <summary>After a failure was recorded on <paramref name="endpoint"/>: counts a cooldown when that failure opened its breaker.</summary>
    public static void AfterFailure(EndpointState endpoint, ResolvedModel candidate, DateTimeOffset failedAt)
    {
        var breaker = endpoint.Breaker;
        if (breaker.OpenedAt == failedAt && Cooldowns.Enabled)
        {
            Cooldowns.Add(1, new TagList
            {
                { "model", ModelLabel(candidate) },
                { "endpoint", endpoint.EntryName },
                { "reason", breaker.State == BreakerState.KeyDisabled ? "key_disabled" : "breaker_open" },
            });
        }
    }

    /// <summary>A config reload finished (<paramref name="ok"/>) or was rejected.</summary>
    public static void ConfigReloaded(bool ok) => Reloads.Add(1, new KeyValuePair<string, object?>("result", ok ? "ok" : "failed"));

    /// <summary>
    /// The spend hook for per-request cost (issue 10 §3, built separately): the Record stage calls this with the
    /// request's cost in USD once it is known. A request whose price is unknown is not recorded (never as 0).
    /// </summary>
    public static void RecordSpend(GatewayRequest request, double costUsd)
    {
        if (request.ServedBy is { } served && costUsd >= 0)
        {
            SpendSums.Add(ModelLabel(served), costUsd);
        }
    }

    private static object Status(int status) => (uint)status < (uint)StatusCodes.Length ? StatusCodes[status] : status;

    private static object[] BoxedStatusCodes()
    {
        var codes = new object[600];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = i;
        }

        return codes;
    }
}
