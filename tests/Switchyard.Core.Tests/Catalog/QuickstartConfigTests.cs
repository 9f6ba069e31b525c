using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Tests.Catalog;

public class QuickstartConfigTests
{
    [Fact]
    public void Build_NoKeys_OnlyMockAndValid()
    {
        var result = ConfigLoader.Parse(QuickstartConfig.Build(_ => null), "quickstart", _ => null);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var catalog = ModelCatalog.Build(result.Config!);
        Assert.Equal("mock/echo", catalog.Default!.CanonicalName);
        Assert.All(result.Config!.Providers, p => Assert.Equal("mock", p.Provider));
    }

    [Fact]
    public void Build_KeysInEnvironment_AddWildcardPerProvider()
    {
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-1", ["GROQ_API_KEY"] = "gsk-2", ["ANTHROPIC_API_KEY"] = "ak-3", ["AZURE_OPENAI_API_KEY"] = "az" };
        string? Lookup(string n) => env.TryGetValue(n, out var v) ? v : null;
        var result = ConfigLoader.Parse(QuickstartConfig.Build(Lookup), "quickstart", Lookup);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var catalog = ModelCatalog.Build(result.Config!);
        Assert.Equal("sk-1", catalog.Resolve("openai/gpt-4o").Model!.Entry.AccessKey);
        Assert.Equal("gsk-2", catalog.Resolve("llama-3.3-70b-versatile").Model!.Entry.AccessKey);
        Assert.Equal(ResolutionStatus.NotFound, catalog.Resolve("mistral/mistral-large-latest").Status);
        Assert.Equal("ak-3", catalog.Resolve("anthropic/claude-sonnet-4-5").Model!.Entry.AccessKey);
        // Azure needs a per-resource base_url, so a key alone cannot enable it.
        Assert.Equal(["anthropic", "groq", "openai"], QuickstartConfig.DetectedProviders(Lookup).Order());
    }
}
