using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>Scripted behaviour for one upstream request.</summary>
internal delegate Task UpstreamHandler(HttpContext context, RecordedRequest request);

/// <summary>
/// A real Kestrel server on 127.0.0.1:&lt;any port&gt; standing in for a provider. Each request takes the next
/// queued handler (or the default one), and is recorded with its exact body bytes and whether it was aborted.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<UpstreamHandler> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Channel<RecordedRequest> _arrivals = Channel.CreateUnbounded<RecordedRequest>();
    private UpstreamHandler _default = Reply.Fixture("openai/envoy__chat-basic.0.json");

    private FakeUpstream(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:port</c>, no trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public int RequestCount => _requests.Count;

    public static async Task<FakeUpstream> StartAsync(UpstreamHandler? defaultHandler = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        if (defaultHandler is not null)
        {
            upstream._default = defaultHandler;
        }

        app.Run(upstream.HandleAsync);
        using var cts = new CancellationTokenSource(WaitLimit);
        await app.StartAsync(cts.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        upstream.BaseUrl = address.TrimEnd('/');
        return upstream;
    }

    /// <summary>Handler for every request that finds the script empty.</summary>
    public void SetDefault(UpstreamHandler handler) => _default = handler;

    /// <summary>Queues handlers for the next requests, in order.</summary>
    public void Enqueue(params UpstreamHandler[] handlers)
    {
        foreach (var h in handlers)
        {
            _script.Enqueue(h);
        }
    }

    /// <summary>Waits (bounded) for the next request that had not been awaited yet.</summary>
    public Task<RecordedRequest> NextRequestAsync() => NextRequestAsync(WaitLimit);

    /// <summary>As <see cref="NextRequestAsync()"/>, with a given limit (an <see cref="OperationCanceledException"/> when none came).</summary>
    public async Task<RecordedRequest> NextRequestAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        return await _arrivals.Reader.ReadAsync(cts.Token);
    }

    /// <summary>The only request received; fails when there were none or several.</summary>
    public RecordedRequest Single()
    {
        var all = Requests;
        Assert.True(all.Count == 1, $"expected exactly one upstream request, got {all.Count}");
        return all[0];
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in context.Request.Headers)
        {
            headers[name] = value.ToString();
        }

        var record = new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray());
        using var registration = context.RequestAborted.Register(record.MarkAborted);
        _requests.Enqueue(record);
        _arrivals.Writer.TryWrite(record);
        var handler = _script.TryDequeue(out var next) ? next : _default;
        try
        {
            await handler(context, record);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The gateway went away; the record says so.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            // The handler may finish inside the token's own cancel callbacks (LIFO), which unregisters ours before it runs.
            if (context.RequestAborted.IsCancellationRequested)
            {
                record.MarkAborted();
            }

            record.MarkFinished();
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(WaitLimit);
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
