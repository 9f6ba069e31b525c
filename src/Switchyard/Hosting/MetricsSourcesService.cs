using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Hosting;

/// <summary>
/// Runs <c>model_metrics_sources</c> with the host: applies the config's sources before the gateway serves (one
/// fetch each; a failure is logged and leaves that source without data, it never stops startup) and again after
/// every successful reload, where the registry keeps unchanged sources running. Stopping the host disposes the
/// registry (and its refresh timers) with the service provider.
/// </summary>
internal sealed partial class MetricsSourcesService(ConfigManager config, MetricsSourceRegistry registry, ILogger<MetricsSourcesService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        config.Reloaded += OnReloaded;
        var current = config.Current;
        await registry.ApplyAsync(current.Config.MetricsSources, current.Catalog, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        config.Reloaded -= OnReloaded;
        return Task.CompletedTask;
    }

    // Raised on the config watcher's thread: hand off at once. Applying the CURRENT snapshot (not the one raised)
    // makes overlapping reloads converge on the latest config whatever order their applies run in.
    private void OnReloaded(RuntimeSnapshot snapshot) => _ = ApplyCurrentAsync();

    private async Task ApplyCurrentAsync()
    {
        try
        {
            var current = config.Current;
            await registry.ApplyAsync(current.Config.MetricsSources, current.Catalog).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            LogApplyFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Applying the reloaded model_metrics_sources failed; the previous sources stay in use")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);
}
