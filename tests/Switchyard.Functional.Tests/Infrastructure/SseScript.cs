using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>
/// A <c>text/event-stream</c> response built step by step: events (each flushed on its own), gates the test opens,
/// signals the test awaits, an abort of the connection, or the end.
/// </summary>
internal sealed class SseScript
{
    private readonly List<Func<HttpContext, Task>> _steps = [];

    /// <summary>Sends raw bytes and flushes them.</summary>
    public SseScript Raw(byte[] bytes)
    {
        _steps.Add(async context =>
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        });
        return this;
    }

    public SseScript Raw(string text) => Raw(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends <c>data: {payload}\n\n</c>.</summary>
    public SseScript Data(string payload) => Raw("data: " + payload + "\n\n");

    /// <summary>Sends a chat chunk whose delta content is <paramref name="content"/>.</summary>
    public SseScript Chunk(string content) => Data(ChunkJson(content, finish: null));

    public SseScript Done() => Raw("data: [DONE]\n\n");

    /// <summary>Pauses until the test opens <paramref name="gate"/>.</summary>
    public SseScript WaitFor(Gate gate)
    {
        _steps.Add(context => gate.WaitAsync(context.RequestAborted));
        return this;
    }

    /// <summary>Pauses for a fixed time (used only where the pause itself is the behaviour under test).</summary>
    public SseScript Pause(TimeSpan delay)
    {
        _steps.Add(context => Task.Delay(delay, context.RequestAborted));
        return this;
    }

    /// <summary>Tells the test that every step before this one ran.</summary>
    public SseScript Signal(Gate gate)
    {
        _steps.Add(_ =>
        {
            gate.Open();
            return Task.CompletedTask;
        });
        return this;
    }

    /// <summary>Breaks the connection (no proper end of the chunked body).</summary>
    public SseScript Abort()
    {
        _steps.Add(context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        return this;
    }

    public static implicit operator UpstreamHandler(SseScript script) => script.RunAsync;

    private async Task RunAsync(HttpContext context, RecordedRequest request)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(context.RequestAborted);
        foreach (var step in _steps)
        {
            await step(context);
            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public static string ChunkJson(string content, string? finish)
        => "{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
           + System.Text.Json.JsonSerializer.Serialize(content) + "},\"finish_reason\":" + (finish is null ? "null" : "\"" + finish + "\"") + "}]}";
}
