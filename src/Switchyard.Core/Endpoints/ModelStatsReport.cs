using System.Globalization;
using System.Text.Json;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Resilience;

namespace Switchyard.Core.Endpoints;

/// <summary>
/// The body of <c>GET /v1/admin/models/stats</c> (docs/resilience.md, "Stats and the admin API"): per model — each
/// group, then each entry outside a group — and per endpoint of it (one per key of a key pool): requests, errors by
/// class, latency and time-to-first-token percentiles, in flight, breaker state and since when, rpm/tpm used in the
/// last minute against the limits, the key's fingerprint, and the latest error (already free of secrets). Written
/// straight to a <see cref="Utf8JsonWriter"/> (no reflection: NativeAOT).
/// </summary>
public static class ModelStatsReport
{
    private static readonly string[] ErrorNames =
        ["rate_limited", "server_error", "timeout", "connection", "auth_refused", "context_overflow", "invalid_answer", "stream_cut", "client_error"];

    /// <summary>The JSON name of an error class.</summary>
    public static string NameOf(ErrorClass kind) => ErrorNames[(int)kind];

    public static void Write(Utf8JsonWriter w, RuntimeSnapshot snapshot, DateTimeOffset now)
    {
        var nowMs = Environment.TickCount64;
        var catalog = snapshot.Catalog;
        var pools = new Dictionary<ModelProviderConfig, KeyPool>(ReferenceEqualityComparer.Instance);
        foreach (var m in catalog.Models)
        {
            if (m.Keys is { } pool)
            {
                pools.TryAdd(m.Entry, pool);
            }
        }

        IReadOnlyList<ModelProviderConfig> EndpointsOf(ModelProviderConfig entry)
            => pools.TryGetValue(entry, out var pool) ? pool.Entries : KeyPool.For(entry)?.Entries ?? [entry];

        w.WriteStartObject();
        w.WriteString("object", "switchyard.model_stats");
        w.WriteString("generated_at", Time(now));
        w.WriteString("config", snapshot.Config.Source);
        w.WriteNumber("config_generation", snapshot.Generation);
        w.WriteStartArray("models");

        var grouped = new HashSet<ModelProviderConfig>(ReferenceEqualityComparer.Instance);
        foreach (var group in catalog.Groups)
        {
            var entries = new List<ModelProviderConfig>();
            foreach (var member in group.Members)
            {
                grouped.Add(member.Entry);
                foreach (var e in EndpointsOf(member.Entry))
                {
                    if (!entries.Contains(e))
                    {
                        entries.Add(e);
                    }
                }
            }

            WriteModel(w, snapshot, group.Name, "group", group.Strategy, entries, now, nowMs);
        }

        foreach (var entry in snapshot.Config.Providers)
        {
            if (!grouped.Contains(entry))
            {
                WriteModel(w, snapshot, entry.Name, entry.IsWildcard ? "wildcard" : "entry", null, EndpointsOf(entry), now, nowMs);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter w, RuntimeSnapshot snapshot, string name, string kind, string? strategy,
        IReadOnlyList<ModelProviderConfig> entries, DateTimeOffset now, long nowMs)
    {
        var states = new List<(ModelProviderConfig Entry, EndpointState State)>(entries.Count);
        var seen = new HashSet<EndpointState>(ReferenceEqualityComparer.Instance);
        foreach (var e in entries)
        {
            var state = snapshot.Endpoints.For(e);
            if (seen.Add(state))
            {
                states.Add((e, state));
            }
        }

        long requests = 0, successes = 0, failures = 0;
        var inFlight = 0;
        var errors = new long[EndpointState.ErrorClassCount];
        var durations = new long[LatencyHistogram.BucketCount];
        var firstTokens = new long[LatencyHistogram.BucketCount];
        var usable = 0;
        foreach (var (_, s) in states)
        {
            var snap = s.Snapshot();
            requests += snap.Requests;
            successes += snap.Successes;
            inFlight += snap.InFlight;
            for (var i = 0; i < errors.Length; i++)
            {
                var n = s.ErrorsOf((ErrorClass)i);
                errors[i] += n;
                failures += n;
            }

            s.Durations.AddTo(durations);
            s.FirstTokens.AddTo(firstTokens);
            usable += s.Breaker.State is BreakerState.Closed or BreakerState.HalfOpen || s.Breaker.OpenUntil <= now ? 1 : 0;
        }

        w.WriteStartObject();
        w.WriteString("model", name);
        w.WriteString("kind", kind);
        if (strategy is not null)
        {
            w.WriteString("strategy", strategy);
        }

        w.WriteNumber("requests", requests);
        w.WriteNumber("successes", successes);
        w.WriteNumber("errors_total", failures);
        w.WriteNumber("in_flight", inFlight);
        w.WriteNumber("endpoints_usable", usable);
        Errors(w, errors);
        Percentiles(w, "latency_ms", durations);
        Percentiles(w, "ttft_ms", firstTokens);
        w.WriteStartArray("endpoints");
        foreach (var (entry, state) in states)
        {
            WriteEndpoint(w, entry, state, now, nowMs);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEndpoint(Utf8JsonWriter w, ModelProviderConfig entry, EndpointState state, DateTimeOffset now, long nowMs)
    {
        var snap = state.Snapshot();
        w.WriteStartObject();
        w.WriteString("name", state.EntryName);
        w.WriteString("entry", entry.Name);
        w.WriteString("provider", entry.Provider);
        w.WriteString("model", entry.ModelId);
        if (entry.KeySlot is { } slot)
        {
            w.WriteStartObject("key");
            w.WriteNumber("index", slot.Index);
            w.WriteNumber("of", slot.Count);
            w.WriteString("fingerprint", slot.Fingerprint);
            w.WriteEndObject();
        }
        else if (entry.AccessKey is { Length: > 0 } key)
        {
            w.WriteStartObject("key");
            w.WriteNumber("index", 1);
            w.WriteNumber("of", 1);
            w.WriteString("fingerprint", KeyPoolConfig.Fingerprint(key));
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("key"); // passthrough_auth, or a provider signed another way (AWS credentials)
        }

        w.WriteNumber("requests", snap.Requests);
        w.WriteNumber("successes", snap.Successes);
        var errors = new long[EndpointState.ErrorClassCount];
        long failures = 0;
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = state.ErrorsOf((ErrorClass)i);
            failures += errors[i];
        }

        w.WriteNumber("errors_total", failures);
        w.WriteNumber("in_flight", snap.InFlight);
        Errors(w, errors);
        Percentiles(w, "latency_ms", state.Durations.Counts());
        Percentiles(w, "ttft_ms", state.FirstTokens.Counts());
        Number(w, "latency_ewma_ms", snap.LatencySeconds * 1000);
        Number(w, "ttft_ewma_ms", snap.TimeToFirstTokenSeconds * 1000);

        var breaker = state.Breaker;
        var policy = state.Policy;
        w.WriteStartObject("breaker");
        w.WriteString("state", breaker.State switch
        {
            BreakerState.Open => "open",
            BreakerState.HalfOpen => "half_open",
            BreakerState.KeyDisabled => "key_disabled",
            _ => "closed",
        });
        w.WriteBoolean("enabled", policy.Breaker.Enabled);
        TimeOrNull(w, "since", breaker.Since);
        TimeOrNull(w, "open_until", breaker.OpenUntil);
        w.WriteNumber("consecutive_failures", snap.ConsecutiveFailures);
        w.WriteNumber("credential_refusals", snap.CredentialRefusals);
        w.WriteEndObject();

        w.WriteStartObject("limits");
        Limit(w, "rpm", state.Usage.Count(nowMs), entry.Rpm);
        Limit(w, "tpm", state.Tokens.Count(nowMs), entry.Tpm);
        if (policy.MaxConcurrent != int.MaxValue)
        {
            w.WriteStartObject("concurrent");
            w.WriteNumber("used", snap.InFlight);
            w.WriteNumber("limit", policy.MaxConcurrent);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("concurrent");
        }

        w.WriteEndObject();

        if (state.LastError is { } last)
        {
            w.WriteStartObject("last_error");
            w.WriteString("at", Time(last.At));
            w.WriteNumber("status", last.Status);
            w.WriteString("class", NameOf(last.Class));
            w.WriteString("message", last.Message);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("last_error");
        }

        w.WriteEndObject();
    }

    private static void Errors(Utf8JsonWriter w, long[] errors)
    {
        w.WriteStartObject("errors");
        for (var i = 0; i < errors.Length; i++)
        {
            w.WriteNumber(ErrorNames[i], errors[i]);
        }

        w.WriteEndObject();
    }

    private static void Percentiles(Utf8JsonWriter w, string name, long[] counts)
    {
        w.WriteStartObject(name);
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        w.WriteNumber("count", total);
        Number(w, "p50", LatencyHistogram.Percentile(counts, 0.50));
        Number(w, "p95", LatencyHistogram.Percentile(counts, 0.95));
        Number(w, "p99", LatencyHistogram.Percentile(counts, 0.99));
        w.WriteEndObject();
    }

    private static void Limit(Utf8JsonWriter w, string name, long used, int? limit)
    {
        w.WriteStartObject(name);
        w.WriteNumber("used", used);
        if (limit is { } l)
        {
            w.WriteNumber("limit", l);
        }
        else
        {
            w.WriteNull("limit");
        }

        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 3));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void TimeOrNull(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, Time(v));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
