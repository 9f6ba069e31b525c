using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Plano's top-level <c>tracing</c> (docs/observability.md, "Traces"): OpenTelemetry spans exported over OTLP.
/// As in Plano, tracing is on when the section is there and <c>random_sampling</c> (a percentage) is above 0; the
/// standard <c>OTEL_*</c> variables refine it (see <c>TracingPlan</c> in the host).
/// </summary>
public sealed record TracingSettings
{
    public static TracingSettings None { get; } = new();

    /// <summary>The section is written (even empty).</summary>
    public bool Present { get; init; }

    /// <summary><c>random_sampling</c>: percent of new traces sampled, 0–100; null when not written.</summary>
    public double? RandomSampling { get; init; }

    /// <summary><c>opentracing_grpc_endpoint</c>: the OTLP/gRPC collector, <c>http(s)://host:port</c>; null when not written.</summary>
    public string? Endpoint { get; init; }

    /// <summary><c>trace_arch_internal</c> (Plano's internal calls): kept for <c>migrate</c>, no effect.</summary>
    public bool? TraceArchInternal { get; init; }

    /// <summary><c>span_attributes.header_prefixes</c>: request headers with these prefixes become server-span attributes.</summary>
    public IReadOnlyList<string> HeaderPrefixes { get; init; } = [];

    /// <summary><c>span_attributes.static</c>: attributes put on every server span.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StaticAttributes { get; init; } = [];

    /// <summary>Whether <c>span_attributes</c> was written (for <c>migrate</c>).</summary>
    public bool SpanAttributesPresent { get; init; }

    /// <summary><c>exporters</c> (Plano's PostHog exporters) as written: kept for <c>migrate</c>, no effect.</summary>
    public JsonNode? Exporters { get; init; }

    public int Line { get; init; }

    /// <summary>True when the same exporter would be built for both (a reload that changes this needs a restart).</summary>
    public bool SameExporter(TracingSettings other) => Present == other.Present && Endpoint == other.Endpoint
        && ((RandomSampling ?? 0) > 0) == ((other.RandomSampling ?? 0) > 0);
}

/// <summary>Reads <c>tracing: {random_sampling, opentracing_grpc_endpoint, trace_arch_internal, span_attributes, exporters}</c>.</summary>
internal static class TracingReader
{
    public const string Section = "tracing";

    private static readonly string[] Keys = ["random_sampling", "opentracing_grpc_endpoint", "trace_arch_internal", "span_attributes", "exporters"];
    private static readonly string[] SpanAttributeKeys = ["header_prefixes", "static"];

    // Headers that carry credentials are never copied onto a span, whatever prefix the operator lists.
    private static readonly string[] CredentialHeaders = ["authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie"];

    public static TracingSettings Read(ConfigReadContext ctx, YamlNode node, int keyLine)
    {
        var settings = new TracingSettings { Present = true, Line = keyLine };
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return settings;
        }

        foreach (var (key, value, line) in ctx.Entries(map, Section, Keys))
        {
            var path = ConfigReadContext.Child(Section, key);
            switch (key)
            {
                case "random_sampling":
                    settings = settings with { RandomSampling = Percent(ctx, value, path) };
                    break;
                case "opentracing_grpc_endpoint":
                    settings = settings with { Endpoint = Endpoint(ctx, value, path) };
                    break;
                case "trace_arch_internal":
                    settings = settings with { TraceArchInternal = ctx.Bool(value, path) };
                    ctx.Warning(path, line, "'tracing.trace_arch_internal' has no effect: it traces Plano's internal function-calling hops, which Switchyard does not have "
                        + "(the router-model call is always traced as its own span)");
                    break;
                case "span_attributes":
                    settings = SpanAttributes(ctx, value, path, settings) with { SpanAttributesPresent = true };
                    break;
                default:
                    settings = settings with { Exporters = YamlJson.Convert(value) };
                    ctx.Warning(path, line, "'tracing.exporters' (Plano's PostHog exporters) has no effect: Switchyard exports spans over OTLP only "
                        + "(point opentracing_grpc_endpoint or OTEL_EXPORTER_OTLP_ENDPOINT at a collector that forwards them)");
                    break;
            }
        }

        if (settings.RandomSampling is null)
        {
            ctx.Warning(Section, keyLine, "'tracing.random_sampling' is not set: as in Plano it defaults to 0, so no traces are sampled unless OTEL_TRACES_SAMPLER says otherwise; "
                + "set random_sampling: 100 to trace every request");
        }

