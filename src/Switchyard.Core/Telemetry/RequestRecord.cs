using System.Diagnostics;
using Switchyard.Core.Catalog;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing;

namespace Switchyard.Core.Telemetry;

/// <summary>How one attempt (or skipped candidate) of a request ended, for the access log.</summary>
/// <param name="Model">The candidate's canonical name.</param>
/// <param name="Endpoint">The entry name, with the key slot for a key pool (never the key).</param>
/// <param name="Outcome"><c>ok</c>, <c>failed</c>, <c>skipped</c> or <c>client_gone</c>.</param>
/// <param name="Status">The HTTP status the attempt stands for (0 when none).</param>
/// <param name="Code">The failure code (<c>upstream_timeout</c>, <c>circuit_open</c>, the upstream status…), or null.</param>
public readonly record struct AttemptRecord(string Model, string Endpoint, string Outcome, int Status, string? Code);

/// <summary>
/// What one request did — routing, attempts, the model that served, timing, usage, cost — collected along the
/// pipeline and handed to the access log at the end (the background writer formats it; nothing here reads the
/// HttpContext after the request). One object per request; attempts beyond the first go in a list.
/// </summary>
public sealed class RequestRecord
{
    private AttemptRecord _first;
    private List<AttemptRecord>? _more;
    private bool _costDone;
    private RequestCost _cost;

    // The cost computed for the header before commit (CostBeforeCommit) and what it was computed from.
    private ResolvedModel? _committedModel;
    private IrUsage? _committedUsage;
    private Routing.Metrics.MetricsSources? _committedSources;
    private RequestCost _committedCost;

    /// <summary>Creates the record of a request that started now.</summary>
    public RequestRecord()
    {
        Started = Stopwatch.GetTimestamp();
        Time = DateTimeOffset.UtcNow;
    }

    public DateTimeOffset Time { get; }
    public long Started { get; }

    /// <summary><c>Stopwatch</c> timestamp when the answer was committed to the client (0: never).</summary>
    public long FirstByte { get; set; }

    /// <summary><c>Stopwatch</c> timestamp when the request ended.</summary>
    public long Ended { get; set; }

    public string? RequestId { get; set; }

    /// <summary>The request's number in the admin page's <see cref="RequestHistory"/> (1, 2, …; 0 until recorded there).</summary>
    public long Sequence { get; internal set; }
    public ActivityTraceId TraceId { get; set; }
    public string Protocol { get; set; } = "";
    public string? RequestedModel { get; set; }
    public bool Stream { get; set; }
    public int Status { get; set; }
    public RoutingDecision? Decision { get; set; }

    /// <summary>The model whose answer the client got (null when none did).</summary>
    public ResolvedModel? Served { get; set; }

    /// <summary>How a committed answer ended when not complete (a cut stream), or null.</summary>
    public string? Cut { get; set; }

    /// <summary>The <see cref="Cut"/> of an answer that the gateway itself failed after it had started.</summary>
    public const string InternalErrorCut = "InternalError";

    public IrUsage? Usage { get; set; }

    /// <summary>The cost sources of the request's snapshot, for <see cref="Cost"/>.</summary>
    public Routing.Metrics.MetricsSources? CostSources { get; set; }

    /// <summary>Attempts and skipped candidates, in order.</summary>
    public int AttemptCount { get; private set; }

    public AttemptRecord Attempt(int index) => index == 0 ? _first : _more![index - 1];

    public void AddAttempt(in AttemptRecord attempt)
    {
        if (AttemptCount == 0)
        {
            _first = attempt;
        }
        else
        {
            (_more ??= new List<AttemptRecord>(3)).Add(attempt);
        }

        AttemptCount++;
    }

    /// <summary>
    /// The request's cost: usage × the served model's price; unknown without a served model, usage or price.
    /// Computed once, on first read after the answer (the usage must be final).
    /// </summary>
    public RequestCost Cost
    {
        get
        {
            if (!_costDone)
            {
                // The header's cost when it was computed from the same model, usage and sources (so the two agree and
                // the price is looked up once); otherwise computed now.
                _cost = Served is { } served && Usage is { } usage && ReferenceEquals(served, _committedModel)
                    && ReferenceEquals(CostSources, _committedSources) && usage.Equals(_committedUsage)
                    ? _committedCost
                    : CostCalculator.For(Served, Usage, CostSources);
                _costDone = true;
            }

            return _cost;
        }
    }

    /// <summary>
    /// The cost of an answer from <paramref name="model"/> with <paramref name="usage"/> (usage known before the
    /// answer is committed, for the cost header). Remembered: when the request ends with the same served model and
    /// usage, <see cref="Cost"/> is this value.
    /// </summary>
    public RequestCost CostBeforeCommit(ResolvedModel model, IrUsage usage)
    {
        var sources = CostSources;
        var cost = CostCalculator.For(model, usage, sources);
        _committedModel = model;
        _committedUsage = usage;
        _committedSources = sources;
        _committedCost = cost;
        return cost;
    }

    /// <summary>Time to the committed answer's first byte, or null when nothing was committed.</summary>
    public TimeSpan? TimeToFirstByte => FirstByte == 0 ? null : Stopwatch.GetElapsedTime(Started, FirstByte);

    public TimeSpan Duration => Stopwatch.GetElapsedTime(Started, Ended == 0 ? Stopwatch.GetTimestamp() : Ended);

    /// <summary>The endpoint name for a candidate: its entry, plus the key slot of a key pool (never the key).</summary>
    public static string EndpointOf(ResolvedModel candidate)
        => candidate.Entry.KeySlot is { } slot ? $"{candidate.Entry.Name} ({slot.Label})" : candidate.Entry.Name;
}
