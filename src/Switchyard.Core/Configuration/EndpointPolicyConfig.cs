using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// <c>circuit_breaker:</c> as written (top level, or on one <c>model_providers</c> entry where it overrides the top
/// level key by key). A null member inherits; <see cref="CircuitBreakerSettings.Resolve"/> fills in the defaults.
/// </summary>
public sealed record CircuitBreakerConfig
{
    public bool? Enabled { get; init; }
    public int? FailureThreshold { get; init; }
    /// <summary>Error rate (0–1] over <see cref="Window"/> that opens the breaker; 0 turns the rate rule off.</summary>
    public double? ErrorRate { get; init; }
    public TimeSpan? Window { get; init; }
    public TimeSpan? Cooldown { get; init; }
    /// <summary>How long a refused credential (401/403 on the gateway's own key) stays disabled.</summary>
    public TimeSpan? KeyCooldown { get; init; }

    public bool IsEmpty => this == Empty;

    public static readonly CircuitBreakerConfig Empty = new();
}

/// <summary>The breaker settings one endpoint runs under: entry override over top level over the defaults.</summary>
public sealed record CircuitBreakerSettings(bool Enabled, int FailureThreshold, double ErrorRate, TimeSpan Window, TimeSpan Cooldown, TimeSpan KeyCooldown)
{
    public const int DefaultFailureThreshold = 5;
    public const double DefaultErrorRate = 0.5;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultKeyCooldown = TimeSpan.FromMinutes(5);

    /// <summary>The error-rate rule needs at least this many outcomes inside the window.</summary>
    public const int MinWindowOutcomes = 10;

    /// <summary>A failed half-open probe doubles the cooldown, up to this (or the cooldown itself when longer).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    public static readonly CircuitBreakerSettings Default = new(true, DefaultFailureThreshold, DefaultErrorRate, DefaultWindow, DefaultCooldown, DefaultKeyCooldown);

    public static CircuitBreakerSettings Resolve(CircuitBreakerConfig? topLevel, CircuitBreakerConfig? entry)
    {
        if (topLevel is null && entry is null)
        {
            return Default;
        }

        return new CircuitBreakerSettings(
            entry?.Enabled ?? topLevel?.Enabled ?? true,
            entry?.FailureThreshold ?? topLevel?.FailureThreshold ?? DefaultFailureThreshold,
            entry?.ErrorRate ?? topLevel?.ErrorRate ?? DefaultErrorRate,
            entry?.Window ?? topLevel?.Window ?? DefaultWindow,
            entry?.Cooldown ?? topLevel?.Cooldown ?? DefaultCooldown,
            entry?.KeyCooldown ?? topLevel?.KeyCooldown ?? DefaultKeyCooldown);
    }
}

/// <summary><c>health_check: {interval, timeout}</c> on one entry: active probes while its endpoint is open.</summary>
public sealed record HealthCheckConfig(TimeSpan Interval, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
}

/// <summary>Reads and writes <c>circuit_breaker</c>, <c>health_check</c> (native keys, both dialects map onto them).</summary>
internal static class EndpointPolicyReader
{
    public const string Section = "circuit_breaker";
    public const string HealthCheck = "health_check";

    internal static readonly string[] BreakerKeys = ["enabled", "failure_threshold", "error_rate", "window", "cooldown", "key_cooldown"];
    private static readonly string[] HealthKeys = ["interval", "timeout"];

    /// <summary>Per-entry keys of this part (ProviderReader accepts them).</summary>
    internal static readonly string[] EntryKeys = [Section, HealthCheck, "max_concurrent", "queue_timeout"];

    public static CircuitBreakerConfig? ReadBreaker(ConfigReadContext ctx, YamlNode? node, string path)
    {
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Mapping(node, path) is not { } map)
        {
            return null;
        }

        var result = CircuitBreakerConfig.Empty;
        foreach (var (key, value, _) in ctx.Entries(map, path, BreakerKeys))
        {
            var p = ConfigReadContext.Child(path, key);
            result = key switch
            {
                "enabled" => result with { Enabled = ctx.Bool(value, p) },
                "failure_threshold" => result with { FailureThreshold = ctx.Int(value, p, 1, 1_000_000) },
                "error_rate" => result with { ErrorRate = Rate(ctx, value, p) },
                "window" => result with { Window = ctx.Duration(value, p) },
                "cooldown" => result with { Cooldown = ctx.Duration(value, p) },
                _ => result with { KeyCooldown = ctx.Duration(value, p) },
            };
        }

