using System.Globalization;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Telemetry;

/// <summary>The OTLP transport of the trace exporter.</summary>
public enum OtlpTransport { Grpc, HttpProtobuf }

/// <summary>
/// What tracing does, from the config's <c>tracing</c> section and the standard <c>OTEL_*</c> variables
/// (docs/observability.md, "Traces"). Built once at start: the exporter cannot change without a restart.
/// </summary>
public sealed record TracingPlan
{
    public const string DefaultServiceName = "switchyard";
    public const string PlanoEndpointVariable = "OTEL_TRACING_GRPC_ENDPOINT";

    /// <summary>A TracerProvider is built (spans are created and exported).</summary>
    public bool Enabled { get; init; }

    /// <summary>Fraction of new traces sampled (0–1) for traces the caller did not decide.</summary>
    public double Ratio { get; init; }

    /// <summary>A caller's sampled flag (in <c>traceparent</c>) decides for its trace (parent-based sampling).</summary>
    public bool ParentBased { get; init; } = true;

    public Uri Endpoint { get; init; } = new("http://localhost:4317");
    public OtlpTransport Protocol { get; init; } = OtlpTransport.Grpc;

    /// <summary><c>OTEL_EXPORTER_OTLP_(TRACES_)HEADERS</c>: <c>k=v,k=v</c> sent with each export.</summary>
    public string? Headers { get; init; }

    /// <summary><c>OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT</c> in milliseconds.</summary>
    public int? TimeoutMilliseconds { get; init; }

    public string ServiceName { get; init; } = DefaultServiceName;

    /// <summary><c>OTEL_RESOURCE_ATTRIBUTES</c> pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> ResourceAttributes { get; init; } = [];

    /// <summary>Where each choice came from, for the start-up log line.</summary>
    public string Summary { get; init; } = "";

