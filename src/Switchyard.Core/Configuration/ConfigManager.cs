using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Owns the live <see cref="RuntimeSnapshot"/>: loads it, watches the file, and swaps a valid new config in
/// atomically. An invalid change is reported and the old snapshot keeps serving.
/// </summary>
public sealed partial class ConfigManager : IDisposable
{
    private readonly Func<ConfigLoadResult> _load;
    private readonly string? _path;
    private ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly object _reloadLock = new();
    private RuntimeSnapshot _current;
    private FileSystemWatcher? _watcher;
    private Timer? _pollTimer;
    private Timer? _debounce;
    private byte[] _lastHash = [];

    /// <summary>A manager over any load function (tests inject a failing one).</summary>
    internal ConfigManager(RuntimeSnapshot initial, Func<ConfigLoadResult> load, string? path, ILogger logger, TimeSpan pollInterval)
    {
        _current = initial;
        _load = load;
        _path = path;
        _logger = logger;
        _pollInterval = pollInterval;
    }

    /// <summary>
    /// Sends the manager's log to <paramref name="logger"/> from now on: the host's logging exists only after the
    /// first load (listeners come from the config), so the first load logs to a boot logger and reloads log here.
    /// </summary>
    public void UseLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Volatile.Write(ref _logger, logger);
    }

    /// <summary>The snapshot new requests use.</summary>
    public RuntimeSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after a successful reload.</summary>
    public event Action<RuntimeSnapshot>? Reloaded;

    /// <summary>Raised when a changed file fails validation (the old snapshot keeps serving).</summary>
    public event Action<ConfigLoadResult>? ReloadFailed;

    /// <summary>Loads a config file; returns the load result (with every diagnostic) and, when valid, a manager.</summary>
    /// <param name="env">Environment lookup for this load and every reload; null = the process environment.</param>
    public static (ConfigManager? Manager, ConfigLoadResult Result) FromFile(string path, ILogger logger, TimeSpan? pollInterval = null, Func<string, string?>? env = null)
    {
        var full = Path.GetFullPath(path);
        ConfigLoadResult Load() => ConfigLoader.LoadFile(full, env);
        var result = Load();
        if (result.Config is null)
        {
            return (null, result);
        }

        var manager = new ConfigManager(RuntimeSnapshot.Build(result.Config, 1), Load, full, logger, pollInterval ?? TimeSpan.FromSeconds(2));
        manager._lastHash = manager.HashFile() ?? [];
        return (manager, result);
    }

    /// <summary>A manager over config text that is not a file (the built-in quickstart); it never reloads.</summary>
    public static (ConfigManager? Manager, ConfigLoadResult Result) FromText(string yaml, string sourceName, ILogger logger, Func<string, string?>? env = null)
    {
        ConfigLoadResult Load() => ConfigLoader.Parse(yaml, sourceName, env);
        var result = Load();
        return result.Config is null ? (null, result) : (new ConfigManager(RuntimeSnapshot.Build(result.Config, 1), Load, null, logger, Timeout.InfiniteTimeSpan), result);
    }

    /// <summary>
    /// Starts watching the file: a file-system watcher for prompt pick-up, plus polling of the content hash because
    /// watchers miss events on some file systems and with editors that replace files.
    /// </summary>
    public void StartWatching()
    {
        if (_path is null)
        {
            return;
        }

        var dir = Path.GetDirectoryName(_path)!;
        _watcher = new FileSystemWatcher(dir, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            EnableRaisingEvents = true,
        };
        _watcher.Changed += (_, _) => ScheduleReload();
        _watcher.Created += (_, _) => ScheduleReload();
        _watcher.Renamed += (_, _) => ScheduleReload();
        _pollTimer = new Timer(_ => ReloadIfChanged(), null, _pollInterval, _pollInterval);
    }

    // Editors write in several steps; wait for the burst to settle before reading.
    private void ScheduleReload()
    {
        try
        {
            // Watcher events arrive on several threads at once: one timer is published, a losing one is disposed.
            var debounce = Volatile.Read(ref _debounce);
            if (debounce is null)
            {
                var created = new Timer(_ => ReloadIfChanged(), null, Timeout.Infinite, Timeout.Infinite);
                debounce = Interlocked.CompareExchange(ref _debounce, created, null) ?? created;
                if (!ReferenceEquals(debounce, created))
                {
                    created.Dispose();
                }
            }

            debounce.Change(TimeSpan.FromMilliseconds(150), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // A watcher event racing Dispose: nothing left to reload.
        }
    }

    // Runs on timer threads, where an escaping exception would end the process.
    private void ReloadIfChanged()
    {
        try
        {
            // Watcher events and the poll timer can fire together; compare under the lock so one change reloads once.
            lock (_reloadLock)
            {
                var hash = HashFile();
                if (hash is null || hash.AsSpan().SequenceEqual(_lastHash))
                {
                    return;
                }

                Reload();
            }
        }
        catch (Exception ex)
        {
            LogReloadCrashed(_logger, _path ?? "config", ex);
        }
    }

    /// <summary>
    /// Reloads now (also on SIGHUP). Returns the load result. Never throws: a failure of any kind, expected (invalid
    /// config) or not (a bug while loading or building the snapshot), is reported through the log and
    /// <see cref="ReloadFailed"/>, and the old snapshot keeps serving.
    /// </summary>
    public ConfigLoadResult Reload()
    {
        lock (_reloadLock)
        {
            var path = _path ?? "config";
            ConfigLoadResult result;
            RuntimeSnapshot? next = null;
            try
            {
                _lastHash = HashFile() ?? _lastHash;
                result = _load();
                if (result.Config is not null)
                {
                    next = RuntimeSnapshot.Build(result.Config, Current.Generation + 1, Current);
                }
            }
            catch (Exception ex)
            {
                LogReloadCrashed(_logger, path, ex);
                result = new ConfigLoadResult(null,
                    [new ConfigDiagnostic(DiagnosticSeverity.Error, path, "$", 0, $"reloading failed unexpectedly ({ex.GetType().Name}); still serving the previous config")]);
            }

            if (next is null)
            {
                LogReloadRejected(_logger, path, string.Join(Environment.NewLine, result.Errors));
                Raise(ReloadFailed, result);
                return result;
            }

            Volatile.Write(ref _current, next);
            LogReloaded(_logger, path, next.Generation, next.Catalog.Models.Count);
            foreach (var warning in result.Warnings)
            {
                LogReloadWarning(_logger, warning.ToString());
            }

            Raise(Reloaded, next);
            return result;
        }
    }

    // One failing subscriber must not skip the others nor escape to the reload thread.
    private void Raise<T>(Action<T>? handlers, T value)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<T>)handler)(value);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(_logger, _path ?? "config", ex);
            }
        }
    }

    private byte[]? HashFile()
    {
        if (_path is null)
        {
            return null;
        }

        try
        {
            return SHA256.HashData(File.ReadAllBytes(_path));
        }
        catch (IOException)
        {
            return null; // mid-write or briefly missing; the next event or poll retries
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _pollTimer?.Dispose();
        _debounce?.Dispose();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Config {Path} reloaded (generation {Generation}, {Models} models)")]
    private static partial void LogReloaded(ILogger logger, string path, long generation, int models);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Config {Path} changed but is invalid; still serving the previous config:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string path, string errors);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogReloadWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Reloading config {Path} failed unexpectedly; still serving the previous config")]
    private static partial void LogReloadCrashed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "A handler of a config {Path} reload event failed")]
    private static partial void LogSubscriberFailed(ILogger logger, string path, Exception exception);
}
