using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Core.Tests.Routing.Metrics;

/// <summary>Config records, catalog files and resolved candidates for the metrics-sources tests.</summary>
internal static class MetricsSourceFixtures
{
    public static readonly IReadOnlyDictionary<string, string> NoAliases = new Dictionary<string, string>();

    public static CostSourceConfig Cost(CostSourceKind kind, string path, IReadOnlyDictionary<string, string>? aliases = null, TimeSpan? refresh = null) =>
        new(kind, new Uri(path), aliases ?? NoAliases, Line: 1) { RefreshInterval = refresh };

    public static LatencySourceConfig Prometheus(Uri url, string query = "ttft_p95", TimeSpan? refresh = null) =>
        new(LatencySourceKind.Prometheus, url, query, Line: 1) { RefreshInterval = refresh };

    public static LatencySourceConfig Observed(TimeSpan? halfLife = null) =>
        new(LatencySourceKind.Observed, null, null, Line: 1) { HalfLife = halfLife };

    /// <summary>The path of a file under TestData (read in place).</summary>
    public static string TestDataPath(string name, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "TestData", name);

    /// <summary>The model catalog of a small Plano config.</summary>
    public static ModelCatalog ModelCatalogOf(string providersYaml)
    {
        var result = ConfigLoader.Parse("model_providers:\n" + providersYaml, "t.yaml", _ => null);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return ModelCatalog.Build(result.Config!);
    }

    /// <summary>Resolved candidates from a small Plano config, by requested name.</summary>
    public static IReadOnlyList<ResolvedModel> Resolve(string providersYaml, params string[] names)
    {
        var catalog = ModelCatalogOf(providersYaml);
        return names.Select(n => catalog.ResolveName(n) ?? throw new InvalidOperationException($"'{n}' does not resolve")).ToArray();
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds: refreshes fired by a manual clock finish on their own.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < limit, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}

/// <summary>A catalog file in a fresh temp folder that a test can rewrite or delete.</summary>
internal sealed class TempCatalog : IDisposable
{
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "switchyard-metrics-" + Guid.NewGuid().ToString("N"));

    public TempCatalog(string testDataName)
    {
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "catalog.json");
        File.WriteAllBytes(Path, MetricsTestData.Read(testDataName));
    }

    public string Path { get; }

    public void Write(string json) => File.WriteAllText(Path, json);

    public void Delete() => File.Delete(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Collects formatted log messages (thread-safe) so tests can assert what an operator would read.</summary>
internal sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _messages.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
