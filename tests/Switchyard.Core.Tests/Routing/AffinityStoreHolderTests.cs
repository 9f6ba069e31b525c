using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Preference;
using Switchyard.Core.Routing.Selection;
using Switchyard.Core.State.Affinity;
using Switchyard.Core.Tests.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing;

/// <summary>The affinity store follows the live settings, and settings and store are always read as one pair.</summary>
public sealed class AffinityStoreHolderTests
{
    private sealed class NoRouter : IRouterModel
    {
        public Task<RouterCallResult> AskAsync(ModelCatalog catalog, RouterSettings settings, IReadOnlyList<RoutePreference> routes,
            IReadOnlyList<IrMessage> messages, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static RoutingService Service() => new(new NoRouter(), NoSelectionFigures.Instance, new ManualTime());

    [Fact]
    public void AffinityStore_EqualSettingsAfterReload_KeepsTheStoreAndItsPins()
    {
        var service = Service();
        var first = service.AffinityStore(new AffinitySettings { MaxEntries = 5 });
        first.Set("k", new AffinityEntry("m", "r"));

        var again = service.AffinityStore(new AffinitySettings { MaxEntries = 5 });

        Assert.Same(first, again);
        Assert.True(again.TryGet("k", out _));
    }

    [Fact]
    public void AffinityStore_ChangedSettings_NewStoreBuiltFromThem()
    {
        var service = Service();
        var first = service.AffinityStore(new AffinitySettings { MaxEntries = 5 });

        var changed = Assert.IsType<InMemoryAffinityStore>(service.AffinityStore(new AffinitySettings { MaxEntries = 7, SessionTtl = TimeSpan.FromSeconds(30) }));

        Assert.NotSame(first, changed);
        Assert.Equal(7, changed.MaxEntries);
        Assert.Equal(TimeSpan.FromSeconds(30), changed.TimeToLive);
    }

    [Fact]
    public async Task AffinityStore_SettingsFlippingConcurrently_StoreAlwaysMatchesTheSettingsAskedFor()
    {
        var service = Service();
        AffinitySettings[] settings = [new() { MaxEntries = 1 }, new() { MaxEntries = 2 }];
        var mismatches = 0;

        // Readers take the lock-free path while others swap the pair; a torn read would hand out the other store.
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var wanted = settings[(i + w) % 2];
                if (((InMemoryAffinityStore)service.AffinityStore(wanted)).MaxEntries != wanted.MaxEntries)
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, mismatches);
    }
}
