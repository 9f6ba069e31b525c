using Switchyard.Core.Catalog;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Everything a request needs from configuration, frozen. A request takes the current snapshot once and uses it
/// to the end, so a reload never changes settings under an in-flight request.
/// </summary>
public sealed class RuntimeSnapshot
{
    private RuntimeSnapshot(GatewayConfig config, ModelCatalog catalog, long generation)
    {
        Config = config;
        Catalog = catalog;
        Generation = generation;
    }

    public GatewayConfig Config { get; }
    public ModelCatalog Catalog { get; }
    /// <summary>Increments with every successful (re)load.</summary>
    public long Generation { get; }

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

    public static RuntimeSnapshot Build(GatewayConfig config, long generation) => new(config, ModelCatalog.Build(config), generation);
}
