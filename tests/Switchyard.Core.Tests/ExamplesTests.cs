using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Tests;

/// <summary>The shipped example configs stay valid (with their API key variables set).</summary>
public class ExamplesTests
{
    private static string? Env(string name) => name.EndsWith("_API_KEY", StringComparison.Ordinal) ? "test-" + name : null;

    public static TheoryData<string> Files() => new(Directory.GetFiles(ExamplesDir(), "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void LoadFile_Example_IsValidWithoutWarnings(string file)
    {
        var result = ConfigLoader.LoadFile(Path.Combine(ExamplesDir(), file), Env);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings);
        // LiteLLM/PLLM configs have no default model (clients always name one); Plano examples mark one.
        if (result.Config!.Dialect == "plano")
        {
            Assert.NotNull(ModelCatalog.Build(result.Config).Default);
        }
    }

    [Fact]
    public void Quickstart_EmbeddedCopy_EqualsExamplesFile()
        => Assert.Equal(File.ReadAllText(Path.Combine(ExamplesDir(), "quickstart.yaml")).Replace("\r\n", "\n", StringComparison.Ordinal), QuickstartConfig.BaseYaml);

    internal static string ExamplesDir([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx")))
                {
                    return Path.Combine(dir.FullName, "examples");
                }
            }
        }

        throw new DirectoryNotFoundException("repository root (Switchyard.slnx) not found");
    }
}
