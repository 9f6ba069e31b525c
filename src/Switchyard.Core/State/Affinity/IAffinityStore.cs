namespace Switchyard.Core.State.Affinity;

/// <summary>
/// A pinned routing decision for one session (<c>X-Model-Affinity</c>): the model the first request landed on and
/// the route that chose it (null when the request was not routed by preference).
/// </summary>
/// <param name="Model">The configured model name to use while the pin lives.</param>
/// <param name="Route">The routing preference name that produced it, or null.</param>
public sealed record AffinityEntry(string Model, string? Route);

/// <summary>
/// Session affinity state (DESIGN §6): keys come from <see cref="AffinityKeys"/> so the in-memory and Redis
/// backends agree. Implementations are thread-safe and expire entries themselves.
/// </summary>
public interface IAffinityStore
{
    /// <summary>The live pin under <paramref name="key"/>; false when unknown or expired.</summary>
    bool TryGet(string key, out AffinityEntry? entry);

    /// <summary>Stores (or replaces) the pin under <paramref name="key"/>; its lifetime starts now.</summary>
    void Set(string key, AffinityEntry entry);

    /// <summary>Drops the pin under <paramref name="key"/> (e.g. its model left the config); false when absent.</summary>
    bool Remove(string key);
}