        return settings;
    }

    public static YamlMappingNode Write(ConfigYaml y, TracingSettings s)
    {
        var map = new YamlMappingNode();
        if (s.RandomSampling is { } percent)
        {
            var path = ConfigReadContext.Child(Section, "random_sampling");
            map.Add("random_sampling", percent == Math.Floor(percent) ? y.Int(path, (long)percent) : y.Plain(path, percent.ToString(CultureInfo.InvariantCulture)));
        }

        if (s.Endpoint is { } endpoint)
        {
            map.Add("opentracing_grpc_endpoint", y.Str(ConfigReadContext.Child(Section, "opentracing_grpc_endpoint"), endpoint));
        }

        if (s.TraceArchInternal is { } internalCalls)
        {
            map.Add("trace_arch_internal", y.Bool(ConfigReadContext.Child(Section, "trace_arch_internal"), internalCalls));
        }

        if (s.SpanAttributesPresent)
        {
            var path = ConfigReadContext.Child(Section, "span_attributes");
            var attributes = new YamlMappingNode();
            if (s.HeaderPrefixes.Count > 0)
            {
                attributes.Add("header_prefixes", y.FlowList(ConfigReadContext.Child(path, "header_prefixes"), s.HeaderPrefixes));
            }

            if (s.StaticAttributes.Count > 0)
            {
                var statics = new YamlMappingNode();
                foreach (var (key, value) in s.StaticAttributes)
                {
                    statics.Add(ConfigYaml.Key(key), y.Str(ConfigReadContext.Child(ConfigReadContext.Child(path, "static"), key), value));
                }

                attributes.Add("static", statics);
            }

            map.Add("span_attributes", attributes);
        }

        if (s.Exporters is not null)
        {
            map.Add("exporters", y.Json(ConfigReadContext.Child(Section, "exporters"), s.Exporters));
        }

        return map;
    }

    /// <summary>True when a request header of this name may be copied onto a span (never a credential header).</summary>
    public static bool MayCopyHeader(string name)
    {
        foreach (var h in CredentialHeaders)
        {
            if (string.Equals(name, h, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static double? Percent(ConfigReadContext ctx, YamlNode value, string path)
    {
        if (ctx.String(value, path) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || double.IsNaN(percent) || percent is < 0 or > 100)
        {
            ctx.Error(path, value, $"must be a percentage from 0 to 100 (e.g. 100 traces every request, 5 one in twenty), got '{text}'");
            return null;
        }

        return percent;
    }

    private static string? Endpoint(ConfigReadContext ctx, YamlNode value, string path)
    {
        if (ctx.String(value, path) is not { } text)
        {
            return null;
        }

        // Plano's rule: a URL with a scheme and no path (the collector's gRPC port, e.g. http://otel-collector:4317).
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            ctx.Error(path, value, $"must be an OTLP/gRPC collector URL with a scheme and no path, e.g. http://otel-collector:4317; got '{text}'");
            return null;
        }

        return text;
    }

    private static TracingSettings SpanAttributes(ConfigReadContext ctx, YamlNode node, string path, TracingSettings settings)
    {
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, path) is not { } map)
        {
            return settings;
        }

        foreach (var (key, value, _) in ctx.Entries(map, path, SpanAttributeKeys))
        {
            var p = ConfigReadContext.Child(path, key);
            if (key == "header_prefixes")
            {
                if (ConfigReadContext.IsNull(value) || ctx.Sequence(value, p) is not { } seq)
                {
                    continue;
                }

                var prefixes = new List<string>();
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var ip = ConfigReadContext.Index(p, i);
                    if (ctx.String(seq.Children[i], ip) is not { } prefix)
                    {
                        continue;
                    }

                    if (prefix.Trim().Length == 0 || prefix.Any(c => c <= ' ' || c == ':'))
                    {
                        ctx.Error(ip, seq.Children[i], $"must be a header-name prefix such as x-tenant-, got '{prefix}'");
                        continue;
                    }

                    prefixes.Add(prefix.ToLowerInvariant());
                }

                settings = settings with { HeaderPrefixes = prefixes };
            }
            else if (!ConfigReadContext.IsNull(value) && ctx.Mapping(value, p) is { } statics)
            {
                var pairs = new List<KeyValuePair<string, string>>();
                foreach (var (name, v, _) in ctx.FreeEntries(statics, p))
                {
                    if (ctx.String(v, ConfigReadContext.Child(p, name)) is { } s)
                    {
                        pairs.Add(new(name, s));
                    }
                }

                settings = settings with { StaticAttributes = pairs };
            }
        }

        return settings;
    }
}
