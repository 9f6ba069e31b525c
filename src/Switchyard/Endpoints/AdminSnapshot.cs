using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Routing;
using Switchyard.Core.Telemetry;

namespace Switchyard.Endpoints;

/// <summary>
/// The admin page's data, built from what the gateway keeps: the model stats report, the request history, the
/// reload history and the redacted config. Called by the admin endpoints and once a second per open page; never on
/// a request's path.
/// </summary>
internal static class AdminSnapshot
{
    /// <summary>Traffic chart resolution.</summary>
    public const int ResolutionSeconds = 10;

    public static RecentRequestsDto Recent(RequestHistory history)
    {
        var latest = history.Latest;
        var list = history.Recent();
        var items = new RecentRequestDto[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            items[i] = Request(list[i]);
        }

        return new RecentRequestsDto("switchyard.recent_requests", latest, RequestHistory.RecentCapacity, items);
    }

    public static TrafficDto Traffic(RequestHistory history)
        => new("switchyard.traffic", ResolutionSeconds, RequestHistory.WindowSeconds, TrafficMetrics.InFlight, history.Traffic(ResolutionSeconds));

    public static ConfigDto Config(RuntimeSnapshot snapshot, ReloadHistory reloads)
    {
        var config = snapshot.Config;
        string yaml;
        try
        {
            yaml = RedactedConfig.Yaml(config);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The writer covers every config the loader accepts; if it ever does not, say so rather than fail the page.
            yaml = $"# the config could not be shown ({ex.GetType().Name})";
        }

        return new ConfigDto("switchyard.config", config.Source, snapshot.Generation, config.Dialect, config.Admin.ApiKey is not null, yaml,
            reloads.Events, reloads.LastError);
    }

    public static RequestDetailDto Detail(RequestRecord r)
    {
        JsonElement? explanation = null;
        if (r.Decision is { } d)
        {
            using var doc = JsonDocument.Parse(RoutingExplain.ToJson(d, r.TraceId == default ? null : r.TraceId.ToHexString()));
            explanation = doc.RootElement.Clone();
        }

        return new RequestDetailDto("switchyard.request", Request(r), explanation);
    }

    public static RecentRequestDto Request(RequestRecord r)
    {
        var attempts = new AttemptDto[r.AttemptCount];
        for (var i = 0; i < attempts.Length; i++)
        {
            var a = r.Attempt(i);
            attempts[i] = new AttemptDto(a.Model, a.Endpoint, a.Outcome, a.Status == 0 ? null : a.Status, a.Code);
        }

        var cost = r.Cost;
        return new RecentRequestDto(
            r.Sequence, r.Time, r.RequestId, r.TraceId == default ? null : r.TraceId.ToHexString(), r.Protocol, r.RequestedModel,
            r.Served?.CanonicalName, r.Served?.Provider.Prefix, r.Served is { } s ? RequestRecord.EndpointOf(s) : null,
            r.Decision?.Route, r.Decision is { } d ? RoutingExplain.MethodName(d.Method) : null, Why(r), r.Stream, r.Status, r.Cut,
            attempts, r.TimeToFirstByte is { } t ? Math.Round(t.TotalMilliseconds, 1) : null, Math.Round(r.Duration.TotalMilliseconds, 1),
            r.Usage?.InputTokens, r.Usage?.OutputTokens, cost.Usd is { } usd ? decimal.Round(usd, 10) : null, cost.Usd is null ? null : cost.Source);
    }

    /// <summary>One line on why the request went where it went (the explanation, short).</summary>
    public static string Why(RequestRecord r)
    {
        if (r.Decision is not { } d)
        {
            return r.Status >= 400 ? "rejected before routing" : "not routed";
        }

        var sb = new StringBuilder();
        switch (d.Method)
        {
            case RoutingMethod.Preference:
                sb.Append(CultureInfo.InvariantCulture, $"route '{d.Route}' chosen by the router");
                if (d.Router is { } router)
                {
                    sb.Append(CultureInfo.InvariantCulture, $" ({router.RouterModel ?? "router"}, {router.Elapsed.TotalMilliseconds:0} ms)");
                }

                break;
            case RoutingMethod.Affinity:
                sb.Append("pinned by X-Model-Affinity");
                if (d.Route is not null)
                {
                    sb.Append(CultureInfo.InvariantCulture, $" (route '{d.Route}')");
                }

                break;
            case RoutingMethod.NoRoute:
                sb.Append("the router found no fitting route: requested or default model");
                break;
            case RoutingMethod.FailOpen:
                sb.Append(CultureInfo.InvariantCulture, $"router failed ({d.Router?.FailureName ?? "unavailable"}): failed open to the requested or default model");
                break;
            default:
                sb.Append(d.ViaAlias is { } alias ? $"alias '{alias}'" : r.RequestedModel is null ? "default model" : "model named in the request");
                break;
        }

        if (d.Ranking is { } ranking)
        {
            sb.Append("; ranked ").Append(Core.Routing.Selection.SelectionPolicyNames.ToConfigName(ranking.Policy));
        }

        if (d.Skipped.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; {d.Skipped.Count} skipped");
        }

        var failed = 0;
        string? firstFailure = null;
        for (var i = 0; i < r.AttemptCount; i++)
        {
            var a = r.Attempt(i);
            if (a.Outcome is "failed" or "skipped")
            {
                failed++;
                firstFailure ??= $"{a.Model}: {a.Code ?? a.Outcome}";
            }
        }

        if (failed > 0)
        {
            sb.Append(r.Served is null ? $"; all {failed} candidate(s) failed ({firstFailure})" : $"; failed over after {failed} ({firstFailure})");
        }

        return sb.ToString();
    }
}
