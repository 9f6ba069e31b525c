using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The access log (docs/observability.md, "Access log"): one line per request, written OFF the request path. A
/// request only enqueues its <see cref="RequestRecord"/> on a bounded channel; a background task formats and writes
/// the lines (stdout, or a file rotated by size) and flushes when the queue runs dry. When the queue is full the
/// record is dropped and counted (<see cref="Dropped"/>), never waited for; the count is reported in the gateway
/// log. Settings come from each record's config snapshot, so a reload can change format or file.
/// </summary>
public sealed class AccessLog : IAsyncDisposable, IDisposable
{
    /// <summary>Records the queue holds before new ones are dropped.</summary>
    public const int Capacity = 8192;

    /// <summary>How long the writer collects lines before it writes them (unless 256 are already waiting).</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(50);

    private readonly Channel<(RequestRecord Record, AccessLogSettings Settings)> _queue;
    private readonly Func<TextWriter> _stdout;
    private readonly bool _rawStdout;
    private Stream? _stdoutStream;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private long _dropped;
    private long _droppedReported;
    private RotatingFile? _file;

    /// <param name="logger">Where drops and write failures are reported.</param>
    /// <param name="stdout">The stdout writer (tests pass their own); default <see cref="Console.Out"/>, which the console logger also writes through line by line, so lines never interleave.</param>
    public AccessLog(ILogger<AccessLog>? logger = null, Func<TextWriter>? stdout = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _stdout = stdout ?? (static () => Console.Out);
        _rawStdout = stdout is null; // the process's stdout: the batch's UTF-8 bytes go to it as they are
        _queue = Channel.CreateBounded<(RequestRecord, AccessLogSettings)>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once: the drop is ours to count
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records dropped because the queue was full (since start).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines written (since start).</summary>
    public long Written { get; private set; }

    /// <summary>Queues <paramref name="record"/> for writing under <paramref name="settings"/>; never blocks.</summary>
    public void Write(RequestRecord record, AccessLogSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        if (!_queue.Writer.TryWrite((record, settings)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Waits until every queued line is written (tests, shutdown).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_queue.Reader.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _file?.Dispose();
    }

    /// <summary>Writes what is queued (waiting at most 5 s), then closes the file.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (_writer.Wait(TimeSpan.FromSeconds(5)))
        {
            _file?.Dispose();
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            AccessLogSettings? batchSettings = null;
            while (reader.TryPeek(out var next))
            {
                // One batch per settings object: a reload that changes the sink starts a new batch.
                if (batchSettings is not null && !ReferenceEquals(next.Settings, batchSettings))
                {
                    break;
                }

                reader.TryRead(out _);
                batchSettings = next.Settings;
                try
                {
                    AccessLogFormatter.Write(_buffer, next.Record, next.Settings.Format);
                    Written++;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    AccessLogEvents.FormatFailed(_logger, ex);
                }

                if (_buffer.WrittenCount >= 64 * 1024)
                {
                    break;
                }
            }

            if (batchSettings is not null)
            {
                Flush(batchSettings);
            }

            var dropped = Interlocked.Read(ref _dropped);
            if (dropped != _droppedReported)
            {
                AccessLogEvents.Dropped(_logger, dropped - _droppedReported, dropped);
                _droppedReported = dropped;
            }

            // Collect for a moment before the next batch, so a busy gateway wakes the writer ~20 times a second rather
            // than once per request, and writes in large pieces. (Measured: this alone did not lower the access log's
            // CPU cost — formatting, the UTF-8 string round trip through Console.Out and the write itself are most of
            // it; docs/performance.md.)
            if (reader.Count < 256 && !reader.Completion.IsCompleted)
            {
                await Task.Delay(BatchInterval).ConfigureAwait(false);
            }
        }
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