        return result;
    }

    public static HealthCheckConfig? ReadHealthCheck(ConfigReadContext ctx, YamlNode? node, string path)
    {
        if (node is null || ConfigReadContext.IsNull(node))
        {
            return null;
        }

        // `health_check: true` takes the defaults.
        if (node is YamlScalarNode)
        {
            return ctx.Bool(node, path) == true ? new HealthCheckConfig(HealthCheckConfig.DefaultInterval, HealthCheckConfig.DefaultTimeout) : null;
        }

        if (ctx.Mapping(node, path) is not { } map)
        {
            return null;
        }

        TimeSpan? interval = null, timeout = null;
        foreach (var (key, value, _) in ctx.Entries(map, path, HealthKeys))
        {
            var p = ConfigReadContext.Child(path, key);
            if (key == "interval")
            {
                interval = ctx.Duration(value, p);
            }
            else
            {
                timeout = ctx.Duration(value, p);
            }
        }

        return new HealthCheckConfig(interval ?? HealthCheckConfig.DefaultInterval, timeout ?? HealthCheckConfig.DefaultTimeout);
    }

    /// <summary>A <c>health_check</c> that cannot run (no concrete model, or no key of the gateway's own) draws a warning.</summary>
    public static void WarnUnprobed(ConfigReadContext ctx, ModelProviderConfig entry, string path, IReadOnlyDictionary<string, int> lines)
    {
        if (entry.HealthCheck is null || !(entry.IsWildcard || entry.PassthroughAuth))
        {
            return;
        }

        var why = entry.IsWildcard ? "a wildcard entry has no model to probe" : "a passthrough_auth entry has no key of its own to probe with";
        ctx.Warning(path, lines.GetValueOrDefault(HealthCheck), $"health_check is not used: {why} (the circuit breaker still recovers it after its cooldown)");
    }

    private static double? Rate(ConfigReadContext ctx, YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            var percent = text.EndsWith('%');
            if (double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                v = percent ? v / 100 : v;
                if (v is >= 0 and <= 1)
                {
                    return v;
                }
            }
        }

        ctx.Error(path, node, "must be a fraction between 0 and 1 (0.5 or 50%; 0 turns the error-rate rule off)");
        return null;
    }

    /// <summary>The native form of <paramref name="config"/> (for <c>switchyard migrate</c>); null when nothing is set.</summary>
    public static YamlMappingNode? WriteBreaker(ConfigYaml y, string path, CircuitBreakerConfig? config)
    {
        if (config is null || config.IsEmpty)
        {
            return null;
        }

        var map = new YamlMappingNode();
        if (config.Enabled is { } e)
        {
            map.Add("enabled", y.Bool(ConfigReadContext.Child(path, "enabled"), e));
        }

        if (config.FailureThreshold is { } t)
        {
            map.Add("failure_threshold", y.Int(ConfigReadContext.Child(path, "failure_threshold"), t));
        }

        if (config.ErrorRate is { } r)
        {
            map.Add("error_rate", y.Plain(ConfigReadContext.Child(path, "error_rate"), r.ToString("0.###", CultureInfo.InvariantCulture)));
        }

        void Time(string key, TimeSpan? value)
        {
            if (value is { } v)
            {
                map.Add(key, y.Duration(ConfigReadContext.Child(path, key), v));
            }
        }

        Time("window", config.Window);
        Time("cooldown", config.Cooldown);
        Time("key_cooldown", config.KeyCooldown);
        return map;
    }

    public static YamlMappingNode WriteHealthCheck(ConfigYaml y, string path, HealthCheckConfig config) => new()
    {
        { "interval", y.Duration(ConfigReadContext.Child(path, "interval"), config.Interval) },
        { "timeout", y.Duration(ConfigReadContext.Child(path, "timeout"), config.Timeout) },
    };
}

/// <summary>Writes an entry's <c>circuit_breaker</c>, <c>health_check</c>, <c>max_concurrent</c>, <c>queue_timeout</c>.</summary>
internal static class EndpointPolicyWriter
{
    public static void AddEntryKeys(ConfigYaml y, YamlMappingNode map, string path, ModelProviderConfig entry)
    {
        if (EndpointPolicyReader.WriteBreaker(y, ConfigReadContext.Child(path, EndpointPolicyReader.Section), entry.CircuitBreaker) is { } breaker)
        {
            map.Add(EndpointPolicyReader.Section, breaker);
        }

        if (entry.HealthCheck is { } health)
        {
            map.Add(EndpointPolicyReader.HealthCheck, EndpointPolicyReader.WriteHealthCheck(y, ConfigReadContext.Child(path, EndpointPolicyReader.HealthCheck), health));
        }

        if (entry.MaxConcurrent is { } max)
        {
            map.Add("max_concurrent", y.Int(ConfigReadContext.Child(path, "max_concurrent"), max));
        }

        if (entry.QueueTimeout is { } queue)
        {
            map.Add("queue_timeout", y.Duration(ConfigReadContext.Child(path, "queue_timeout"), queue));
        }
    }
}
