using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Primitives;
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
                await WithHistogramsAsync(context, next).ConfigureAwait(false);
            }
        }), optionsName: null);
    }

    // The exporter writes the meter's instruments; the gateway's own histograms (GatewayMetrics.WriteHistograms) go in
    // the same answer: after the exporter's families in the 0.0.4 text, before the closing "# EOF" in OpenMetrics. The
    // exporter would gzip its answer for a scraper that accepts it (Prometheus does), and nothing can be appended to
    // that: it is asked for plain text, and the whole answer is compressed here instead.
    private static async Task WithHistogramsAsync(HttpContext context, RequestDelegate next)
    {
        var gzip = context.Request.GetTypedHeaders().AcceptEncoding.Any(static e => e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && e.Quality is not 0);
        context.Request.Headers.AcceptEncoding = StringValues.Empty;
        var response = context.Response;
        var body = response.Body;
        using var captured = new MemoryStream();
        response.Body = captured;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            response.Body = body;
        }

        var exported = captured.GetBuffer().AsMemory(0, (int)captured.Length);
        if (response.StatusCode != StatusCodes.Status200OK || response.HasStarted || response.Headers.ContentEncoding.Count > 0)
        {
            // Not a scrape answer (or one already encoded: not the case with the exporter as asked above): as it is.
            await body.WriteAsync(exported, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var openMetrics = response.ContentType?.StartsWith(OpenMetricsType, StringComparison.OrdinalIgnoreCase) == true;
        var histograms = new StringBuilder();
        GatewayMetrics.WriteHistograms(histograms, openMetrics);
        var head = exported;
        var tail = ReadOnlyMemory<byte>.Empty;
        if (openMetrics && exported.Span.EndsWith(Eof))
        {
            head = exported[..^Eof.Length];
            tail = exported[^Eof.Length..];
        }

        using var whole = new MemoryStream(exported.Length + (histograms.Length * 2));
        var added = Encoding.UTF8.GetBytes(histograms.ToString());
        if (gzip)
        {
            using var compressed = new GZipStream(whole, CompressionLevel.Fastest, leaveOpen: true);
            WriteAnswer(compressed, head.Span, added, tail.Span);
            response.Headers.ContentEncoding = "gzip";
        }
        else
        {
            WriteAnswer(whole, head.Span, added, tail.Span);
        }

        response.Headers.Vary = "Accept-Encoding";
        response.ContentLength = whole.Length;
        await body.WriteAsync(whole.GetBuffer().AsMemory(0, (int)whole.Length), context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteAnswer(Stream into, ReadOnlySpan<byte> head, ReadOnlySpan<byte> added, ReadOnlySpan<byte> tail)
    {
        into.Write(head);
        into.Write(added);
        into.Write(tail);
    }

    private const string OpenMetricsType = "application/openmetrics-text";

    private static ReadOnlySpan<byte> Eof => "# EOF\n"u8;
}
