using Switchyard.Core.Configuration;

namespace Switchyard.Endpoints;

/// <summary><c>/healthz</c> (process alive, no dependencies) and <c>/readyz</c> (a config is loaded and its default model has a usable endpoint).</summary>
internal static class HealthEndpoints
{
    public static IResult Liveness() => Results.Text("ok\n", "text/plain");

    public static IResult Readiness(ConfigManager config, TimeProvider time)
    {
        var snapshot = config.Current;
        // Not ready only when the default model has no usable endpoint (every one open, cooldown not over).
        return Switchyard.Core.Resilience.EndpointReadiness.DefaultModelUsable(snapshot, time.GetUtcNow())
            ? Results.Json(new ReadyStatus("ready", snapshot.Config.Source, snapshot.Generation, snapshot.Catalog.Models.Count), HostJsonContext.Default.ReadyStatus)
            : Results.Json(new ReadyStatus("not_ready: the default model has no usable endpoint (circuit breakers open)", snapshot.Config.Source, snapshot.Generation, snapshot.Catalog.Models.Count),
                HostJsonContext.Default.ReadyStatus, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

internal sealed record ReadyStatus(string Status, string Config, long Generation, int Models);
