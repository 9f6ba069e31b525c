using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Resilience;
using Switchyard.Core.Limits;
using Switchyard.Core.State.RateLimits;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Metrics;
using Switchyard.Endpoints;

namespace Switchyard.Hosting;

/// <summary>How to start a gateway (CLI and tests).</summary>
public sealed class GatewayHostOptions
{
    /// <summary>Config file; null means the built-in quickstart.</summary>
    public string? ConfigPath { get; init; }
    /// <summary>Overrides the first listener's port (0 = any free port).</summary>
    public int? PortOverride { get; init; }
    /// <summary>Environment lookup for config loading ($VAR, SWITCHYARD_HOSTED_ROUTER_URL) and the quickstart's key detection; null = the process environment.</summary>
    public Func<string, string?>? Environment { get; init; }
    /// <summary>How often the config file is re-checked besides file-system events.</summary>
    public TimeSpan? ReloadPollInterval { get; init; }
    /// <summary>Minimum log level (default Information).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    /// <summary>Extra logging setup (tests add a capturing provider).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
    /// <summary>The clock for every policy (timeouts, breakers, limits, averages); tests pass a FakeTimeProvider. Null = the system clock.</summary>
    public TimeProvider? Time { get; init; }
    /// <summary>Extra trace setup when tracing is on (tests add an in-memory exporter).</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? ConfigureTracing { get; init; }
}

