using System.Runtime.CompilerServices;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class DocumentationTests
{
    [Fact]
    public void CompleteExample_InConfigurationDoc_LoadsWithoutDiagnostics()
    {
        var doc = File.ReadAllText(FindDoc());
        var section = doc[doc.IndexOf("## Complete example", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "o", ["ANTHROPIC_API_KEY"] = "a", ["AZURE_OPENAI_KEY"] = "z", ["GROQ_API_KEY"] = "g",
        };

        var result = Load(yaml, env);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(12000, result.Config!.Listeners[0].Port);
        Assert.Equal(7, result.Config.Providers.Count);
    }

    [Fact]
    public void ModelListExample_InConfigurationDoc_LoadsWithOnlyItsAnnouncedWarnings()
    {
        var doc = File.ReadAllText(FindDoc());
        var section = doc[doc.IndexOf("## PLLM / LiteLLM model_list", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "o", ["AZURE_API_KEY"] = "z", ["ANTHROPIC_API_KEY"] = "a" };

        var result = Load(yaml, env);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Warnings); // rpm is enforced, routing_strategy maps to a group strategy
        Assert.Equal(500, result.Config!.Providers[0].Rpm);
        Assert.Equal(["gpt-4o#1", "azure-eu", "claude"], result.Config!.Providers.Select(p => p.Name));
        Assert.Equal("gpt-4o", Assert.Single(result.Config.Groups).Name);
    }

    private static string FindDoc([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "configuration.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail("docs/configuration.md not found above " + sourceFile);
        return "";
    }
}
