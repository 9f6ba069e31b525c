using System.Buffers;
using System.Text;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The access log (docs/observability.md, "Access log"): one line per request, written OFF the request path. A
/// request only enqueues its <see cref="RequestRecord"/> (a lock-free queue and an interlocked count); a dedicated
/// background thread formats and writes the lines (stdout, or a file rotated by size) in batches. When the queue is
/// full the record is dropped and counted (<see cref="Dropped"/>), never waited for; the count is reported in the
/// gateway log. Settings come from each record's config snapshot, so a reload can change format or file.
/// </summary>
/// <remarks>
/// The writer is its own thread, not a thread-pool task: a batch (formatting a thousand lines, a blocking write to a
/// file or pipe) on a pool thread made the pool add workers that then preempted each other and the request path — at
/// saturation ≈ 80 context switches per thousand requests against 5 without the log (docs/performance.md). The
/// thread sleeps <see cref="BatchInterval"/> between batches unless 256 lines are already waiting, so a busy gateway
/// wakes it ~20 times a second and an idle one costs 20 short wake-ups a second.
/// </remarks>
public sealed class AccessLog : IAsyncDisposable, IDisposable
{
    /// <summary>Records the queue holds before new ones are dropped.</summary>
    public const int Capacity = 8192;

    /// <summary>How long the writer collects lines before it writes them (unless 256 are already waiting).</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentQueue<(RequestRecord Record, AccessLogSettings Settings)> _queue = new();
    private readonly Func<TextWriter> _stdout;
    private readonly bool _rawStdout;
    private Stream? _stdoutStream;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private int _queued; // records enqueued and not yet taken by the writer (bounds the queue)
    private long _pending; // records enqueued and not yet written or failed (FlushAsync waits for 0)
    private long _dropped;
    private long _droppedReported;
    private long _written;
    private volatile bool _completed;
    private RotatingFile? _file;
    private (RequestRecord Record, AccessLogSettings Settings) _carry; // writer thread only
    private bool _hasCarry;

