using System.Runtime.CompilerServices;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Tests.Configuration;

internal static class ConfigTestSupport
{
    public const string Source = "test.yaml";

    /// <summary>A provider block that is valid on its own, for tests that focus on other sections.</summary>
    public const string MinimalProviders = """
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
        """;

    /// <summary>Providers for routing tests (lines 1–10): two explicit OpenAI models, an Anthropic wildcard, an alias.</summary>
    public const string RoutingProviders = """
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: k
          - model: openai/gpt-4o
            access_key: k
          - model: anthropic/*
            access_key: k
        model_aliases:
          fast:
            target: openai/gpt-4o-mini
        """;

    /// <summary><see cref="RoutingProviders"/> plus a router model (lines 11–12); a section appended after a newline starts at line 13.</summary>
    public const string RoutingBase = RoutingProviders + "\n" + """
        overrides:
          llm_routing_model: openai/gpt-4o-mini
        """;

    public static ConfigLoadResult Load(string yaml, IReadOnlyDictionary<string, string>? env = null)
        => ConfigLoader.Parse(yaml, Source, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    public static GatewayConfig LoadValid(string yaml, IReadOnlyDictionary<string, string>? env = null)
    {
        var result = Load(yaml, env);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    public static ConfigDiagnostic SingleError(string yaml, IReadOnlyDictionary<string, string>? env = null)
    {
        var result = Load(yaml, env);
        Assert.Null(result.Config);
        var errors = result.Errors.ToList();
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", result.Diagnostics));
        Assert.Equal(Source, errors[0].Source);
        return errors[0];
    }

    public static void AssertAt(ConfigDiagnostic d, string path, int line)
    {
        Assert.True(d.Path == path && d.Line == line, $"expected {path} at line {line}, got: {d}");
    }

    /// <summary>
    /// The repository's sibling <c>shared</c> folder, found by walking up from the test binaries, then (for builds with
    /// an artifacts path outside the tree) from this source file.
    /// </summary>
    public static string SharedDirectory([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = start.Length == 0 ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "bench")))
                {
                    return candidate;
                }
            }
        }

        Assert.Fail($"no 'shared/bench' directory above {AppContext.BaseDirectory} or {sourceFile}");
        return "";
    }
}
