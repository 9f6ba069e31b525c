using System.Text.Json.Nodes;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class SectionTests
{
    [Fact]
    public void Parse_KeptSections_StoredAsJsonWithTypedScalars()
    {
        var config = LoadValid(MinimalProviders + "\n" + """
            state_storage:
              type: postgres
              connection_string: postgres://x
            """);

        Assert.Equal(["state_storage"], config.Sections.Keys.Order());
        Assert.Equal("postgres://x", config.Sections["state_storage"]!["connection_string"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("tracing: on", "tracing", 4)]
    [InlineData("ratelimits: 5", "ratelimits", 4)]
    [InlineData("state_storage:\n  type: disk", "state_storage.type", 5)]
    [InlineData("state_storage:\n  type: postgres", "state_storage.connection_string", 5)]
    [InlineData("state_storage: {}", "state_storage.type", 4)]
    public void Parse_SectionShapeError_ErrorAtPathAndLine(string section, string path, int line)
    {
        var d = SingleError(MinimalProviders + "\n" + section);

        AssertAt(d, path, line);
    }

    [Theory]
    [InlineData("agents:\n  - id: a\n    url: http://x", "agents")]
    [InlineData("filters: []", "filters")]
    [InlineData("endpoints:\n  app:\n    endpoint: x:80", "endpoints")]
    [InlineData("prompt_targets: []", "prompt_targets")]
    [InlineData("prompt_guards: {}", "prompt_guards")]
    [InlineData("system_prompt: be nice", "system_prompt")]
    public void Parse_PlanoOnlyKey_KeptWithWarning(string section, string key)
    {
        var result = Load(MinimalProviders + "\n" + section);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, key, 4);
        Assert.Contains("not used by Switchyard yet", w.Message);
        Assert.True(result.Config!.Sections.ContainsKey(key));
    }

    [Theory]
    [InlineData("state_storage:\n  type: memory", "state_storage", "held in memory, per process")]
    public void Parse_SectionWithoutEffectYet_KeptWithWarningNamingIt(string section, string key, string effect)
    {
        var result = Load(MinimalProviders + "\n" + section);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, key, 4);
        Assert.StartsWith($"'{key}' has no effect yet", w.Message, StringComparison.Ordinal);
        Assert.Contains(effect, w.Message, StringComparison.Ordinal);
        Assert.True(result.Config!.Sections.ContainsKey(key));
    }

    [Fact]
    public void Parse_SystemPrompt_KeptAsString()
    {
        var config = Load(MinimalProviders + "\nsystem_prompt: hello").Config!;

        Assert.Equal("hello", ((JsonValue)config.Sections["system_prompt"]!).GetValue<string>());
    }
}
