using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>Key pools in both dialects: native <c>access_keys</c>, and model_list <c>${VAR}</c> with <c>VAR_1..N</c>.</summary>
public class KeyPoolConfigTests
{
    private static string ModelList(string apiKey, string extra = "") => $"""
        model_list:
          - model_name: gpt-4o
            params:
              model: openai/gpt-4o
              api_key: {apiKey}
        {extra}
        """;

    [Fact]
    public void ModelList_BracedVariable_PullsNumberedKeysFromEnvironmentInOrder()
    {
        var config = LoadValid(ModelList("${OPENAI_API_KEY}"), new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "k0", ["OPENAI_API_KEY_1"] = "k1", ["OPENAI_API_KEY_2"] = "k2", ["OPENAI_API_KEY_3"] = "k3",
        });

        var entry = Assert.Single(config.Providers);
        Assert.Equal(["k0", "k1", "k2", "k3"], entry.AccessKeys);
        Assert.Equal("k0", entry.AccessKey);
    }

    [Theory]
    [InlineData("os.environ/OPENAI_API_KEY")]
    [InlineData("$OPENAI_API_KEY")]
    public void ModelList_OtherReferenceForms_AlsoPullNumberedKeys(string apiKey)
    {
        var config = LoadValid(ModelList(apiKey), new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k0", ["OPENAI_API_KEY_1"] = "k1" });

        Assert.Equal(["k0", "k1"], Assert.Single(config.Providers).AccessKeys);
    }

    [Fact]
    public void ModelList_NumberingStopsAtFirstGapButMissingOneIsSkipped()
    {
        // PLLM's README pairs OPENAI_API_KEY with _2 and _3; _5 after a missing _4 is not part of the pool.
        var config = LoadValid(ModelList("${OPENAI_API_KEY}"), new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "k0", ["OPENAI_API_KEY_2"] = "k2", ["OPENAI_API_KEY_3"] = "k3", ["OPENAI_API_KEY_5"] = "k5",
        });

        Assert.Equal(["k0", "k2", "k3"], Assert.Single(config.Providers).AccessKeys);
    }

    [Fact]
    public void ModelList_RepeatedAndEmptyValues_LeftOut()
    {
        // docker-compose style: _1 repeats the unsuffixed key, _2 is set but empty.
        var config = LoadValid(ModelList("${OPENAI_API_KEY}"), new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "k0", ["OPENAI_API_KEY_1"] = "k0", ["OPENAI_API_KEY_2"] = "", ["OPENAI_API_KEY_3"] = "k3",
        });

        Assert.Equal(["k0", "k3"], Assert.Single(config.Providers).AccessKeys);
    }

    [Theory]
    [InlineData("${OPENAI_API_KEY:-fallback}")]
    [InlineData("prefix-${OPENAI_API_KEY}")]
    [InlineData("sk-literal")]
    [InlineData("${AZURE_API_KEY_EAST}")]
    public void ModelList_NotAWholePlainReferenceOrNoNumberedKeys_SingleKey(string apiKey)
    {
        var config = LoadValid(ModelList(apiKey), new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "k0", ["OPENAI_API_KEY_1"] = "k1", ["AZURE_API_KEY_EAST"] = "east",
        });

        var entry = Assert.Single(config.Providers);
        Assert.Empty(entry.AccessKeys);
        Assert.NotNull(entry.AccessKey);
    }

    [Fact]
    public void ModelList_EnvironmentVariablesSection_SuppliesNumberedKeys()
    {
        var config = LoadValid(ModelList("os.environ/OPENAI_API_KEY", """
            environment_variables:
              OPENAI_API_KEY: k0
              OPENAI_API_KEY_1: k1
            """));

        Assert.Equal(["k0", "k1"], Assert.Single(config.Providers).AccessKeys);
    }

    [Fact]
    public void Native_AccessKeys_ListWithReferences()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [$KEY_A, "${KEY_B}", literal-c]
            """, new Dictionary<string, string> { ["KEY_A"] = "a", ["KEY_B"] = "b" });

        var entry = Assert.Single(config.Providers);
        Assert.Equal(["a", "b", "literal-c"], entry.AccessKeys);
        Assert.Equal("a", entry.AccessKey);
        Assert.DoesNotContain("literal-c", entry.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"a\"", entry.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Native_AccessKeysWithOneKey_IsAPlainAccessKey()
    {
        var entry = Assert.Single(LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [only]
            """).Providers);

        Assert.Equal("only", entry.AccessKey);
        Assert.Empty(entry.AccessKeys);
    }

    [Fact]
    public void Native_AccessKeyVariable_DoesNotPullNumberedKeys()
    {
        // The _1.._N convention belongs to the model_list dialect; native configs list their keys.
        var entry = Assert.Single(LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_key: ${OPENAI_API_KEY}
            """, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "k0", ["OPENAI_API_KEY_1"] = "k1" }).Providers);

        Assert.Empty(entry.AccessKeys);
    }

    [Fact]
    public void Native_AccessKeyAndAccessKeys_ErrorAtAccessKey()
    {
        var error = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_key: a
                access_keys: [b, c]
            """);

        AssertAt(error, "model_providers[0].access_key", 3);
        Assert.Contains("access_keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_EmptyAccessKeys_Error()
    {
        var error = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: []
            """);

        AssertAt(error, "model_providers[0].access_keys", 3);
    }

    [Fact]
    public void Native_EmptyKeyInList_ErrorAtItem()
    {
        var error = SingleError("""
            model_providers:
              - model: openai/gpt-4o
                access_keys:
                  - a
                  - ""
            """);

        AssertAt(error, "model_providers[0].access_keys[1]", 5);
    }

    [Fact]
    public void Native_RepeatedKey_WarningAndKeptOnce()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [a, b, a]
            """);

        Assert.True(result.Success);
        Assert.Equal("model_providers[0].access_keys[2]", Assert.Single(result.Warnings).Path);
        Assert.Equal(["a", "b"], result.Config!.Providers[0].AccessKeys);
    }

    [Fact]
    public void Migrate_ModelListPool_WritesAccessKeysAsReferencesNeverValues()
    {
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-zero", ["OPENAI_API_KEY_1"] = "sk-one", ["OPENAI_API_KEY_2"] = "sk-two" };
        var result = Load(ModelList("os.environ/OPENAI_API_KEY"), env);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));

        var written = ConfigWriter.Write(result.Config!, result.EnvReferences);

        Assert.Empty(written.ExpandedReferences);
        Assert.Contains("access_keys:", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("${OPENAI_API_KEY}", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("${OPENAI_API_KEY_1}", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("${OPENAI_API_KEY_2}", written.Yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", written.Yaml, StringComparison.Ordinal);
        Assert.Equal(["sk-zero", "sk-one", "sk-two"], LoadValid(written.Yaml, env).Providers[0].AccessKeys);
    }

    [Fact]
    public void Migrate_NativeAccessKeys_RoundTripWithReferences()
    {
        var env = new Dictionary<string, string> { ["KEY_A"] = "sk-a", ["KEY_B"] = "sk-b" };
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [$KEY_A, "${KEY_B}"]
            """, env);

        var written = ConfigWriter.Write(result.Config!, result.EnvReferences);

        Assert.Empty(written.ExpandedReferences);
        Assert.DoesNotContain("sk-", written.Yaml, StringComparison.Ordinal);
        Assert.Equal(["sk-a", "sk-b"], LoadValid(written.Yaml, env).Providers[0].AccessKeys);
    }

    [Fact]
    public void ModelList_OpenRouterVariables_BecomeHeadersAndEntryHeadersWin()
    {
        var env = new Dictionary<string, string>
        {
            ["OPENROUTER_API_KEY"] = "or", ["OPENROUTER_HTTP_REFERER"] = "https://app.example", ["OPENROUTER_X_TITLE"] = "My App",
        };
        var result = Load("""
            model_list:
              - model_name: plain
                params:
                  model: openrouter/openai/gpt-4o
                  api_key: ${OPENROUTER_API_KEY}
              - model_name: own-title
                params:
                  model: openrouter/anthropic/claude-sonnet-4
                  api_key: ${OPENROUTER_API_KEY}
                  extra_headers:
                    x-title: Mine
              - model_name: not-openrouter
                params:
                  model: openai/gpt-4o
                  api_key: ${OPENROUTER_API_KEY}
            """, env);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var providers = result.Config!.Providers;

        Assert.Equal("https://app.example", providers[0].Headers["HTTP-Referer"]);
        Assert.Equal("My App", providers[0].Headers["X-Title"]);
        Assert.Equal("Mine", providers[1].Headers["X-Title"]);
        Assert.Equal("https://app.example", providers[1].Headers["HTTP-Referer"]);
        Assert.Empty(providers[2].Headers);

        var written = ConfigWriter.Write(result.Config!, result.EnvReferences);
        Assert.Empty(written.ExpandedReferences);
        Assert.Contains("${OPENROUTER_HTTP_REFERER}", written.Yaml, StringComparison.Ordinal);
        Assert.Contains("${OPENROUTER_X_TITLE}", written.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_Pool_EachKeyItsOwnEndpointWithFingerprintOnly()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [sk-pool-aaaa, sk-pool-bbbb, sk-pool-cccc]
              - model: openai/gpt-4o-mini
                access_key: sk-single
            """);
        var snapshot = RuntimeSnapshot.Build(config, 1);

        var pooled = snapshot.Catalog.ResolveName("openai/gpt-4o")!;
        Assert.NotNull(pooled.Keys);
        Assert.Null(snapshot.Catalog.ResolveName("openai/gpt-4o-mini")!.Keys);
        var states = pooled.Keys!.Entries.Select(snapshot.Endpoints.For).ToList();
        Assert.Equal(3, states.Distinct().Count());
        Assert.Equal([1, 2, 3], pooled.Keys.Entries.Select(e => e.KeySlot!.Index));
        foreach (var state in states)
        {
            Assert.DoesNotContain("sk-pool", state.Key + state.EntryName, StringComparison.Ordinal);
            Assert.Contains("sha256:", state.EntryName, StringComparison.Ordinal);
        }

        // The entry itself sends with its first key: the same endpoint as key 1.
        Assert.Same(states[0], snapshot.Endpoints.For(config.Providers[0]));
    }

    [Fact]
    public void Expand_Pool_KeysConsecutiveRotatingStartAndSingleKeyListUnchanged()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [k1, k2, k3]
                fallbacks: [openai/gpt-4o-mini]
              - model: openai/gpt-4o-mini
                access_key: k
            """);
        var catalog = ModelCatalog.Build(config);
        var single = (IReadOnlyList<ResolvedModel>)[catalog.ResolveName("openai/gpt-4o-mini")!];
        Assert.Same(single, KeyPool.Expand(single));

        var plan = Switchyard.Core.Routing.CandidatePlanner.Plan(catalog, catalog.ResolveName("openai/gpt-4o")!, null).Candidates;
        string Order() => string.Join(",", KeyPool.Expand(plan).Select(c => c.Entry.AccessKey));

        Assert.Equal("k1,k2,k3,k", Order());
        Assert.Equal("k2,k3,k1,k", Order());
        Assert.Equal("k3,k1,k2,k", Order());
        Assert.Equal("k1,k2,k3,k", Order());
    }

    [Fact]
    public void Expand_PoolListedTwice_KeysListedOnce()
    {
        var config = LoadValid("""
            model_providers:
              - model: openai/gpt-4o
                access_keys: [k1, k2]
            model_aliases:
              big:
                target: openai/gpt-4o
            """);
        var catalog = ModelCatalog.Build(config);
        var model = catalog.ResolveName("openai/gpt-4o")!;

        Assert.Equal(2, KeyPool.Expand([model, model]).Count);
    }

    [Fact]
    public void Catalog_WildcardPool_ResolvedModelsCarryThePool()
    {
        var catalog = ModelCatalog.Build(LoadValid("""
            model_providers:
              - model: openai/*
                access_keys: [k1, k2]
            """));

        var model = catalog.ResolveName("openai/some-new-model")!;
        Assert.Equal(["k1", "k2"], KeyPool.Expand([model]).Select(m => m.Entry.AccessKey).Order());
        Assert.All(KeyPool.Expand([model]), m => Assert.Equal("some-new-model", m.ModelId));
    }

    [Fact]
    public void Catalog_PassthroughAuthWithKeys_NoPool()
    {
        var result = Load("""
            model_providers:
              - model: openai/gpt-4o
                passthrough_auth: true
                access_keys: [k1, k2]
            """);

        Assert.Null(ModelCatalog.Build(result.Config!).ResolveName("openai/gpt-4o")!.Keys);
        Assert.Contains(result.Warnings, w => w.Message.Contains("ignored", StringComparison.Ordinal));
    }
}
