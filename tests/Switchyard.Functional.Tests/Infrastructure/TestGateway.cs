using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Configuration;
using Switchyard.Hosting;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>
/// The real gateway (<see cref="GatewayHost"/>) on 127.0.0.1:&lt;any port&gt;, started from a Plano YAML config written to a
/// temporary file, with an <see cref="HttpClient"/> pointed at it.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private readonly string _directory;

    private TestGateway(GatewayHost host, string directory, string configPath)
    {
        Host = host;
        _directory = directory;
        ConfigPath = configPath;
        BaseAddress = host.Addresses[0];
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public GatewayHost Host { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public string ConfigPath { get; }

    /// <summary>Writes <paramref name="yaml"/> to a fresh temp file and starts a gateway on it.</summary>
    /// <param name="yaml">The config.</param>
    /// <param name="logs">Captures the gateway's log at Debug (its framework categories at Warning, as configured).</param>
    /// <param name="traceEverything">Captures every category, framework and HttpClient included, at Trace.</param>
    /// <param name="env">Environment lookup for the config load (null = the process environment).</param>
    /// <param name="time">The gateway's clock (null = the system clock); policies that wait use it, so tests can move time.</param>
    /// <param name="tracing">Extra trace setup when the config turns tracing on (an in-memory exporter).</param>
    public static async Task<TestGateway> StartAsync(string yaml, ILoggerProvider? logs = null, bool traceEverything = false, Func<string, string?>? env = null, TimeProvider? time = null,
        Action<OpenTelemetry.Trace.TracerProviderBuilder>? tracing = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-func-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "plano_config.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var (host, result) = GatewayHost.Create(new GatewayHostOptions
        {
            ConfigPath = path,
            PortOverride = 0,
            ReloadPollInterval = TimeSpan.FromMilliseconds(200),
            LogLevel = logs is null ? LogLevel.Warning : LogLevel.Debug,
            ConfigureLogging = logs is null ? null : b =>
            {
                b.AddProvider(logs);
                if (traceEverything)
                {
                    // A rule naming the provider wins over the host's per-category minimums.
                    b.AddFilter<CapturedLogs>(null, LogLevel.Trace);
                }
            },
            Environment = env,
            Time = time,
            ConfigureTracing = tracing,
        });
        Assert.True(host is not null, "the test config is invalid:\n" + string.Join("\n", result.Diagnostics) + "\n---\n" + yaml);
        using var cts = new CancellationTokenSource(WaitLimit);
        await host.StartAsync(cts.Token);
        return new TestGateway(host, directory, path);
    }

    /// <summary>Replaces the config file in one step (write aside, then rename), as careful deploy tools do.</summary>
    public async Task ReplaceConfigAsync(string yaml)
    {
        var temp = Path.Combine(_directory, "next-" + Guid.NewGuid().ToString("N") + ".tmp");
        await File.WriteAllTextAsync(temp, yaml);
        File.Move(temp, ConfigPath, overwrite: true);
    }

    /// <summary>A task that completes on the next successful reload.</summary>
    public Task<RuntimeSnapshot> NextReloadAsync()
    {
        var tcs = new TaskCompletionSource<RuntimeSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(RuntimeSnapshot s)
        {
            Host.Config.Reloaded -= OnReloaded;
            tcs.TrySetResult(s);
        }

        Host.Config.Reloaded += OnReloaded;
        return tcs.Task.WaitAsync(WaitLimit);
    }

    /// <summary>A task that completes on the next rejected reload.</summary>
    public Task<ConfigLoadResult> NextRejectedReloadAsync()
    {
        var tcs = new TaskCompletionSource<ConfigLoadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFailed(ConfigLoadResult r)
        {
            Host.Config.ReloadFailed -= OnFailed;
            tcs.TrySetResult(r);
        }

        Host.Config.ReloadFailed += OnFailed;
        return tcs.Task.WaitAsync(WaitLimit);
    }

    /// <summary>POSTs raw bytes to <c>/v1/chat/completions</c>.</summary>
    public Task<HttpResponseMessage> PostChatAsync(byte[] body, IEnumerable<(string Name, string Value)>? headers = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
        => PostAsync("/v1/chat/completions", body, headers, completion, cancellationToken);

    /// <summary>POSTs raw JSON bytes to any gateway path (e.g. <c>/v1/messages</c>, <c>/v1/responses</c>).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, byte[] body, IEnumerable<(string Name, string Value)>? headers = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request, completion, cancellationToken);
    }

    public Task<HttpResponseMessage> PostChatAsync(string body, params (string Name, string Value)[] headers)
        => PostChatAsync(Encoding.UTF8.GetBytes(body), headers);

    /// <summary>POSTs and returns as soon as the headers arrived, for reading a stream as it comes.</summary>
    public Task<HttpResponseMessage> PostStreamAsync(string body, params (string Name, string Value)[] headers)
        => PostChatAsync(Encoding.UTF8.GetBytes(body), headers, HttpCompletionOption.ResponseHeadersRead);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind does not change any result.
        }
    }
}