    /// <summary>Variables or combinations that did not take effect (logged as warnings at start).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Resolves the plan. <paramref name="env"/> is the environment lookup (the process environment in production).</summary>
    public static TracingPlan Resolve(TracingSettings settings, Func<string, string?> env)
    {
        var warnings = new List<string>();
        string? E(string name) => env(name) is { } v && v.Trim().Length > 0 ? v.Trim() : null;

        // Sampler: tracing.random_sampling (percent) first, then OTEL_TRACES_SAMPLER(_ARG), then the defaults.
        double ratio;
        var parentBased = true;
        var samplerSource = "";
        var sampler = E("OTEL_TRACES_SAMPLER");
        if (settings.RandomSampling is { } percent)
        {
            ratio = percent / 100;
            samplerSource = $"tracing.random_sampling {percent.ToString(CultureInfo.InvariantCulture)} %";
            if (sampler is not null)
            {
                warnings.Add($"OTEL_TRACES_SAMPLER={sampler} is ignored: tracing.random_sampling is set and wins");
            }
        }
        else if (sampler is not null && Sampler(sampler, E("OTEL_TRACES_SAMPLER_ARG"), warnings) is { } fromEnv)
        {
            (ratio, parentBased) = fromEnv;
            samplerSource = $"OTEL_TRACES_SAMPLER={sampler}";
        }
        else
        {
            // Plano's default for a tracing section without random_sampling is 0; the OpenTelemetry default (for a
            // gateway traced through OTEL_* variables only) is parentbased_always_on.
            ratio = settings.Present ? 0 : 1;
            samplerSource = settings.Present ? "tracing.random_sampling not set (0 %)" : "parentbased_always_on";
        }

        // Exporter.
        var exporters = E("OTEL_TRACES_EXPORTER")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var exporterNone = exporters.Length > 0 && exporters.All(e => e == "none");
        foreach (var other in exporters.Where(e => e is not ("otlp" or "none")))
        {
            warnings.Add($"OTEL_TRACES_EXPORTER names '{other}': only otlp is supported (ignored)");
        }

        Uri? endpoint = null;
        var protocol = OtlpTransport.Grpc;
        string endpointSource;
        if (settings.Endpoint is { } configured)
        {
            endpoint = new Uri(configured);
            endpointSource = "tracing.opentracing_grpc_endpoint";
        }
        else if (E(PlanoEndpointVariable) is { } plano && GrpcUrl(plano) is { } planoUri)
        {
            endpoint = planoUri;
            endpointSource = PlanoEndpointVariable;
        }
        else
        {
            if (E(PlanoEndpointVariable) is { } bad)
            {
                warnings.Add($"{PlanoEndpointVariable}='{bad}' is not an http(s)://host:port URL (ignored)");
            }

            var protocolName = E("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? E("OTEL_EXPORTER_OTLP_PROTOCOL");
            switch (protocolName)
            {
                case null or "grpc":
                    break;
                case "http/protobuf":
                    protocol = OtlpTransport.HttpProtobuf;
                    break;
                default:
                    warnings.Add($"OTLP protocol '{protocolName}' is not supported (grpc or http/protobuf); using http/protobuf");
                    protocol = OtlpTransport.HttpProtobuf;
                    break;
            }

            if (E("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is { } traces && Url(traces, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", warnings) is { } tracesUri)
            {
                endpoint = tracesUri; // the signal's own endpoint is used as written
                endpointSource = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
            }
            else if (E("OTEL_EXPORTER_OTLP_ENDPOINT") is { } all && Url(all, "OTEL_EXPORTER_OTLP_ENDPOINT", warnings) is { } allUri)
            {
                // The base endpoint: OTLP/HTTP appends the signal's path, gRPC takes it as is.
                endpoint = protocol == OtlpTransport.HttpProtobuf ? new Uri(allUri.AbsoluteUri.TrimEnd('/') + "/v1/traces") : allUri;
                endpointSource = "OTEL_EXPORTER_OTLP_ENDPOINT";
            }
            else
            {
                endpointSource = "default";
            }
        }

        endpoint ??= protocol == OtlpTransport.Grpc ? new Uri("http://localhost:4317") : new Uri("http://localhost:4318/v1/traces");

        // On: the section asks for it (Plano), or the standard variables name an OTLP destination.
        var wantedByEnv = E("OTEL_EXPORTER_OTLP_ENDPOINT") is not null || E("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is not null || exporters.Contains("otlp");
        var wanted = settings.Present || wantedByEnv;
        var disabled = string.Equals(E("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase);
        var enabled = wanted && !disabled && !exporterNone && ratio > 0;
        if (wanted && ratio > 0 && (disabled || exporterNone))
        {
            warnings.Add(disabled ? "OTEL_SDK_DISABLED=true: tracing is off whatever the tracing section says" : "OTEL_TRACES_EXPORTER=none: tracing is off whatever the tracing section says");
        }

        var timeout = E("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? E("OTEL_EXPORTER_OTLP_TIMEOUT");
        int? timeoutMs = null;
        if (timeout is not null)
        {
            if (int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0)
            {
                timeoutMs = ms;
            }
            else
            {
                warnings.Add($"OTLP timeout '{timeout}' is not a number of milliseconds (ignored)");
            }
        }

        var transport = protocol == OtlpTransport.Grpc ? "OTLP/gRPC" : "OTLP/HTTP";
        return new TracingPlan
        {
            Enabled = enabled,
            Ratio = ratio,
            ParentBased = parentBased,
            Endpoint = endpoint,
            Protocol = protocol,
            Headers = E("OTEL_EXPORTER_OTLP_TRACES_HEADERS") ?? E("OTEL_EXPORTER_OTLP_HEADERS"),
            TimeoutMilliseconds = timeoutMs,
            ServiceName = E("OTEL_SERVICE_NAME") ?? DefaultServiceName,
            ResourceAttributes = ResourceAttributesOf(E("OTEL_RESOURCE_ATTRIBUTES")),
            Warnings = warnings,
            Summary = enabled
                ? $"{transport} to {endpoint} ({endpointSource}); sampling {(ratio * 100).ToString("0.###", CultureInfo.InvariantCulture)} % of new traces ({samplerSource}){(parentBased ? ", a caller's sampled flag decides for its trace" : "")}"
                : !wanted ? "off (no tracing section, no OTEL_EXPORTER_OTLP_ENDPOINT)" : disabled ? "off (OTEL_SDK_DISABLED=true)" : exporterNone ? "off (OTEL_TRACES_EXPORTER=none)" : $"off (sampling 0 %: {samplerSource})",
        };
    }

    private static (double Ratio, bool ParentBased)? Sampler(string name, string? arg, List<string> warnings)
    {
        double Ratio()
        {
            if (arg is null)
            {
                return 1;
            }

            if (double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1)
            {
                return r;
            }

            warnings.Add($"OTEL_TRACES_SAMPLER_ARG='{arg}' is not a ratio from 0 to 1; using 1");
            return 1;
        }

        switch (name)
        {
            case "always_on": return (1, false);
            case "always_off": return (0, false);
            case "traceidratio": return (Ratio(), false);
            case "parentbased_always_on": return (1, true);
            case "parentbased_always_off": return (0, true);
            case "parentbased_traceidratio": return (Ratio(), true);
            default:
                warnings.Add($"OTEL_TRACES_SAMPLER={name} is not supported (always_on, always_off, traceidratio and their parentbased_ forms are); ignored");
                return null;
        }
    }

    private static Uri? GrpcUrl(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" ? uri : null;

    private static Uri? Url(string text, string name, List<string> warnings)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        warnings.Add($"{name}='{text}' is not an http(s) URL (ignored)");
        return null;
    }

    private static List<KeyValuePair<string, object>> ResourceAttributesOf(string? text)
    {
        var result = new List<KeyValuePair<string, object>>();
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0)
            {
                result.Add(new(Uri.UnescapeDataString(pair[..eq].Trim()), Uri.UnescapeDataString(pair[(eq + 1)..].Trim())));
            }
        }

        return result;
    }
}
