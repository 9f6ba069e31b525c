using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The gateway's metric instruments on one <see cref="Meter"/> named <c>Switchyard</c> (System.Diagnostics.Metrics,
/// so any OpenTelemetry or <c>dotnet-counters</c> listener sees them; the Prometheus endpoint reads the same meter),
/// except the histograms, which the gateway keeps itself (<see cref="HistogramFamily"/>) and <c>/metrics</c> writes
/// beside the meter's output (<see cref="WriteHistograms"/>).
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

    /// <summary><c>switchyard.router.duration</c>: router-model call time in seconds, by <c>outcome</c> (a gateway-side histogram, like the others).</summary>
    private static readonly HistogramFamily RouterDuration = new("switchyard_router_duration_seconds", "seconds", "Router-model call duration",
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], "outcome");

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

    public static void RecordRouterDuration(TimeSpan duration, string outcome) => RouterDuration.Record(duration.TotalSeconds, new HistogramLabels(outcome));

    /// <summary>
    /// Writes the gateway's own histograms (<see cref="HistogramFamily"/>) for <c>/metrics</c>, in the Prometheus text
    /// format 0.0.4 or OpenMetrics 1.0 (without <c># EOF</c>); the OpenTelemetry exporter writes the rest of the meter.
    /// </summary>
    public static void WriteHistograms(StringBuilder output, bool openMetrics)
    {
        foreach (var family in TrafficMetrics.Histograms)
        {
            family.Write(output, openMetrics);
        }

        RouterDuration.Write(output, openMetrics);
    }
}