/// <summary>A running Switchyard: Kestrel listeners, the live config, and the request pipeline.</summary>
public sealed partial class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IDisposable? _sighup;
    private readonly IDisposable? _allocReport = AllocationReport.RegisterIfEnabled();

    private GatewayHost(WebApplication app, ConfigManager config)
    {
        _app = app;
        Config = config;
        _sighup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true;
            config.Reload();
        });
    }

    /// <summary>The live configuration.</summary>
    public ConfigManager Config { get; }

    /// <summary>The host's services (process-wide state such as <see cref="ObservedLatency"/>; tests read it).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Addresses Kestrel listens on (valid after <see cref="StartAsync"/>).</summary>
    public IReadOnlyList<Uri> Addresses => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
        .Addresses.Select(a => new Uri(a)).ToList();

    /// <summary>Loads the config and builds the host; null (with every diagnostic) when the config is invalid.</summary>
    public static (GatewayHost? Host, ConfigLoadResult Result) Create(GatewayHostOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        // Per-request framework logs cost time on every call; keep them for warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // ASP.NET Core starts an Activity for every request whenever this category logs at all (for log scopes), ≈ 1 µs
        // of CPU per request (docs/performance.md). It logs only "Request starting/finished" (Information); with it
        // off, requests get an Activity only when tracing listens.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        options.ConfigureLogging?.Invoke(builder.Logging);

        using var bootLogging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.LogLevel));
        var configLogger = bootLogging.CreateLogger("Switchyard.Config");
        var env = options.Environment ?? System.Environment.GetEnvironmentVariable;
        var (manager, result) = options.ConfigPath is null
            ? ConfigManager.FromText(QuickstartConfig.Build(env), QuickstartConfig.SourceName, configLogger, env)
            : ConfigManager.FromFile(options.ConfigPath, configLogger, options.ReloadPollInterval, options.Environment);
        if (manager is null)
        {
            return (null, result);
        }

        var snapshot = manager.Current;
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = System.Environment.GetEnvironmentVariable("SWITCHYARD_INLINE_IO") != "0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RequestBodyReader.DefaultMaxBytes;
            var listeners = snapshot.Config.Listeners;
            for (var i = 0; i < listeners.Count; i++)
            {
                var port = i == 0 && options.PortOverride is { } p ? p : listeners[i].Port;
                k.Listen(ParseAddress(listeners[i].Address), port);
            }
        });

        builder.Services.AddSingleton(manager);
        builder.Services.AddSingleton(options.Time ?? TimeProvider.System);
        builder.Services.AddSingleton<UpstreamHttp>();
        builder.Services.AddSingleton(sp => options.Time is { } t ? new RetryPolicy(t, Random.Shared.NextDouble) : RetryPolicy.Default);
        // One per process: observed TTFT outlives config reloads (DESIGN §5, §6).
        builder.Services.AddSingleton(sp => new ObservedLatency(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IRateLimitStore>(sp => new InMemoryRateLimitStore(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new RateLimiter(sp.GetRequiredService<IRateLimitStore>()));
        builder.Services.AddSingleton<AttemptRunner>();
        builder.Services.AddSingleton<IRouterModel, RouterModelClient>();
        builder.Services.AddSingleton(sp => new MetricsSourceRegistry(sp.GetRequiredService<ObservedLatency>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MetricsSourceRegistry>>()));
        builder.Services.AddSingleton<ISelectionFigures>(sp => sp.GetRequiredService<MetricsSourceRegistry>());
        builder.Services.AddHostedService<MetricsSourcesService>();
        builder.Services.AddSingleton<Switchyard.Core.Resilience.HealthProber>();
        builder.Services.AddHostedService<HealthProbeService>();
        builder.Services.AddSingleton<RoutingService>();
        builder.Services.AddSingleton(sp => new Switchyard.Core.Telemetry.AccessLog(sp.GetRequiredService<ILogger<Switchyard.Core.Telemetry.AccessLog>>()));
        builder.Services.AddSingleton<GatewayPipeline>();
        builder.Services.AddSingleton<CountTokensHandler>();
        builder.Services.AddGatewayMetrics();
        builder.Services.AddAdminUi();
        var (tracing, sampler) = builder.Services.AddGatewayTracing(snapshot.Config.Tracing, env, options.ConfigureTracing);

        var app = builder.Build();
        app.MapSwitchyard();
        var host = new GatewayHost(app, manager);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchyard");
        // The boot logger is disposed below; reload reports go to the host's configured logging.
        manager.UseLogger(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchyard.Config"));
        manager.Reloaded += s => LogSnapshot(logger, s);
        TracingSetup.Watch(manager, tracing, sampler, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchyard.Tracing"));
        return (host, result);
    }

    private static IPAddress ParseAddress(string address) => address switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "" => IPAddress.Any,
        _ => IPAddress.Parse(address),
    };

    /// <summary>Starts listening and begins watching the config file.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        Config.StartWatching();
        var logger = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchyard");
        LogSnapshot(logger, Config.Current);
        LogListening(logger, string.Join(", ", Addresses));
    }

    /// <summary>Runs until Ctrl+C / SIGTERM.</summary>
    public async Task RunAsync()
    {
        await StartAsync().ConfigureAwait(false);
        await _app.WaitForShutdownAsync().ConfigureAwait(false);
    }

    public Task StopAsync() => _app.StopAsync();

    private static void LogSnapshot(ILogger logger, RuntimeSnapshot snapshot)
    {
        var catalog = snapshot.Catalog;
        LogConfig(logger, snapshot.Config.Source, snapshot.Generation);
        foreach (var group in catalog.Models.GroupBy(m => m.Provider.Prefix))
        {
            LogProvider(logger, group.Key, string.Join(", ", group.Select(m => m.CanonicalName)));
        }

        foreach (var w in catalog.Wildcards)
        {
            LogWildcard(logger, w.Model);
        }

        foreach (var a in catalog.Aliases)
        {
            LogAlias(logger, a.Alias, a.Target);
        }

        if (catalog.Default is { } d)
        {
            LogDefault(logger, d.CanonicalName);
        }

        // Routing prompts (the conversation) leave the machine for the hosted router: say where, and how to avoid it.
        if (catalog.HostedRouter is { } router)
        {
            LogHostedRouter(logger, router.UriFor(UpstreamProtocol.OpenAIChat, stream: false).ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sighup?.Dispose();
        _allocReport?.Dispose();
        AllocationReport.Print("stop");
        Config.Dispose();
        TracingSetup.Flush(_app.Services); // before the container disposes the exporter's HTTP client
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Config {Source} (generation {Generation})")]
    private static partial void LogConfig(ILogger logger, string source, long generation);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Provider {Provider}: {Models}")]
    private static partial void LogProvider(ILogger logger, string provider, string models);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Wildcard {Model}: any model of this provider is accepted")]
    private static partial void LogWildcard(ILogger logger, string model);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Alias {Alias} -> {Target}")]
    private static partial void LogAlias(ILogger logger, string alias, string target);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Default model: {Model}")]
    private static partial void LogDefault(ILogger logger, string model);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Preference routing uses the hosted Plano-Orchestrator router: routing prompts (the recent conversation) are sent to {Url}. "
        + "To keep them on your network, declare a model_providers entry for a router model you host (e.g. Plano-Orchestrator on vLLM, Arch-Router on Ollama) "
        + "and set overrides.llm_routing_model to its name; " + HostedRouter.BaseUrlVariable + " points the hosted router at a mirror")]
    private static partial void LogHostedRouter(ILogger logger, string url);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Switchyard listening on {Addresses}")]
    private static partial void LogListening(ILogger logger, string addresses);
}
