using System.Runtime.CompilerServices;
using Switchyard.Core.Endpoints;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// A candidate's metric labels (model and <c>gen_ai.provider.name</c>), made once per candidate, and the metric series
/// its requests and attempts record into, found on first use and kept here: after that, recording a request's metrics
/// looks nothing up. Series are made only when first recorded, so the exposition never shows one that has not been.
/// A series outlives the candidate (a reload makes new candidates, which find the same series again).
/// </summary>
public sealed class ModelLabels(string model, string provider)
{
    private AttemptSeries? _ok;
    private AttemptSeries?[]? _failed;
    private readonly HistogramSeries?[] _tokens = new HistogramSeries?[5];
    private readonly RequestSeries?[] _answered = new RequestSeries?[3];

    /// <summary>The <c>model</c> (and GenAI request/response model) label: the configured name, a wildcard's entry name.</summary>
    public string Model { get; } = model;

    /// <summary>The <c>gen_ai.provider.name</c> label.</summary>
    public string Provider { get; } = provider;

    /// <summary>The series of this candidate's attempts that ended without an error class (answered, or the client left).</summary>
    internal AttemptSeries Ok => _ok ??= new AttemptSeries(this, null);

    /// <summary>The series of this candidate's attempts that failed with error class <paramref name="error"/>.</summary>
    internal AttemptSeries Failed(ErrorClass error)
    {
        var failed = _failed ??= new AttemptSeries?[TrafficMetrics.ErrorTypeCount];
        return failed[(int)error] ??= new AttemptSeries(this, TrafficMetrics.ErrorType(error));
    }

    /// <summary><c>gen_ai.client.token.usage</c> of a successful attempt, by token type (0 input, 1 output, 2 cached input, 3 cache creation, 4 reasoning).</summary>
    internal HistogramSeries Tokens(int type)
        => _tokens[type] ??= TrafficMetrics.TokenUsageSeries(new HistogramLabels("chat", Provider, Model, Model, TrafficMetrics.TokenType(type)));

    /// <summary>The series of requests served by this candidate in client protocol <paramref name="protocol"/> (0–2), no route, status 200.</summary>
    internal RequestSeries Answered(int protocol)
        => _answered[protocol] ??= new RequestSeries(TrafficMetrics.ProtocolLabel(protocol), Model);
}

/// <summary>The series an attempt records into: its three GenAI histograms (made on first record) and its attempt counts.</summary>
internal sealed class AttemptSeries(ModelLabels labels, string? errorType)
{
    private HistogramSeries? _duration;
    private HistogramSeries? _firstChunk;
    private HistogramSeries? _perChunk;
    private StrongBox<long>? _count;
    private StrongBox<long>? _clientGone;

    // The GenAI tags: the served entry is both the request and the response model (the upstream's own model string is
    // not a label: under a wildcard it echoes whatever the client sent); a failed attempt has error.type instead of a
    // response model.
    private HistogramLabels Key => new(errorType, "chat", labels.Provider, labels.Model, errorType is null ? labels.Model : null);

    public HistogramSeries Duration => _duration ??= TrafficMetrics.OperationDurationSeries(Key);

    public HistogramSeries FirstChunk => _firstChunk ??= TrafficMetrics.TimeToFirstChunkSeries(Key);

    public HistogramSeries PerChunk => _perChunk ??= TrafficMetrics.TimePerOutputChunkSeries(Key);

    /// <summary><c>switchyard.attempts</c> with outcome <c>ok</c> or the error class.</summary>
    public StrongBox<long> Count => _count ??= TrafficMetrics.AttemptCell(labels, errorType ?? "ok");

    /// <summary><c>switchyard.attempts</c> with outcome <c>client_gone</c>.</summary>
    public StrongBox<long> ClientGone => _clientGone ??= TrafficMetrics.AttemptCell(labels, "client_gone");
}

/// <summary>The series of answered requests (status 200, no route) of one model and client protocol: its count and duration.</summary>
internal sealed class RequestSeries(string protocol, string model)
{
    private HistogramSeries? _duration;

    public StrongBox<long> Count { get; } = TrafficMetrics.RequestCell(new RequestLabels(protocol, "", model, 200));

    public HistogramSeries Duration => _duration ??= TrafficMetrics.RequestDurationSeries(protocol, 200, model);
}
