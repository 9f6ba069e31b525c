using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Telemetry;

namespace Switchyard.Endpoints;

/// <summary>
/// The admin page (docs/observability.md, "Admin page"): <c>/ui/</c> serves the page's files, embedded in the binary
/// (no CDN; works offline), to anyone — they hold no data. Every data endpoint is on the admin surface
/// (<see cref="AdminEndpoints.AuthorizeAsync"/>: <c>Authorization: Bearer &lt;admin.api_key&gt;</c>, loopback only
/// without a key): <c>GET /v1/admin/events</c> (server-sent events, a snapshot a second), <c>/v1/admin/requests</c>,
/// <c>/v1/admin/requests/{id}</c>, <c>/v1/admin/traffic</c> and <c>/v1/admin/config</c>.
/// </summary>
internal static class AdminUiEndpoints
{
    public const string UiPath = "/ui";
    public const string EventsPath = "/v1/admin/events";
    public const string RequestsPath = "/v1/admin/requests";
    public const string TrafficPath = "/v1/admin/traffic";
    public const string ConfigPath = "/v1/admin/config";

    /// <summary>How often an event stream sends a snapshot.</summary>
    public static readonly TimeSpan EventInterval = TimeSpan.FromSeconds(1);

    public static IServiceCollection AddAdminUi(this IServiceCollection services)
    {
        services.AddSingleton<RequestHistory>();
        services.AddSingleton(sp => new ReloadHistory(sp.GetRequiredService<ConfigManager>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AdminEventStreams>();
        return services;
    }

    public static void MapAdminUi(this WebApplication app)
    {
        // Created now, so the first load is in the history and every reload after it.
        app.Services.GetRequiredService<ReloadHistory>();
        // Routing matches /ui and /ui/ alike: the page is served at /ui/ so its relative links resolve under it.
        app.MapGet(UiPath, context =>
        {
            if (context.Request.Path.Value?.EndsWith('/') == true)
            {
                return UiAssets.ServeAsync(context, "index.html");
            }

            context.Response.Redirect(context.Request.PathBase + UiPath + "/");
            return Task.CompletedTask;
        });
        app.MapGet(UiPath + "/{file}", context => UiAssets.ServeAsync(context, context.Request.RouteValues["file"] as string ?? ""));
        app.MapGet(EventsPath, EventsAsync);
        app.MapGet(RequestsPath, context => JsonAsync(context, s => AdminSnapshot.Recent(s.GetRequiredService<RequestHistory>()), AdminJsonContext.Default.RecentRequestsDto));
        app.MapGet(RequestsPath + "/{id}", RequestAsync);
        app.MapGet(TrafficPath, context => JsonAsync(context, s => AdminSnapshot.Traffic(s.GetRequiredService<RequestHistory>()), AdminJsonContext.Default.TrafficDto));
        app.MapGet(ConfigPath, context => JsonAsync(context,
            s => AdminSnapshot.Config(s.GetRequiredService<ConfigManager>().Current, s.GetRequiredService<ReloadHistory>()), AdminJsonContext.Default.ConfigDto));
    }

    /// <summary>The admin API's rule (<see cref="AdminEndpoints.AuthorizeAsync"/>), with the current config's key.</summary>
    internal static Task<bool> AuthorizeAsync(HttpContext context)
        => AdminEndpoints.AuthorizeAsync(context, context.RequestServices.GetRequiredService<ConfigManager>().Current.Config.Admin).AsTask();

    internal static bool IsForeignOrigin(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("Origin", out var origin) || origin.Count == 0)
        {
            return false; // not a cross-origin browser request (curl, Prometheus, the page's own GETs)
        }

        return !Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    internal static bool IsLoopbackHost(string host)
    {
        var h = host.Trim('[', ']');
        return h.Equals("localhost", StringComparison.OrdinalIgnoreCase) || h.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || System.Net.IPAddress.TryParse(h, out _);
    }

    private static async Task JsonAsync<T>(HttpContext context, Func<IServiceProvider, T> build, JsonTypeInfo<T> type)
    {
        if (!await AuthorizeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(w, build(context.RequestServices), type);
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RequestAsync(HttpContext context)
    {
        if (!await AuthorizeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var history = context.RequestServices.GetRequiredService<RequestHistory>();
        if (!long.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || history.Find(id) is not { } record)
        {
            await GatewayPipeline.WriteErrorAsync(context, 404,
                $"no request {context.Request.RouteValues["id"]} among the last {RequestHistory.RecentCapacity}", "invalid_request_error", "request_not_found").ConfigureAwait(false);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(8 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(w, AdminSnapshot.Detail(record), AdminJsonContext.Default.RequestDetailDto);
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /v1/admin/events</c>: <c>text/event-stream</c>, one <c>snapshot</c> event a second (model stats, traffic;
    /// recent requests and the config only when they changed since this stream last sent them). Ends when the client
    /// leaves or the gateway stops; at most <see cref="AdminEventStreams.MaxStreams"/> at once (429 beyond).
    /// </summary>
    public static async Task EventsAsync(HttpContext context)
    {
        if (!await AuthorizeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var services = context.RequestServices;
        var streams = services.GetRequiredService<AdminEventStreams>();
        if (!streams.TryEnter())
        {
            await GatewayPipeline.WriteErrorAsync(context, 429,
                $"at most {AdminEventStreams.MaxStreams} admin event streams may be open at once", "rate_limit_error", "too_many_event_streams").ConfigureAwait(false);
            return;
        }

        try
        {
            var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            var ct = cts.Token;
            var config = services.GetRequiredService<ConfigManager>();
            var history = services.GetRequiredService<RequestHistory>();
            var reloads = services.GetRequiredService<ReloadHistory>();
            var time = services.GetRequiredService<TimeProvider>();

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events on as they come
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await context.Response.StartAsync(ct).ConfigureAwait(false);

            var state = new StreamState();
            var buffer = new ArrayBufferWriter<byte>(32 * 1024);
            while (!ct.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                buffer.Write("event: snapshot\ndata: "u8);
                using (var w = new Utf8JsonWriter(buffer))
                {
                    WriteSnapshot(w, config.Current, history, reloads, time.GetUtcNow(), state);
                }

                buffer.Write("\n\n"u8);
                await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                streams.CountEvent();
                await Task.Delay(EventInterval, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client left or the gateway is stopping.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
        finally
        {
            streams.Exit();
        }
    }

    /// <summary>What one event stream already sent.</summary>
    internal sealed class StreamState
    {
        public long Recent = -1;
        public long ConfigGeneration = -1;
        public long ReloadVersion = -1;
    }

    /// <summary>One snapshot event's JSON: <c>{object, generated_at, stats, traffic, recent?, config?}</c>.</summary>
    internal static void WriteSnapshot(Utf8JsonWriter w, RuntimeSnapshot snapshot, RequestHistory history, ReloadHistory reloads, DateTimeOffset now, StreamState state)
    {
        w.WriteStartObject();
        w.WriteString("object", "switchyard.admin_snapshot");
        w.WriteString("generated_at", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WritePropertyName("stats");
        ModelStatsReport.Write(w, snapshot, now);
        w.WritePropertyName("traffic");
        JsonSerializer.Serialize(w, AdminSnapshot.Traffic(history), AdminJsonContext.Default.TrafficDto);
        var latest = history.Latest;
        if (latest != state.Recent)
        {
            state.Recent = latest;
            w.WritePropertyName("recent");
            JsonSerializer.Serialize(w, AdminSnapshot.Recent(history), AdminJsonContext.Default.RecentRequestsDto);
        }

        var version = reloads.Version;
        if (snapshot.Generation != state.ConfigGeneration || version != state.ReloadVersion)
        {
            state.ConfigGeneration = snapshot.Generation;
            state.ReloadVersion = version;
            w.WritePropertyName("config");
            JsonSerializer.Serialize(w, AdminSnapshot.Config(snapshot, reloads), AdminJsonContext.Default.ConfigDto);
        }

        w.WriteEndObject();
    }
}

/// <summary>The open admin event streams of one gateway (bounded).</summary>
internal sealed class AdminEventStreams
{
    /// <summary>Streams allowed at once; each costs a snapshot a second.</summary>
    public const int MaxStreams = 16;

    private int _active;
    private long _events;

    /// <summary>Streams open now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Events sent since start (tests).</summary>
    public long EventsSent => Interlocked.Read(ref _events);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _active) <= MaxStreams)
        {
            return true;
        }

        Interlocked.Decrement(ref _active);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _active);

    public void CountEvent() => Interlocked.Increment(ref _events);
}
