using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>One span as an OTLP export carried it (the fields the tests look at).</summary>
internal sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);

/// <summary>
/// A tiny OTLP trace collector on 127.0.0.1:&lt;free port&gt;: OTLP/HTTP (<c>POST /v1/traces</c>, protobuf) on one
/// listener and OTLP/gRPC (<c>TraceService/Export</c> over cleartext HTTP/2) on another. It decodes just enough of
/// <c>ExportTraceServiceRequest</c> (resource_spans → scope_spans → spans: ids, name, kind) to assert what arrived.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private int _exports;

    public string HttpBaseUrl { get; private set; } = "";
    public string GrpcUrl { get; private set; } = "";
    public int Exports => Volatile.Read(ref _exports);
    public IReadOnlyList<OtlpSpan> Spans => _spans.ToArray();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver.HttpBaseUrl = await receiver.ListenAsync(HttpProtocols.Http1AndHttp2);
        receiver.GrpcUrl = await receiver.ListenAsync(HttpProtocols.Http2); // cleartext HTTP/2 (prior knowledge), as gRPC clients speak it
        return receiver;
    }

    // One app per listener: the server's address list does not say which listener an address belongs to.
    private async Task<string> ListenAsync(HttpProtocols protocols)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = protocols));
        var app = builder.Build();
        _apps.Add(app);
        app.Run(HandleAsync);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StartAsync(cts.Token);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
    }

    /// <summary>Waits (bounded) until a span matching <paramref name="match"/> arrived.</summary>
    public async Task<bool> WaitForAsync(Func<OtlpSpan, bool> match, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (_spans.Any(match))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return _spans.Any(match);
    }

    public List<string> Failures { get; } = [];

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await ReceiveAsync(context);
        }
        catch (Exception ex)
        {
            lock (Failures)
            {
                Failures.Add(context.Request.Path + ": " + ex);
            }

            throw;
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (context.Request.Path == "/v1/traces")
        {
            Decode(body);
            context.Response.ContentType = "application/x-protobuf";
            return; // an empty ExportTraceServiceResponse
        }

        if (context.Request.Path == "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
        {
            // gRPC framing: 1 byte compressed flag, 4 bytes big-endian length, then the message.
            Decode(body.AsSpan(5).ToArray());
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 0 });
            context.Response.AppendTrailer("grpc-status", "0");
            return;
        }

        context.Response.StatusCode = 404;
    }

    private void Decode(byte[] request)
    {
        Interlocked.Increment(ref _exports);
        foreach (var resourceSpans in Fields(request, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    _spans.Enqueue(Span(span));
                }
            }
        }
    }

    private static OtlpSpan Span(byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var r = new Reader(span);
        while (r.More)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(r.Bytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(r.Bytes()); break;
                case (4, 2): parent = Convert.ToHexStringLower(r.Bytes()); break;
                case (5, 2): name = System.Text.Encoding.UTF8.GetString(r.Bytes()); break;
                case (6, 0): kind = (int)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind);
    }

    private static List<byte[]> Fields(byte[] message, int number)
    {
        var result = new List<byte[]>();
        var r = new Reader(message);
        while (r.More)
        {
            var (field, wire) = r.Tag();
            if (field == number && wire == 2)
            {
                result.Add(r.Bytes());
            }
            else
            {
                r.Skip(wire);
            }
        }

        return result;
    }

    private sealed class Reader(byte[] data)
    {
        private int _at;

        public bool More => _at < data.Length;

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[_at++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        public byte[] Bytes()
        {
            var length = (int)Varint();
            var bytes = data.AsSpan(_at, length).ToArray();
            _at += length;
            return bytes;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _at += 8; break;
                case 2:
                    var length = (int)Varint(); // read first: `_at += Varint()` would add to the position before the varint
                    _at += length;
                    break;
                case 5: _at += 4; break;
                default: throw new InvalidDataException($"protobuf wire type {wire} not expected in OTLP");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
