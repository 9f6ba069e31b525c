using System.Runtime.CompilerServices;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Routing;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>A realistic LiteLLM proxy config (Fixtures/litellm-proxy.yaml) read into the dialect-neutral config.</summary>
public class ModelListConfigTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["OPENAI_API_KEY"] = "sk-one", ["OPENAI_API_KEY_2"] = "sk-two", ["AZURE_API_KEY"] = "az-key", ["ANTHROPIC_API_KEY"] = "an-key",
        ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "aws-secret", ["GEMINI_API_KEY"] = "gm-key",
    };

    private static ConfigLoadResult LoadFixture()
    {
        var result = ConfigLoader.Parse(File.ReadAllText(FixturePath()), Source, name => Env.GetValueOrDefault(name));
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result;
    }

    [Fact]
    public void Fixture_LoadsAsModelListDialect_WithEveryProviderMapped()
    {
        var config = LoadFixture().Config!;

        Assert.Equal("model_list", config.Dialect);
        Assert.Equal(
            [
                ("gpt-4o#1", "openai/gpt-4o"), ("gpt-4o#2", "openai/gpt-4o"), ("azure-eu", "azure_openai/gpt-4o-eu"),
                ("claude-sonnet", "anthropic/claude-sonnet-4-20250514"),
                ("claude-bedrock", "amazon_bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"),
                ("gemini-flash", "gemini/gemini-2.0-flash"), ("llama-local", "hosted_vllm/meta-llama/Llama-3.1-8B-Instruct"),
                ("qwen-small", "ollama/qwen2.5:0.5b"),
            ],
            config.Providers.Select(p => (p.Name, p.Model)));
        Assert.Equal([4, 10, 15, 25, 29, 35, 39, 43], config.Providers.Select(p => p.Line));
    }

    [Fact]
    public void Fixture_ParamsMapOntoProviderFields()
    {
        var p = LoadFixture().Config!.Providers.ToDictionary(x => x.Name);

        Assert.Equal(("sk-one", 500, 200000), (p["gpt-4o#1"].AccessKey, p["gpt-4o#1"].Rpm, p["gpt-4o#1"].Tpm));
        Assert.Equal("org-backup", p["gpt-4o#2"].Headers["OpenAI-Organization"]);
        Assert.Equal(("https://my-eu.openai.azure.com/", "2024-10-21", "az-key"), (p["azure-eu"].BaseUrl, p["azure-eu"].ApiVersion, p["azure-eu"].AccessKey));
        var bedrock = p["claude-bedrock"];
        Assert.Equal(("us-west-2", "https://bedrock-runtime.us-west-2.amazonaws.com"), (bedrock.Region, bedrock.BaseUrl));
        Assert.Equal(("AKIAEXAMPLE", "aws-secret"), (bedrock.AwsAccessKeyId, bedrock.AwsSecretAccessKey));
        Assert.Equal(("openai", "http://gpu-box:8000/v1", null), (p["llama-local"].ProviderInterface, p["llama-local"].BaseUrl, p["llama-local"].AccessKey));
    }

    [Fact]
    public void Fixture_SameModelNameFormsOneGroup_AliasAndFallbacksAttach()
    {
        var config = LoadFixture().Config!;

        var group = Assert.Single(config.Groups);
        Assert.Equal(("gpt-4o", "weighted", 4), (group.Name, group.Strategy, group.Line)); // simple-shuffle
        Assert.Equal(["gpt-4o#1", "gpt-4o#2", "azure-eu"], group.Members);
        Assert.Equal([("gpt-4", "gpt-4o")], config.Aliases.Select(a => (a.Alias, a.Target)));

        // fallbacks and context_window_fallbacks (a chain of their own), on every member of the group.
        foreach (var member in config.Providers.Take(3))
        {
            Assert.Equal(["claude-sonnet"], member.Fallbacks);
            Assert.Equal(["gemini-flash"], member.ContextWindowFallbacks);
        }

        Assert.Equal(["claude-bedrock"], config.Providers.Single(p => p.Name == "claude-sonnet").Fallbacks);
    }

    [Fact]
    public void Fixture_EverythingNotUsed_IsAWarningAtItsLine()
    {
        var warnings = LoadFixture().Warnings.Select(w => (w.Path, w.Line)).ToList();

        Assert.Equal(
            [
                ("general_settings", 58), ("model_list[2].litellm_params.temperature", 21), ("model_list[2].model_info", 23),
                ("router_settings.num_retries", 50),
                ("litellm_settings", 55),
            ],
            warnings);
    }

    [Fact]
    public void Fixture_GroupAndAliasResolve_PlanShufflesMembersThenFallbacks()
    {
        var catalog = ModelCatalog.Build(LoadFixture().Config!);
        string[] Plan(string requested)
        {
            var r = catalog.Resolve(requested);
            return [.. CandidatePlanner.Plan(catalog, r.Model!, r.ViaAlias).Candidates.Select(c => c.CanonicalName)];
        }

        // simple-shuffle: the members in a random order (equal weights), then the fallbacks transitively
        // (gpt-4o → claude-sonnet → claude-bedrock); context-window ones are not in the plan.
        foreach (var requested in (string[])["gpt-4o", "gpt-4", "gpt-4o"])
        {
            var plan = Plan(requested);
            Assert.Equal(["azure-eu", "gpt-4o#1", "gpt-4o#2"], plan[..3].Order(StringComparer.Ordinal));
            Assert.Equal(["claude-sonnet", "claude-bedrock"], plan[3..]);
        }

        Assert.Equal(["claude-sonnet", "claude-bedrock"], Plan("claude-sonnet"));
        Assert.Equal(["gpt-4o#2", "claude-sonnet", "claude-bedrock"], Plan("gpt-4o#2"));
    }

    [Fact]
    public void Fixture_UpstreamUrlsFollowEachVendor()
    {
        var catalog = ModelCatalog.Build(LoadFixture().Config!);

        Assert.Equal("https://my-eu.openai.azure.com/openai/deployments/gpt-4o-eu/chat/completions?api-version=2024-10-21",
            catalog.ResolveName("azure-eu")!.ChatCompletionsUri.ToString());
        Assert.Equal("http://gpu-box:8000/v1/chat/completions", catalog.ResolveName("llama-local")!.ChatCompletionsUri.ToString());
        Assert.Equal("http://localhost:11434/v1/chat/completions", catalog.ResolveName("qwen-small")!.ChatCompletionsUri.ToString());
    }

    [Fact]
    public void Fixture_MissingSecret_ErrorNamesPathLineAndVariable()
    {
        var env = new Dictionary<string, string>(Env);
        env.Remove("AZURE_API_KEY");

        var d = SingleError(File.ReadAllText(FixturePath()), env);

        AssertAt(d, "model_list[2].litellm_params.api_key", 19);
        Assert.Contains("'AZURE_API_KEY' is not set", d.Message, StringComparison.Ordinal);
        Assert.Contains("os.environ/AZURE_API_KEY", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixture_WrittenNatively_KeepsSecretsAsReferences_AndLoadsToTheSameConfig()
    {
        var loaded = LoadFixture();

        var written = ConfigWriter.Write(loaded.Config!, loaded.EnvReferences);
        var reloaded = ConfigLoader.Parse(written.Yaml, Source, name => Env.GetValueOrDefault(name));

        Assert.Empty(written.ExpandedReferences);
        Assert.All(Env.Values, secret => Assert.DoesNotContain(secret, written.Yaml, StringComparison.Ordinal));
        Assert.Contains("access_key: ${AZURE_API_KEY}\n", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("aws_secret_access_key: ${AWS_SECRET_ACCESS_KEY}\n", written.Yaml, StringComparison.Ordinal);
        Assert.True(reloaded.Success, written.Yaml + "\n" + string.Join("\n", reloaded.Diagnostics));
        Assert.Empty(reloaded.Warnings);

        // rpm/tpm are written as the native limits: {rpm, tpm}; everything is the same configuration.
        Assert.Contains("limits:\n      rpm: 500\n      tpm: 200000\n", written.Yaml, StringComparison.Ordinal);
        Assert.Equal(ConfigWriterTests.Canonical(loaded.Config!), ConfigWriterTests.Canonical(reloaded.Config!));
    }

    private static string FixturePath([CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", "litellm-proxy.yaml");
}
