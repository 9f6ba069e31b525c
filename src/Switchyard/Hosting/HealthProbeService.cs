using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Resilience;

namespace Switchyard.Hosting;

/// <summary>
/// Runs the active health checks (<c>health_check</c> on model entries) with the host: applies the config's probes at
/// start and again after every successful reload; the prober's timers stop with the host.
/// </summary>
internal sealed class HealthProbeService(ConfigManager config, HealthProber prober) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        config.Reloaded += OnReloaded;
        prober.Apply(config.Current);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        config.Reloaded -= OnReloaded;
        prober.Dispose();
        return Task.CompletedTask;
    }

    // The CURRENT snapshot, not the one raised: overlapping reloads converge on the latest config.
    private void OnReloaded(RuntimeSnapshot snapshot) => prober.Apply(config.Current);
}
