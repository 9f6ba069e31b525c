using Switchyard.Core.Configuration;

namespace Switchyard.Endpoints;

/// <summary><c>/healthz</c> (process alive, no dependencies) and <c>/readyz</c> (a config is loaded).</summary>
internal static class HealthEndpoints
{
    public static IResult Liveness() => Results.Text("ok\n", "text/plain");

    public static IResult Readiness(ConfigManager config)
    {
        var snapshot = config.Current;
        return Results.Json(new ReadyStatus("ready", snapshot.Config.Source, snapshot.Generation, snapshot.Catalog.Models.Count), HostJsonContext.Default.ReadyStatus);
    }
}

internal sealed record ReadyStatus(string Status, string Config, long Generation, int Models);
