using Switchyard.Core.Catalog;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Everything a request needs from configuration, frozen. A request takes the current snapshot once and uses it
/// to the end, so a reload never changes settings under an in-flight request.
/// </summary>
public sealed class RuntimeSnapshot
{
    private RuntimeSnapshot(GatewayConfig config, ModelCatalog catalog, long generation, Endpoints.EndpointRegistry endpoints)
    {
        Config = config;
        Catalog = catalog;
        Generation = generation;
        Endpoints = endpoints;
    }

    public GatewayConfig Config { get; }
    public ModelCatalog Catalog { get; }
    /// <summary>Increments with every successful (re)load.</summary>
    public long Generation { get; }
    /// <summary>Per-endpoint state (in flight, latency, outcomes), carried over from the previous snapshot for unchanged entries.</summary>
    public Endpoints.EndpointRegistry Endpoints { get; }

    /// <summary>The listener serving a local port, or the first listener (ports may be overridden on the command line).</summary>
    public ListenerConfig ListenerFor(int localPort)
    {
        var listeners = Config.Listeners;
        for (var i = 0; i < listeners.Count; i++)
        {
            if (listeners[i].Port == localPort)
            {
                return listeners[i];
            }
        }

        return listeners[0];
    }

    /// <summary>Builds a snapshot; <paramref name="previous"/> (the one it replaces) lends its endpoint state to unchanged entries.</summary>
    public static RuntimeSnapshot Build(GatewayConfig config, long generation, RuntimeSnapshot? previous = null)
    {
        // Each key of a key pool is an endpoint of its own (listed first, so a pool's first key names its state).
        var catalog = ModelCatalog.Build(config);
        var entries = catalog.KeyEntries.Count == 0 ? config.Providers : catalog.KeyEntries.Concat(config.Providers);
        return new(config, catalog, generation, Switchyard.Core.Endpoints.EndpointRegistry.Build(entries, previous?.Endpoints, config.CircuitBreaker));
    }
}
