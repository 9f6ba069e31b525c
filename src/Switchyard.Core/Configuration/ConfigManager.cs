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
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly object _reloadLock = new();
    private RuntimeSnapshot _current;
    private FileSystemWatcher? _watcher;
    private Timer? _pollTimer;
    private Timer? _debounce;
    private byte[] _lastHash = [];

    private ConfigManager(RuntimeSnapshot initial, Func<ConfigLoadResult> load, string? path, ILogger logger, TimeSpan pollInterval)
    {
        _current = initial;
        _load = load;
        _path = path;
        _logger = logger;
        _pollInterval = pollInterval;
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
        var debounce = _debounce ??= new Timer(_ => ReloadIfChanged(), null, Timeout.Infinite, Timeout.Infinite);
        debounce.Change(TimeSpan.FromMilliseconds(150), Timeout.InfiniteTimeSpan);
    }

    private void ReloadIfChanged()
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

    /// <summary>Reloads now (also on SIGHUP). Returns the load result.</summary>
    public ConfigLoadResult Reload()
    {
        lock (_reloadLock)
        {
            _lastHash = HashFile() ?? _lastHash;
            var result = _load();
            if (result.Config is null)
            {
                LogReloadRejected(_logger, _path ?? "config", string.Join(Environment.NewLine, result.Errors));
                ReloadFailed?.Invoke(result);
                return result;
            }

            var next = RuntimeSnapshot.Build(result.Config, Current.Generation + 1, Current);
            Volatile.Write(ref _current, next);
            LogReloaded(_logger, _path ?? "config", next.Generation, next.Catalog.Models.Count);
            Reloaded?.Invoke(next);
            return result;
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
}