    /// <param name="logger">Where drops and write failures are reported.</param>
    /// <param name="stdout">The stdout writer (tests pass their own); default <see cref="Console.Out"/>, which the console logger also writes through line by line, so lines never interleave.</param>
    public AccessLog(ILogger<AccessLog>? logger = null, Func<TextWriter>? stdout = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _stdout = stdout ?? (static () => Console.Out);
        _rawStdout = stdout is null; // the process's stdout: the batch's UTF-8 bytes go to it as they are
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "Access log" };
        _thread.Start();
    }

    /// <summary>Records dropped because the queue was full (since start).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines written (since start).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues <paramref name="record"/> for writing under <paramref name="settings"/>; never blocks.</summary>
    public void Write(RequestRecord record, AccessLogSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        if (_completed)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (Interlocked.Increment(ref _queued) > Capacity)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }

        Interlocked.Increment(ref _pending);
        _queue.Enqueue((record, settings));
    }

    /// <summary>Waits until every queued line is written (tests, shutdown).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _pending) > 0 && DateTime.UtcNow < deadline && !_stopped.Task.IsCompleted)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _completed = true;
        await _stopped.Task.ConfigureAwait(false);
        _file?.Dispose();
    }

    /// <summary>Writes what is queued (waiting at most 5 s), then closes the file.</summary>
    public void Dispose()
    {
        _completed = true;
        if (_stopped.Task.Wait(TimeSpan.FromSeconds(5)))
        {
            _file?.Dispose();
        }
    }

    private void WriteLoop()
    {
        try
        {
            while (true)
            {
                var completed = _completed; // read before draining: whatever was queued before completion is written
                WriteBatches();
                if (completed && _queue.IsEmpty)
                {
                    break;
                }

                // Collect for a moment before the next batch, so a busy gateway wakes the writer ~20 times a second
                // and writes in large pieces.
                if (Volatile.Read(ref _queued) < 256 && !_completed)
                {
                    Thread.Sleep(BatchInterval);
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    // Takes what is queued: one batch (one write) per settings object and per 64 KiB. Never TryPeek: a peek marks the
    // queue's segment "preserved for observation", after which dequeued slots keep their items (and every record
    // they reference) until the whole segment is dropped — segments grow to a million slots, so at saturation the log
    // held tens of seconds of records alive and made every gen0 GC copy them (docs/performance.md). A record whose
    // settings differ from the batch's is carried to the next batch instead.
    private void WriteBatches()
    {
        while (TakeNext(out var next))
        {
            var batchSettings = next.Settings;
            var lines = 0;
            while (true)
            {
                lines++;
                try
                {
                    AccessLogFormatter.Write(_buffer, next.Record, next.Settings.Format);
                    Interlocked.Increment(ref _written);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    AccessLogEvents.FormatFailed(_logger, ex);
                }

                if (lines >= 4096 || _buffer.WrittenCount >= 64 * 1024 || !TakeNext(out next))
                {
                    break;
                }

                if (!ReferenceEquals(next.Settings, batchSettings))
                {
                    _carry = next;
                    _hasCarry = true;
                    break;
                }
            }

            Flush(batchSettings);
            Interlocked.Add(ref _pending, -lines);
        }

        var dropped = Interlocked.Read(ref _dropped);
        if (dropped != _droppedReported)
        {
            AccessLogEvents.Dropped(_logger, dropped - _droppedReported, dropped);
            _droppedReported = dropped;
        }
    }

    // The record carried over from the last batch (its settings differed), else the queue's next one.
    private bool TakeNext(out (RequestRecord Record, AccessLogSettings Settings) item)
    {
        if (_hasCarry)
        {
            item = _carry;
            _carry = default;
            _hasCarry = false;
            return true;
        }

        if (_queue.TryDequeue(out item))
        {
            Interlocked.Decrement(ref _queued);
            return true;
        }

        return false;
    }

    private void Flush(AccessLogSettings settings)
    {
        try
        {
            if (settings.Path is { } path)
            {
                if (_file is null || _file.Path != path || _file.MaxBytes != settings.MaxSizeMb * 1024L * 1024L || _file.MaxFiles != settings.MaxFiles)
                {
                    _file?.Dispose();
                    _file = new RotatingFile(path, settings.MaxSizeMb * 1024L * 1024L, settings.MaxFiles);
                }

                _file.Write(_buffer.WrittenSpan);
            }
            else if (_rawStdout)
            {
                // The lines are UTF-8 already: no string round trip through Console.Out. Holding Console.Out's own
                // lock (SyncTextWriter locks on itself) keeps the console logger's lines from landing inside a batch.
                var console = Console.Out;
                _stdoutStream ??= Console.OpenStandardOutput();
                lock (console)
                {
                    console.Flush();
                    _stdoutStream.Write(_buffer.WrittenSpan);
                }
            }
            else
            {
                _stdout().Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            AccessLogEvents.WriteFailed(_logger, settings.Path ?? "stdout", ex);
        }
        finally
        {
            _buffer.Clear();
        }
    }
}

/// <summary>
/// An append-only file rotated by size: when a write would take it past <see cref="MaxBytes"/>, <c>FILE</c> becomes
/// <c>FILE.1</c> (<c>FILE.1</c> → <c>FILE.2</c> …, the oldest beyond <see cref="MaxFiles"/> deleted) and a new
/// <c>FILE</c> starts. Written by the access log's single background task only.
/// </summary>
internal sealed class RotatingFile(string path, long maxBytes, int maxFiles) : IDisposable
{
    private FileStream? _stream;

    public string Path { get; } = path;
    public long MaxBytes { get; } = maxBytes;
    public int MaxFiles { get; } = maxFiles;

    public void Write(ReadOnlySpan<byte> lines)
    {
        _stream ??= Open();
        if (_stream.Length > 0 && _stream.Length + lines.Length > MaxBytes)
        {
            Rotate();
        }

        _stream.Write(lines);
        _stream.Flush();
    }

    private FileStream Open()
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        return new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
    }

    private void Rotate()
    {
        _stream!.Dispose();
        _stream = null;
        File.Delete($"{Path}.{MaxFiles}");
        for (var i = MaxFiles - 1; i >= 1; i--)
        {
            if (File.Exists($"{Path}.{i}"))
            {
                File.Move($"{Path}.{i}", $"{Path}.{i + 1}", overwrite: true);
            }
        }

        File.Move(Path, $"{Path}.1", overwrite: true);
        _stream = Open();
    }

    public void Dispose() => _stream?.Dispose();
}

internal static partial class AccessLogEvents
{
    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Access log: {Count} line(s) dropped because the queue was full ({Total} since start)")]
    public static partial void Dropped(ILogger logger, long count, long total);

    [LoggerMessage(EventId = 121, Level = LogLevel.Error, Message = "Access log: writing to {Sink} failed")]
    public static partial void WriteFailed(ILogger logger, string sink, Exception exception);

    [LoggerMessage(EventId = 122, Level = LogLevel.Error, Message = "Access log: formatting a line failed")]
    public static partial void FormatFailed(ILogger logger, Exception exception);
}
