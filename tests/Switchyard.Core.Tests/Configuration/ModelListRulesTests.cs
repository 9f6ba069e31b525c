using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>model_list dialect rules: strategies, secrets, fallbacks, aliases, and errors with their path and line.</summary>
public class ModelListRulesTests
{
    private const string TwoDeployments = """
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: k1
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: k2
              api_base: https://backup.example/v1
          - model_name: claude
            litellm_params:
              model: anthropic/claude-sonnet-4-20250514
              api_key: k3

        """;

    [Fact]
    public void Strategy_Absent_IsRoundRobinWithoutWarning()
    {
        var result = Load(TwoDeployments);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Equal("round-robin", Assert.Single(result.Config!.Groups).Strategy);
    }

    [Fact]
    public void Strategy_Unknown_ErrorWithHintAndSupportedList()
    {
        var d = SingleError(TwoDeployments + """
            router_settings:
              routing_strategy: round-robbin
            """);

        AssertAt(d, "router_settings.routing_strategy", 16);
        Assert.Contains("unknown routing strategy 'round-robbin' (did you mean 'round-robin'?)", d.Message, StringComparison.Ordinal);
        Assert.Contains("supported: round-robin", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("round-robin", "round-robin")]
    [InlineData("priority", "priority")]
    [InlineData("weighted", "weighted")]
    [InlineData("simple-shuffle", "weighted")]
    [InlineData("random", "weighted")]
    [InlineData("weighted-round-robin", "weighted")]
    [InlineData("least-busy", "least-busy")]
    [InlineData("latency-based", "latency-based")]
    [InlineData("latency-based-routing", "latency-based")]
    [InlineData("least-latency", "latency-based")]
    [InlineData("usage-based-routing", "usage-based")]
    [InlineData("usage-based-routing-v2", "usage-based")]
    [InlineData("cost-based-routing", "cost-based")]
    public void Strategy_EveryPllmAndLiteLLMName_LoadsWithoutDiagnostic_AsSwitchyardsName(string strategy, string expected)
    {
        var result = Load(TwoDeployments + $"""
            router:
              routing_strategy: {strategy}
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(expected, Assert.Single(result.Config!.Groups).Strategy);
    }

    [Fact]
    public void Secrets_OsEnviron_DollarBraces_AndEnvironmentVariablesSection()
    {
        var config = LoadValid("""
            environment_variables:
              FROM_CONFIG: cfg-secret
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/FROM_PROCESS
              - model_name: b
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_key: ${FROM_PROCESS}
              - model_name: c
                litellm_params:
                  model: openai/gpt-4.1
                  api_key: os.environ/FROM_CONFIG
                  api_base: os.environ/BASE
            """, new Dictionary<string, string> { ["FROM_PROCESS"] = "proc-secret", ["BASE"] = "https://proxy.example/v1" });

        Assert.Equal(["proc-secret", "proc-secret", "cfg-secret"], config.Providers.Select(p => p.AccessKey));
        Assert.Equal("https://proxy.example/v1", config.Providers[2].BaseUrl);
    }

    [Fact]
    public void Errors_AreAllCollected_EachWithPathAndLine()
    {
        var result = Load("""
            model_list:
              - model_name: a
                litellm_params:
                  model: openai/gpt-4o
                  api_key: os.environ/MISSING
              - model_name: b
                litellm_params:
                  model: mystery/model-x
              - model_name: c
                litellm_params:
                  model: azure/my-deployment
                  api_key: k
              - model_name: d
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
                  vertex_project: p
              - model_name: e
                litellm_parms:
                  model: openai/gpt-4o
            router_settings:
              fallbacks: [{"a": ["nope"]}, {"zzz": ["a"]}]
              retries: 3
            model_aliases:
              fast: [a, ghost]
            listenerz: []
            """);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                ("listenerz", 26),
                ("model_list[0].litellm_params.api_key", 5),
                ("model_list[1].litellm_params.model", 8),
                ("model_list[3].litellm_params.vertex_project", 17),
                ("model_list[4].litellm_parms", 19),
                ("model_list[4].litellm_params", 18),
                ("router_settings.retries", 23),
                ("router_settings.fallbacks[1].zzz", 22),
                ("model_list[2].litellm_params.api_base", 10),
            ],
            result.Errors.Select(e => (e.Path, e.Line)));
        Assert.All(result.Errors, e => Assert.Equal(Source, e.Source));
        var messages = result.Errors.Select(e => e.Message).ToList();
        Assert.Contains("unknown provider 'mystery'", messages[2], StringComparison.Ordinal);
        Assert.Equal("vertex_project applies only to vertex_ai/ models, not 'openai/gpt-4o'", messages[3]);
        Assert.Contains("'zzz' is not a model_name in model_list", messages[7], StringComparison.Ordinal);
        Assert.Equal("provider 'azure_openai' requires api_base (its host is per deployment)", messages[8]);
    }

    [Fact]
    public void References_UnknownFallbackAndAliasTargets_ErrorAtTheirLines()
    {
        var result = Load(TwoDeployments + """
            router_settings:
              fallbacks: [{"gpt-4o": ["claude", "ghost"]}]
            model_aliases:
              fast: [gpt-4o, phantom]
              solo: claude
            """);

        Assert.Equal([("model_aliases.fast[1]", 18), ("router_settings.fallbacks[0].gpt-4o[1]", 16)], result.Errors.Select(e => (e.Path, e.Line)));
    }

    [Fact]
    public void Fallbacks_PllmMapShape_ContextWindowOwnChain_DefaultsWhereNoneSet()
    {
        var result = Load("""
            model_list:
              - model_name: big
                params: {model: openai/gpt-4o, api_key: k}
              - model_name: small
                params: {model: openai/gpt-4o-mini, api_key: k}
              - model_name: long
                params: {model: openai/gpt-4.1, api_key: k}
              - model_name: other
                params: {model: anthropic/claude-sonnet-4-20250514, api_key: k}
            router:
              fallbacks:
                big: [small]
              context_window_fallbacks:
                big: [long, small]
              fallback_models: [other]
              circuit_breaker_enabled: true
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var p = result.Config!.Providers.ToDictionary(x => x.Name);
        Assert.Equal(["small"], p["big"].Fallbacks);
        Assert.Equal(["long", "small"], p["big"].ContextWindowFallbacks);
        Assert.Equal(["other"], p["small"].Fallbacks);
        Assert.Equal(["other"], p["long"].Fallbacks);
        Assert.Empty(p["long"].ContextWindowFallbacks);
        Assert.Empty(p["other"].Fallbacks);
        Assert.Empty(result.Warnings); // circuit_breaker_enabled and context_window_fallbacks both take effect
        Assert.True(result.Config.CircuitBreaker!.Enabled);
    }

    [Fact]
    public void Pllm_AliasLists_BecomeGroups_SingleTargetsStayAliases()
    {
        var config = LoadValid("""
            model_list:
              - model_name: gpt-4-openai
                params: {model: gpt-4, api_key: k}
              - model_name: gpt-4-azure
                params: {model: azure/gpt4-deployment, api_base: "https://e.openai.azure.com/", api_key: k}
              - model_name: gpt-4-openrouter
                params: {model: openai/gpt-4-turbo, api_key: k, api_base: "https://openrouter.ai/api/v1"}
            model_aliases:
              gpt-4: ["gpt-4-openai", "gpt-4-azure", "gpt-4-openrouter"]
              smart: [gpt-4]
              azure: gpt-4-azure
            """);

        // A bare model id Switchyard knows gets its vendor; an openrouter.ai api_base keeps the full name for OpenRouter.
        Assert.Equal(["openai/gpt-4", "azure_openai/gpt4-deployment", "openrouter/openai/gpt-4-turbo"], config.Providers.Select(p => p.Model));
        var group = Assert.Single(config.Groups);
        Assert.Equal(("gpt-4", 9), (group.Name, group.Line));
        Assert.Equal(["gpt-4-openai", "gpt-4-azure", "gpt-4-openrouter"], group.Members);
        Assert.Equal([("smart", "gpt-4"), ("azure", "gpt-4-azure")], config.Aliases.Select(a => (a.Alias, a.Target)));
    }

    [Fact]
    public void Aliases_ListOverGroups_FlattensMembers()
    {
        var config = LoadValid(TwoDeployments + """
            model_aliases:
              everything: [gpt-4o, claude]
            """);

        var everything = config.Groups.Single(g => g.Name == "everything");
        Assert.Equal(["gpt-4o#1", "gpt-4o#2", "claude"], everything.Members);
    }

    [Fact]
    public void Names_ModelInfoIdNamesGroupMember_DuplicateIsAnErrorAtTheId()
    {
        var result = Load("""
            model_list:
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: k}
                model_info: {id: primary}
              - model_name: gpt-4o
                litellm_params: {model: openai/gpt-4o, api_key: k, api_base: "https://b.example"}
                model_info: {id: primary}
            """);

        var d = Assert.Single(result.Errors);
        AssertAt(d, "model_list[1].model_info.id", 7);
        Assert.Contains("duplicate model name 'primary'", d.Message, StringComparison.Ordinal);
        Assert.Contains("model_info.id", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Providers_UnknownPrefixWithApiBase_IsOpenAICompatible_BedrockNeedsRegion()
    {
        var result = Load("""
            model_list:
              - model_name: local
                litellm_params: {model: lm_studio/qwen3-8b, api_base: "http://127.0.0.1:1234/v1"}
              - model_name: br
                litellm_params: {model: bedrock/converse/amazon.nova-pro-v1:0, api_key: k}
            """);

        var d = Assert.Single(result.Errors);
        AssertAt(d, "model_list[1].litellm_params.aws_region_name", 5);
        Assert.Equal("bedrock models need aws_region_name (or api_base, the bedrock-runtime endpoint)", d.Message);
    }

    [Theory]
    [InlineData("openai/gpt-4o", null, "openai/gpt-4o", null)]
    [InlineData("gpt-4o-mini", null, "openai/gpt-4o-mini", null)]
    [InlineData("claude-3-5-haiku-latest", null, "anthropic/claude-3-5-haiku-latest", null)]
    [InlineData("groq/llama-3.3-70b-versatile", null, "groq/llama-3.3-70b-versatile", null)]
    [InlineData("together_ai/meta-llama/Llama-3-70b-chat-hf", null, "together_ai/meta-llama/Llama-3-70b-chat-hf", null)]
    [InlineData("openrouter/anthropic/claude-3.5-sonnet", null, "openrouter/anthropic/claude-3.5-sonnet", null)]
    [InlineData("gemini/gemini-2.0-flash", null, "gemini/gemini-2.0-flash", null)]
    [InlineData("moonshot/kimi-k2", null, "moonshotai/kimi-k2", null)]
    [InlineData("ollama_chat/llama3.2", "http://localhost:11434", "ollama/llama3.2", null)]
    [InlineData("hosted_vllm/Qwen/Qwen3-8B", "http://gpu:8000/v1", "hosted_vllm/Qwen/Qwen3-8B", "openai")]
    [InlineData("lm_studio/qwen3-8b", "http://127.0.0.1:1234/v1", "lm_studio/qwen3-8b", "openai")]
    [InlineData("my-finetune", "http://127.0.0.1:8080/v1", "openai/my-finetune", null)]
    [InlineData("amazon_bedrock/amazon.nova-pro-v1:0", "https://bedrock-runtime.us-east-1.amazonaws.com", "amazon_bedrock/amazon.nova-pro-v1:0", null)]
    public void Providers_LiteLLMPrefixes_MapToSwitchyardProviders(string model, string? apiBase, string expected, string? providerInterface)
    {
        var config = LoadValid($$"""
            model_list:
              - model_name: m
                litellm_params:
                  model: {{model}}
                  api_key: k
            {{(apiBase is null ? "" : "      api_base: " + apiBase)}}
            """);

        var entry = Assert.Single(config.Providers);
        Assert.Equal((expected, providerInterface), (entry.Model, entry.ProviderInterface));
    }

    [Theory]
    [InlineData("mystery/model-x", "unknown provider 'mystery'")]
    [InlineData("bedrok/amazon.nova-pro-v1:0", "unknown provider 'bedrok' (did you mean 'bedrock'?)")]
    [InlineData("some-model", "'some-model' has no provider prefix")]
    [InlineData("vertex_ai/claude-3-5-sonnet@20240620", "partner model on Vertex AI")]
    [InlineData("openai/", "must be 'provider/model_id'")]
    public void Providers_Unreachable_ErrorAtModel(string model, string message)
    {
        var d = SingleError($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: {model}
                  api_key: k
            """);

        AssertAt(d, "model_list[0].litellm_params.model", 4);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_DisabledLeftOut_UnusedItemKeysWarned_WildcardsKept()
    {
        var result = Load("""
            model_list:
              - model_name: off
                params: {model: openai/gpt-4o, api_key: k}
                enabled: false
              - model_name: weighted
                params: {model: openai/gpt-4o-mini, api_key: k}
                weight: 3
              - model_name: "anthropic/*"
                litellm_params: {model: "anthropic/*", api_key: k}
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(["weighted", "anthropic/*"], result.Config!.Providers.Select(p => p.Name));
        Assert.True(result.Config.Providers[1].IsWildcard);
        AssertAt(Assert.Single(result.Warnings), "model_list[1].weight", 7);
    }

    [Fact]
    public void Dialects_DoNotMix_BothRouterNamesAndBothParamNamesAreErrors()
    {
        var result = Load("""
            model_providers: []
            model_list:
              - model_name: a
                litellm_params: {model: openai/gpt-4o, api_key: k}
                params: {model: openai/gpt-4o, api_key: k}
            router: {}
            router_settings: {}
            """);

        Assert.Equal([("model_providers", 1), ("router_settings", 7), ("model_list[0].params", 5)], result.Errors.Select(e => (e.Path, e.Line)));
        Assert.Contains("belongs to the Plano dialect", result.Errors.First().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelList_Empty_IsAnError()
    {
        AssertAt(SingleError("model_list: []\n"), "model_list", 1);
    }
}
