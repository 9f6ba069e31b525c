using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Core.Configuration;
using Switchyard.Core.Telemetry;

namespace Switchyard.Hosting;

/// <summary>
/// Traces (docs/observability.md, "Traces"): the TracerProvider with ASP.NET Core's server spans, the gateway's
/// own spans and the OTLP exporter — registered only when the <see cref="TracingPlan"/> says tracing is on, so a
/// gateway without tracing (the default, or <c>random_sampling: 0</c>) has no listener and no per-request span work.
/// </summary>
internal static partial class TracingSetup
{
    // Scrapes and probes are not requests worth a trace.
    private static readonly string[] Untraced = ["/metrics", "/healthz", "/readyz"];

    public static (TracingPlan Plan, ReloadableRatioSampler? Sampler) AddGatewayTracing(this IServiceCollection services, TracingSettings settings,
        Func<string, string?> env, Action<TracerProviderBuilder>? configure)
    {
        var plan = TracingPlan.Resolve(settings, env);
        if (!plan.Enabled)
        {
            return (plan, null);
        }

        var ratio = new ReloadableRatioSampler(plan.Ratio);
        services.AddOpenTelemetry().WithTracing(t =>
        {
            t.ConfigureResource(r => r.AddService(plan.ServiceName).AddAttributes(plan.ResourceAttributes));
            t.SetSampler(plan.ParentBased ? new ParentBasedSampler(ratio) : ratio);
            t.AddSource(GatewayTracing.SourceName);
            t.AddAspNetCoreInstrumentation(o => o.Filter = context => !Untraced.Contains(context.Request.Path.Value, StringComparer.Ordinal));
            t.AddOtlpExporter(o =>
            {
                o.Endpoint = plan.Endpoint;
                o.Protocol = plan.Protocol == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                if (plan.Headers is { } headers)
                {
                    o.Headers = headers;
                }

                if (plan.TimeoutMilliseconds is { } timeout)
                {
                    o.TimeoutMilliseconds = timeout;
                }
            });
            configure?.Invoke(t);
        });
        return (plan, ratio);
    }

    /// <summary>Exports the spans still batched (at shutdown; bounded to 5 s). Nothing to do when tracing is off.</summary>
    public static void Flush(IServiceProvider services) => services.GetService<TracerProvider>()?.ForceFlush(5000);

    /// <summary>Logs the plan at start, and on each reload what of the tracing section took effect.</summary>
    public static void Watch(ConfigManager manager, TracingPlan plan, ReloadableRatioSampler? sampler, ILogger logger)
    {
        LogPlan(logger, plan.Summary);
        foreach (var warning in plan.Warnings)
        {
            LogWarning(logger, warning);
        }

        var started = manager.Current.Config.Tracing;
        manager.Reloaded += snapshot =>
        {
            var now = snapshot.Config.Tracing;
            if (!now.SameExporter(started))
            {
                LogRestart(logger);
            }
            else if (sampler is not null && now.RandomSampling is { } percent && percent > 0)
            {
                sampler.Ratio = percent / 100; // span_attributes are read per request: they need nothing here
            }
        };
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Tracing: {Summary}")]
    private static partial void LogPlan(ILogger logger, string summary);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Tracing: {Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Tracing: the reloaded config turns tracing on or off or changes opentracing_grpc_endpoint; "
        + "the exporter is built at start, so this takes effect at the next restart (random_sampling between 1 and 100 and span_attributes apply at once)")]
    private static partial void LogRestart(ILogger logger);
}

/// <summary>Trace-id ratio sampling whose ratio a config reload can change (<c>tracing.random_sampling</c>).</summary>
internal sealed class ReloadableRatioSampler : Sampler
{
    private volatile Sampler _inner;
    private double _ratio;

    public ReloadableRatioSampler(double ratio)
    {
        _ratio = ratio;
        _inner = For(ratio);
        Description = "ReloadableRatioSampler";
    }

    public double Ratio
    {
        get => Volatile.Read(ref _ratio);
        set
        {
            Volatile.Write(ref _ratio, value);
            _inner = For(value);
        }
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) => _inner.ShouldSample(samplingParameters);

    private static Sampler For(double ratio) => ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
}
