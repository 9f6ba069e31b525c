using Switchyard.Core.Configuration;
using Switchyard.Core.Tests.Routing.Metrics;

namespace Switchyard.Core.Tests.Configuration;

public sealed class ConfigManagerTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private static RuntimeSnapshot Initial()
        => RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(ConfigTestSupport.MinimalProviders), 1);

    private static ConfigLoadResult Throwing() => throw new InvalidOperationException("loader bug");

    [Fact]
    public void Reload_LoaderThrows_ReportsFailureAndKeepsServingOldSnapshot()
    {
        var logger = new ListLogger();
        var initial = Initial();
        using var manager = new ConfigManager(initial, Throwing, null, logger, Timeout.InfiniteTimeSpan);
        ConfigLoadResult? reported = null;
        manager.ReloadFailed += r => reported = r;

        var result = manager.Reload();

        Assert.Null(result.Config);
        Assert.Same(result, reported);
        var error = Assert.Single(result.Errors);
        Assert.Contains("InvalidOperationException", error.Message, StringComparison.Ordinal);
        Assert.Same(initial, manager.Current);
        Assert.Contains(logger.Messages, m => m.StartsWith("Error: Reloading config", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartWatching_FileChangesAndLoaderThrows_TimerThreadReportsFailureAndOldSnapshotServes()
    {
        var directory = Directory.CreateTempSubdirectory("switchyard-cm-");
        try
        {
            var path = Path.Combine(directory.FullName, "config.yaml");
            await File.WriteAllTextAsync(path, ConfigTestSupport.MinimalProviders);
            var initial = Initial();
            using var manager = new ConfigManager(initial, Throwing, path, new ListLogger(), TimeSpan.FromMilliseconds(50));
            var failed = new TaskCompletionSource<ConfigLoadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            manager.ReloadFailed += r => failed.TrySetResult(r);
            manager.StartWatching();

            await File.WriteAllTextAsync(path, ConfigTestSupport.MinimalProviders + "\n# changed\n");
            var result = await failed.Task.WaitAsync(WaitLimit);

            Assert.Null(result.Config);
            Assert.Same(initial, manager.Current);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Reload_ReloadedSubscriberThrows_SnapshotSwappedAndLaterSubscribersStillRun()
    {
        var logger = new ListLogger();
        var valid = ConfigTestSupport.Load(ConfigTestSupport.MinimalProviders);
        using var manager = new ConfigManager(Initial(), () => valid, null, logger, Timeout.InfiniteTimeSpan);
        RuntimeSnapshot? seen = null;
        manager.Reloaded += _ => throw new InvalidOperationException("subscriber bug");
        manager.Reloaded += s => seen = s;

        var result = manager.Reload();

        Assert.NotNull(result.Config);
        Assert.Equal(2, manager.Current.Generation);
        Assert.Same(manager.Current, seen);
        Assert.Contains(logger.Messages, m => m.Contains("reload event failed", StringComparison.Ordinal));
    }
}
