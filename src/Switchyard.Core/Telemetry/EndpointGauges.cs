using System.Diagnostics.Metrics;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Resilience;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The observable instruments of the gateway, read at scrape time from the current <see cref="RuntimeSnapshot"/>'s
/// endpoints (nothing is done per request): breaker state, cooldown left, attempts in flight and rpm/tpm room per
/// endpoint, and client requests in flight. The instruments are created once on the <c>Switchyard</c> meter; each
/// running gateway registers its config while it runs (one per process in production; tests run several), and the
/// same instance counts config reloads. Labels: the entry's configured name (<c>model</c>), the endpoint (the entry
/// name, with the key's position and fingerprint for a key pool — never the key) and the provider prefix.
/// </summary>
public sealed class EndpointGauges : IDisposable
{
    private static readonly Lock RegistryLock = new();
    private static EndpointGauges[] _live = [];

    // One set of instruments per process, whatever the number of gateways: a second instrument of the same name
    // would be a duplicate stream to every listener.
    private static readonly bool InstrumentsCreated = CreateInstruments();

    private readonly ConfigManager _config;
    private readonly TimeProvider _time;

    public EndpointGauges(ConfigManager config, TimeProvider time)
    {
        _ = InstrumentsCreated;
        _config = config;
        _time = time;
        config.Reloaded += OnReloaded;
        config.ReloadFailed += OnReloadFailed;
        lock (RegistryLock)
        {
            _live = [.. _live, this];
        }
    }

    private static bool CreateInstruments()
    {
        var meter = GatewayMetrics.Meter;
        meter.CreateObservableGauge("switchyard.endpoint.breaker.state", () => All(static g => g.ObserveBreakers()), "{state}",
            "Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open, 3 key disabled");
        meter.CreateObservableGauge("switchyard.endpoint.cooldown.remaining", () => All(static g => g.ObserveCooldowns()), "s",
            "Seconds until an open endpoint may be tried again (0 when it is not cooling down)");
        meter.CreateObservableGauge("switchyard.endpoint.in_flight", () => All(static g => g.ObserveInFlight()), "{attempt}",
            "Upstream attempts in flight per endpoint");
        meter.CreateObservableGauge("switchyard.ratelimit.remaining", () => All(static g => g.ObserveRemaining()), "{unit}",
            "Room left in the last minute under an endpoint's rpm (requests) or tpm (tokens) limit; limit label says which");
        meter.CreateObservableGauge("switchyard.requests.in_flight", () => TrafficMetrics.InFlight, "{request}",
            "Client requests being handled now");
        return true;
    }

    private static IEnumerable<Measurement<T>> All<T>(Func<EndpointGauges, IEnumerable<Measurement<T>>> observe)
        where T : struct
    {
        foreach (var gauges in Volatile.Read(ref _live))
        {
            foreach (var m in observe(gauges))
            {
                yield return m;
            }
        }
    }

    private static void OnReloaded(RuntimeSnapshot _) => TrafficMetrics.ConfigReloaded(ok: true);

    private static void OnReloadFailed(ConfigLoadResult _) => TrafficMetrics.ConfigReloaded(ok: false);

    /// <summary>Every endpoint of the current config with the entry that names it, each once (key pools expanded).</summary>
    private List<(ModelProviderConfig Entry, EndpointState State)> Endpoints()
    {
        var snapshot = _config.Current;
        var pools = new Dictionary<ModelProviderConfig, KeyPool>(ReferenceEqualityComparer.Instance);
        foreach (var m in snapshot.Catalog.Models)
        {
            if (m.Keys is { } pool)
            {
                pools.TryAdd(m.Entry, pool);
            }
        }

        var seen = new HashSet<EndpointState>(ReferenceEqualityComparer.Instance);
        var list = new List<(ModelProviderConfig, EndpointState)>();
        foreach (var entry in snapshot.Config.Providers)
        {
            IReadOnlyList<ModelProviderConfig> endpoints = pools.TryGetValue(entry, out var p) ? p.Entries : KeyPool.For(entry)?.Entries ?? [entry];
            foreach (var e in endpoints)
            {
                var state = snapshot.Endpoints.For(e);
                if (seen.Add(state))
                {
                    list.Add((entry, state));
                }
            }
        }

        return list;
    }

    private static KeyValuePair<string, object?>[] Labels(ModelProviderConfig entry, EndpointState state) =>
    [
        new("model", entry.Name),
        new("endpoint", state.EntryName),
        new("provider", entry.Provider),
    ];

    private IEnumerable<Measurement<int>> ObserveBreakers()
    {
        foreach (var (entry, state) in Endpoints())
        {
            var value = state.Breaker.State switch
            {
                BreakerState.HalfOpen => 1,
                BreakerState.Open => 2,
                BreakerState.KeyDisabled => 3,
                _ => 0,
            };
            yield return new Measurement<int>(value, Labels(entry, state));
        }
    }

    private IEnumerable<Measurement<double>> ObserveCooldowns()
    {
        var now = _time.GetUtcNow();
        foreach (var (entry, state) in Endpoints())
        {
            var left = state.Breaker.IsTripped && state.Breaker.OpenUntil is { } until && until > now ? (until - now).TotalSeconds : 0;
            yield return new Measurement<double>(left, Labels(entry, state));
        }
    }

    private IEnumerable<Measurement<int>> ObserveInFlight()
    {
        foreach (var (entry, state) in Endpoints())
        {
            yield return new Measurement<int>(state.InFlight, Labels(entry, state));
        }
    }

    private IEnumerable<Measurement<long>> ObserveRemaining()
    {
        var nowMs = Environment.TickCount64;
        foreach (var (entry, state) in Endpoints())
        {
            if (entry.Rpm is { } rpm)
            {
                yield return new Measurement<long>(Math.Max(rpm - state.Usage.Count(nowMs), 0), [.. Labels(entry, state), new("limit", "rpm")]);
            }

            if (entry.Tpm is { } tpm)
            {
                yield return new Measurement<long>(Math.Max(tpm - state.Tokens.Count(nowMs), 0), [.. Labels(entry, state), new("limit", "tpm")]);
            }
        }
    }

    public void Dispose()
    {
        _config.Reloaded -= OnReloaded;
        _config.ReloadFailed -= OnReloadFailed;
        lock (RegistryLock)
        {
            _live = [.. _live.Where(g => g != this)];
        }
    }
}
