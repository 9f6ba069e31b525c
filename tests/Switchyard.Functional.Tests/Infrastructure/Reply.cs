using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>Ready-made <see cref="UpstreamHandler"/>s for <see cref="FakeUpstream"/>.</summary>
internal static class Reply
{
    /// <summary>Serves a recorded body byte for byte, with the content type its extension implies.</summary>
    public static UpstreamHandler Fixture(string relative, int status = 200)
    {
        var bytes = Fixtures.Bytes(relative);
        var contentType = Fixtures.ContentTypeOf(relative);
        return Bytes(status, bytes, contentType);
    }

    public static UpstreamHandler Bytes(int status, byte[] body, string contentType, params (string Name, string Value)[] headers)
        => async (context, _) =>
        {
            var r = context.Response;
            r.StatusCode = status;
            r.ContentType = contentType;
            r.ContentLength = body.Length;
            foreach (var (name, value) in headers)
            {
                r.Headers[name] = value;
            }

            await r.Body.WriteAsync(body, context.RequestAborted);
        };

    public static UpstreamHandler Json(int status, string body, params (string Name, string Value)[] headers)
        => Bytes(status, Encoding.UTF8.GetBytes(body), "application/json", headers);

    public static UpstreamHandler Text(int status, string body, params (string Name, string Value)[] headers)
        => Bytes(status, Encoding.UTF8.GetBytes(body), "text/plain", headers);

    /// <summary>Waits before sending anything (headers included), then runs <paramref name="then"/>.</summary>
    public static UpstreamHandler After(TimeSpan delay, UpstreamHandler then)
        => async (context, request) =>
        {
            await Task.Delay(delay, context.RequestAborted);
            await then(context, request);
        };

    /// <summary>Sends nothing until the gateway gives up (or the safety limit passes).</summary>
    public static UpstreamHandler Hang()
        => async (context, _) => await Task.Delay(Gate.Limit, context.RequestAborted);

    /// <summary>Starts an SSE stream script.</summary>
    public static SseScript Sse() => new();
}
