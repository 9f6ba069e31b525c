using System.Collections.Concurrent;
using System.Net;

namespace Switchyard.Core.Providers;

/// <summary>
/// The HTTP client side shared by every request: one proxy-tuned <see cref="SocketsHttpHandler"/> with pooled
/// keep-alive connections per upstream origin, created once and kept across config reloads. No per-request
/// HttpClient, no redirects, cookies, proxies, decompression or trace-header injection.
/// </summary>
public sealed class UpstreamHttp : IDisposable
{
    private readonly HttpMessageInvoker _network;
    private readonly ConcurrentDictionary<HttpMessageHandler, HttpMessageInvoker> _inProcess = new();

    public UpstreamHttp(TimeSpan? connectTimeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            MaxResponseHeadersLength = 256,
        };
        _network = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The invoker for a provider: its in-process handler (mock) or the network.</summary>
    public HttpMessageInvoker For(ProviderDefinition provider)
    {
        var inProcess = provider.InProcessHandler;
        return inProcess is null ? _network : _inProcess.GetOrAdd(inProcess, static h => new HttpMessageInvoker(h, disposeHandler: false));
    }

    public void Dispose() => _network.Dispose();
}
