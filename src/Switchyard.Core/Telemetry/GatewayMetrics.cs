using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The gateway's metric instruments on one <see cref="Meter"/> named <c>Switchyard</c> (System.Diagnostics.Metrics,
/// so any OpenTelemetry or <c>dotnet-counters</c> listener sees them; the Prometheus endpoint reads the same meter).
/// </summary>
public static class GatewayMetrics
{
    /// <summary>The meter name listeners subscribe to.</summary>
    public const string MeterName = "Switchyard";

    internal static readonly Meter Meter = new(MeterName);

    /// <summary><c>switchyard.routing.decisions</c>: Route-stage outcomes by <c>method</c> (preference, affinity, no_route, fail_open) and <c>route</c>.</summary>
    private static readonly Counter<long> RoutingDecisions = Meter.CreateCounter<long>(
        "switchyard.routing.decisions", unit: "{decision}", description: "Preference-routing decisions by method and route");

    /// <summary><c>switchyard.router.fail_open</c>: router-model calls that failed and fell back, by <c>reason</c> (timeout, error, garbage, unavailable).</summary>
    private static readonly Counter<long> RouterFailOpen = Meter.CreateCounter<long>(
        "switchyard.router.fail_open", unit: "{request}", description: "Router-model failures that failed open to the requested or default model");

    /// <summary><c>switchyard.router.duration</c>: router-model call time in seconds, by <c>outcome</c>.</summary>
    private static readonly Histogram<double> RouterDuration = Meter.CreateHistogram<double>(
        "switchyard.router.duration", unit: "s", description: "Router-model call duration", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static void RecordDecision(string method, string? route)
    {
        if (RoutingDecisions.Enabled)
        {
            RoutingDecisions.Add(1, new TagList { { "method", method }, { "route", route ?? "" } });
        }
    }

    public static void RecordFailOpen(string reason)
    {
        if (RouterFailOpen.Enabled)
        {
            RouterFailOpen.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public static void RecordRouterDuration(TimeSpan duration, string outcome)
    {
        if (RouterDuration.Enabled)
        {
            RouterDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
