using Switchyard.Core.Configuration;
using Switchyard.Core.Telemetry;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>Plano's <c>tracing</c> section (docs/observability.md, "Traces") and the OTEL_* variables that refine it.</summary>
public class TracingConfigTests
{
    [Fact]
    public void Parse_FullSection_EveryKeyRead()
    {
        var result = Load(MinimalProviders + "\n" + """
            tracing:
              random_sampling: 25
              opentracing_grpc_endpoint: http://otel-collector:4317
              span_attributes:
                header_prefixes: [X-Tenant-, x-team-]
                static:
                  deployment: eu-1
                  tier: "2"
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        var t = result.Config!.Tracing;
        Assert.True(t.Present);
        Assert.Equal(25, t.RandomSampling);
        Assert.Equal("http://otel-collector:4317", t.Endpoint);
        Assert.Equal(["x-tenant-", "x-team-"], t.HeaderPrefixes);
        Assert.Equal([new("deployment", "eu-1"), new("tier", "2")], t.StaticAttributes);
        Assert.Equal(4, t.Line);
        Assert.False(result.Config.Sections.ContainsKey("tracing")); // read, not kept as a blob
    }

    [Fact]
    public void Parse_NoSection_TracingAbsent()
    {
        var config = LoadValid(MinimalProviders);

        Assert.False(config.Tracing.Present);
        Assert.Null(config.Tracing.RandomSampling);
    }

    [Fact]
    public void Parse_EndpointFromVariable_Expanded()
    {
        var config = LoadValid(MinimalProviders + "\ntracing:\n  random_sampling: 100\n  opentracing_grpc_endpoint: ${COLLECTOR}",
            new Dictionary<string, string> { ["COLLECTOR"] = "http://jaeger:4317" });

        Assert.Equal("http://jaeger:4317", config.Tracing.Endpoint);
    }

    [Theory]
    [InlineData("tracing:\n  random_sampling: 101", "tracing.random_sampling", 5)]
    [InlineData("tracing:\n  random_sampling: -1", "tracing.random_sampling", 5)]
    [InlineData("tracing:\n  random_sampling: all", "tracing.random_sampling", 5)]
    [InlineData("tracing:\n  random_sampling: 1\n  opentracing_grpc_endpoint: otel:4317", "tracing.opentracing_grpc_endpoint", 6)]
    [InlineData("tracing:\n  random_sampling: 1\n  opentracing_grpc_endpoint: http://otel:4317/v1/traces", "tracing.opentracing_grpc_endpoint", 6)]
    [InlineData("tracing:\n  random_sampling: 1\n  span_attributes:\n    header_prefixes: [\"x bad\"]", "tracing.span_attributes.header_prefixes[0]", 7)]
    [InlineData("tracing:\n  random_sampling: 1\n  span_attributes:\n    headers: [x-]", "tracing.span_attributes.headers", 7)]
    [InlineData("tracing: on", "tracing", 4)]
    public void Parse_BadValue_ErrorAtPathAndLine(string section, string path, int line)
    {
        var d = SingleError(MinimalProviders + "\n" + section);

        AssertAt(d, path, line);
    }

    [Fact]
    public void Parse_UnknownKey_DidYouMean()
    {
        var d = SingleError(MinimalProviders + "\ntracing:\n  random_sampling: 1\n  random_samplng: 5");

        AssertAt(d, "tracing.random_samplng", 6);
        Assert.Contains("random_sampling", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tracing:\n  random_sampling: 1\n  trace_arch_internal: true", "tracing.trace_arch_internal", 6, "has no effect")]
    [InlineData("tracing:\n  random_sampling: 1\n  exporters:\n    - type: posthog\n      url: https://x\n      api_key: k", "tracing.exporters", 6, "OTLP only")]
    [InlineData("tracing:\n  opentracing_grpc_endpoint: http://otel:4317", "tracing", 4, "defaults to 0")]
    public void Parse_KeyWithoutEquivalent_WarningNamingIt(string section, string path, int line, string text)
    {
        var result = Load(MinimalProviders + "\n" + section);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, path, line);
        Assert.Contains(text, w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModelListDialect_TracingAccepted()
    {
        var config = LoadValid("""
            model_list:
              - model_name: gpt
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_key: k
            tracing:
              random_sampling: 10
            """);

        Assert.Equal(10, config.Tracing.RandomSampling);
    }

    [Fact]
    public void Write_Section_RoundTrips()
    {
        var original = LoadValid(MinimalProviders + "\n" + """
            tracing:
              random_sampling: 2.5
              opentracing_grpc_endpoint: http://otel:4317
              trace_arch_internal: false
              span_attributes:
                header_prefixes: [x-tenant-]
                static: {deployment: eu-1}
              exporters:
                - type: posthog
                  url: https://x
                  api_key: k
            """);

        var written = ConfigWriter.Write(original);
        var reloaded = LoadValid(written.Yaml);

        Assert.Contains("random_sampling: 2.5\n", written.Yaml, StringComparison.Ordinal);
        Assert.Equal(ConfigWriterTests.Canonical(original), ConfigWriterTests.Canonical(reloaded));
        Assert.Equal(written.Yaml, ConfigWriter.Write(reloaded).Yaml);
    }

    [Fact]
    public void Write_NoSection_NothingWritten()
    {
        Assert.DoesNotContain("tracing", ConfigWriter.Write(LoadValid(MinimalProviders)).Yaml, StringComparison.Ordinal);
    }

    private static TracingPlan Plan(string? section, params (string Name, string Value)[] env)
    {
        var settings = section is null ? TracingSettings.None : LoadValid(MinimalProviders + "\n" + section).Tracing;
        var vars = env.ToDictionary(e => e.Name, e => e.Value);
        return TracingPlan.Resolve(settings, n => vars.TryGetValue(n, out var v) ? v : null);
    }

    [Fact]
    public void Plan_Default_Off()
    {
        var plan = Plan(null);

        Assert.False(plan.Enabled);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Plan_RandomSampling_OnWithPlanoDefaults()
    {
        var plan = Plan("tracing:\n  random_sampling: 40");

        Assert.True(plan.Enabled);
        Assert.Equal(0.4, plan.Ratio, 6);
        Assert.True(plan.ParentBased);
        Assert.Equal(new Uri("http://localhost:4317"), plan.Endpoint);
        Assert.Equal(OtlpTransport.Grpc, plan.Protocol);
        Assert.Equal("switchyard", plan.ServiceName);
    }

    [Fact]
    public void Plan_RandomSamplingZero_Off()
    {
        Assert.False(Plan("tracing:\n  random_sampling: 0", ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317")).Enabled);
    }

    [Fact]
    public void Plan_EndpointPrecedence_ConfigThenPlanoVariableThenOtel()
    {
        Assert.Equal(new Uri("http://a:4317"), Plan("tracing:\n  random_sampling: 1\n  opentracing_grpc_endpoint: http://a:4317",
            ("OTEL_TRACING_GRPC_ENDPOINT", "http://b:4317"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317")).Endpoint);
        Assert.Equal(new Uri("http://b:4317"), Plan("tracing:\n  random_sampling: 1",
            ("OTEL_TRACING_GRPC_ENDPOINT", "http://b:4317"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317")).Endpoint);
        Assert.Equal(new Uri("http://c:4317"), Plan("tracing:\n  random_sampling: 1", ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317")).Endpoint);
    }

    [Fact]
    public void Plan_OtlpHttp_BaseEndpointGetsSignalPath_TracesEndpointAsWritten()
    {
        var baseUrl = Plan(null, ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        var signal = Plan(null, ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/custom"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));

        Assert.True(baseUrl.Enabled); // the standard variables alone turn tracing on
        Assert.Equal(OtlpTransport.HttpProtobuf, baseUrl.Protocol);
        Assert.Equal(new Uri("http://c:4318/v1/traces"), baseUrl.Endpoint);
        Assert.Equal(new Uri("http://c:4318/custom"), signal.Endpoint);
        Assert.Equal(1, baseUrl.Ratio);
    }

    [Fact]
    public void Plan_PlanoVariableAlone_DoesNotTurnTracingOn()
    {
        Assert.False(Plan(null, ("OTEL_TRACING_GRPC_ENDPOINT", "http://b:4317")).Enabled);
    }

    [Theory]
    [InlineData("always_on", null, 1.0, false)]
    [InlineData("traceidratio", "0.25", 0.25, false)]
    [InlineData("parentbased_traceidratio", "0.5", 0.5, true)]
    [InlineData("parentbased_always_on", null, 1.0, true)]
    public void Plan_Sampler_FromVariablesWhenRandomSamplingUnset(string sampler, string? arg, double ratio, bool parentBased)
    {
        var env = new List<(string, string)> { ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"), ("OTEL_TRACES_SAMPLER", sampler) };
        if (arg is not null)
        {
            env.Add(("OTEL_TRACES_SAMPLER_ARG", arg));
        }

        var plan = Plan(null, [.. env]);

        Assert.True(plan.Enabled);
        Assert.Equal(ratio, plan.Ratio, 6);
        Assert.Equal(parentBased, plan.ParentBased);
    }

    [Fact]
    public void Plan_RandomSamplingWinsOverSampler_WithWarning()
    {
        var plan = Plan("tracing:\n  random_sampling: 100", ("OTEL_TRACES_SAMPLER", "always_off"));

        Assert.True(plan.Enabled);
        Assert.Contains(plan.Warnings, w => w.Contains("OTEL_TRACES_SAMPLER", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OTEL_SDK_DISABLED", "true")]
    [InlineData("OTEL_TRACES_EXPORTER", "none")]
    public void Plan_DisabledByVariable_OffWithWarning(string name, string value)
    {
        var plan = Plan("tracing:\n  random_sampling: 100", (name, value));

        Assert.False(plan.Enabled);
        Assert.Contains(plan.Warnings, w => w.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_ServiceHeadersTimeoutResource_FromVariables()
    {
        var plan = Plan("tracing:\n  random_sampling: 100",
            ("OTEL_SERVICE_NAME", "gw-eu"), ("OTEL_EXPORTER_OTLP_HEADERS", "x-token=abc"), ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,team=ml"), ("OTEL_TRACES_EXPORTER", "otlp,zipkin"));

        Assert.Equal("gw-eu", plan.ServiceName);
        Assert.Equal("x-token=abc", plan.Headers);
        Assert.Equal(2500, plan.TimeoutMilliseconds);
        Assert.Equal([new("deployment.environment", "prod"), new("team", "ml")], plan.ResourceAttributes);
        Assert.Contains(plan.Warnings, w => w.Contains("zipkin", StringComparison.Ordinal));
    }

    [Fact]
    public void SameExporter_SamplingChangeAboveZeroIsLive_EndpointOrOnOffIsNot()
    {
        var a = new TracingSettings { Present = true, RandomSampling = 10 };

        Assert.True(a.SameExporter(a with { RandomSampling = 90 }));
        Assert.False(a.SameExporter(a with { RandomSampling = 0 }));
        Assert.False(a.SameExporter(a with { Endpoint = "http://x:4317" }));
        Assert.False(a.SameExporter(TracingSettings.None));
    }
}
