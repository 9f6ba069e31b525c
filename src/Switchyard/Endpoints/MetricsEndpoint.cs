using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Switchyard.Core.Configuration;
using Switchyard.Core.Telemetry;

namespace Switchyard.Endpoints;

/// <summary>
/// <c>GET /metrics</c>: the <c>Switchyard</c> meter in the Prometheus text format, through the OpenTelemetry SDK and
/// its Prometheus exporter for ASP.NET Core (docs/observability.md, "Metrics"). The endpoint is on the admin surface:
/// <c>Authorization: Bearer &lt;admin.api_key&gt;</c> when that key is set (Prometheus: <c>authorization</c> /
/// <c>bearer_token</c> in the scrape config), loopback clients only otherwise — the same rule as the admin API.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>The MeterProvider with the Prometheus exporter, and the per-host observable instruments.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("switchyard"))
            .WithMetrics(m => m
                .AddMeter(GatewayMetrics.MeterName)
                // Every scrape reads the live values: the exporter's response cache (300 ms by default) would hide a
                // change between two close scrapes and buys nothing at Prometheus' intervals.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddSingleton<EndpointGauges>();
        return services;
    }

    public static void MapMetrics(this WebApplication app)
    {
        // Created now (not on first scrape) so reloads are counted from the start.
        app.Services.GetRequiredService<EndpointGauges>();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var config = context.RequestServices.GetRequiredService<ConfigManager>();
            if (await AdminEndpoints.AuthorizeAsync(context, config.Current.Config.Admin).ConfigureAwait(false))
            {
                await next(context).ConfigureAwait(false);
            }
        }), optionsName: null);
    }
}
