using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Core.Providers;

/// <summary>
/// The HTTP client side shared by every request: one proxy-tuned <see cref="SocketsHttpHandler"/> with pooled
/// keep-alive connections per upstream origin, created once and kept across config reloads. No per-request
/// HttpClient, no redirects, cookies, proxies, decompression or trace-header injection. Opening a connection is
/// bounded per call by the call's connect timeout (<see cref="UpstreamRequestBuilder.ConnectTimeoutOption"/>; the
/// listener's <c>connect_timeout</c> or the entry's), so it is configurable without a handler per timeout.
/// </summary>
public sealed class UpstreamHttp : IDisposable
{
    /// <summary>Connect timeout for calls that do not carry one.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpMessageInvoker _network;
    private readonly ConcurrentDictionary<HttpMessageHandler, HttpMessageInvoker> _inProcess = new();

    public UpstreamHttp()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
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

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(UpstreamRequestBuilder.ConnectTimeoutOption, out var t) ? t : DefaultConnectTimeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cts.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            // Nothing was sent: a connection failure, which the failure table may retry on the same endpoint.
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"connecting to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} took longer than {timeout.TotalSeconds:0.###} s (connect_timeout)",
                new TimeoutException());
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
