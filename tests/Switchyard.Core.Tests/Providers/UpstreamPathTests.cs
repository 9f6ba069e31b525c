using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Tests.Providers;

public class UpstreamPathTests
{
    // Every OpenAI-wire provider, with and without a base_url path (the base_url rule: a path replaces the default
    // prefix; a trailing slash changes nothing; no path keeps the default prefix).
    [Theory]
    [InlineData("openai", "gpt-4o", null, "https://api.openai.com/v1/chat/completions")]
    [InlineData("openai", "gpt-4o", "https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions")]
    [InlineData("openai", "gpt-4o", "https://api.openai.com/v1/", "https://api.openai.com/v1/chat/completions")]
    [InlineData("openai", "gpt-4o", "https://proxy.company.com/ai-gateway/openai", "https://proxy.company.com/ai-gateway/openai/chat/completions")]
    [InlineData("openai", "gpt-4o", "http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions")]
    [InlineData("deepseek", "deepseek-chat", null, "https://api.deepseek.com/v1/chat/completions")]
    [InlineData("deepseek", "deepseek-chat", "https://proxy/ds", "https://proxy/ds/chat/completions")]
    [InlineData("mistral", "mistral-large-latest", null, "https://api.mistral.ai/v1/chat/completions")]
    [InlineData("mistral", "mistral-large-latest", "https://eu.proxy/m/v1/", "https://eu.proxy/m/v1/chat/completions")]
    [InlineData("groq", "llama-3.3-70b-versatile", null, "https://api.groq.com/openai/v1/chat/completions")]
    [InlineData("groq", "openai/gpt-oss-120b", "https://groq.proxy", "https://groq.proxy/openai/v1/chat/completions")]
    [InlineData("gemini", "gemini-2.5-flash", null, "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions")]
    [InlineData("gemini", "gemini-2.5-flash", "https://g.proxy/gem", "https://g.proxy/gem/chat/completions")]
    [InlineData("together_ai", "meta-llama/Llama-3.3-70B-Instruct-Turbo", null, "https://api.together.xyz/v1/chat/completions")]
    [InlineData("together_ai", "x", "https://t.proxy/api", "https://t.proxy/api/chat/completions")]
    [InlineData("xai", "grok-4", null, "https://api.x.ai/v1/chat/completions")]
    [InlineData("xai", "grok-4", "https://x.proxy/grok/v1", "https://x.proxy/grok/v1/chat/completions")]
    [InlineData("moonshotai", "kimi-k2-0905-preview", null, "https://api.moonshot.ai/v1/chat/completions")]
    [InlineData("moonshotai", "kimi-k2-0905-preview", "https://api.moonshot.cn/v1", "https://api.moonshot.cn/v1/chat/completions")]
    [InlineData("zhipu", "glm-4.6", null, "https://open.bigmodel.cn/api/paas/v4/chat/completions")]
    [InlineData("zhipu", "glm-4.6", "https://api.z.ai/api/coding/paas/v4", "https://api.z.ai/api/coding/paas/v4/chat/completions")]
    [InlineData("zhipu", "glm-4.6", "https://api.z.ai", "https://api.z.ai/api/paas/v4/chat/completions")]
    [InlineData("qwen", "qwen-max", "https://dashscope-intl.aliyuncs.com", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions")]
    [InlineData("qwen", "qwen-max", "https://dashscope.aliyuncs.com/compatible-mode/v1", "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions")]
    [InlineData("ollama", "llama3.2", "http://localhost:8080", "http://localhost:8080/v1/chat/completions")]
    [InlineData("ollama", "llama3.2", "http://localhost:11434/v1/", "http://localhost:11434/v1/chat/completions")]
    [InlineData("openrouter", "anthropic/claude-sonnet-4", null, "https://openrouter.ai/api/v1/chat/completions")]
    [InlineData("openrouter", "x", "https://or.proxy/or", "https://or.proxy/or/chat/completions")]
    [InlineData("azure_openai", "my-gpt4o", "https://res.openai.azure.com", "https://res.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21")]
    [InlineData("azure_openai", "my-gpt4o", "https://apim.company.com/azure/openai/", "https://apim.company.com/azure/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21")]
    [InlineData("mock", "echo", null, "http://mock.switchyard.invalid/v1/chat/completions")]
    public void ChatCompletionsUri_KnownProvider_FollowsBaseUrlRule(string provider, string model, string? baseUrl, string expected)
    {
        var resolved = Resolve(provider, model, baseUrl, null);
        Assert.Equal(expected, resolved.ChatCompletionsUri.ToString());
    }

    [Fact]
    public void ChatCompletionsUri_AzureWithApiVersion_UsesIt()
    {
        var resolved = Resolve("azure_openai", "dep", "https://r.openai.azure.com", null, apiVersion: "2025-04-01-preview");
        Assert.Equal("https://r.openai.azure.com/openai/deployments/dep/chat/completions?api-version=2025-04-01-preview", resolved.ChatCompletionsUri.ToString());
    }

    [Theory]
    [InlineData("http://vllm.internal:8000", "http://vllm.internal:8000/v1/chat/completions")]
    [InlineData("http://vllm.internal:8000/serving/v1", "http://vllm.internal:8000/serving/v1/chat/completions")]
    public void ChatCompletionsUri_UnknownProviderWithOpenAIInterface_UsesV1Default(string baseUrl, string expected)
        => Assert.Equal(expected, Resolve("vllm", "qwen3", baseUrl, "openai").ChatCompletionsUri.ToString());

    [Fact]
    public void ApplyCredential_Azure_UsesApiKeyHeader_OthersBearer()
    {
        using var azure = new HttpRequestMessage();
        ProviderCatalog.For("azure_openai", null)!.ApplyCredential(azure.Headers, "secret");
        Assert.Equal("secret", azure.Headers.GetValues("api-key").Single());
        Assert.False(azure.Headers.Contains("Authorization"));

        foreach (var prefix in new[] { "openai", "groq", "gemini", "zhipu", "ollama", "openrouter", "mistral", "deepseek", "xai", "moonshotai", "together_ai", "qwen" })
        {
            using var msg = new HttpRequestMessage();
            ProviderCatalog.For(prefix, null)!.ApplyCredential(msg.Headers, "secret");
            Assert.Equal("Bearer secret", msg.Headers.GetValues("Authorization").Single());
        }
    }

    [Theory]
    [InlineData("azure_openai")]
    [InlineData("ollama")]
    [InlineData("qwen")]
    [InlineData("amazon_bedrock")]
    public void RequiresBaseUrl_SelfHostedOrTenantProviders_IsTrue(string prefix)
    {
        Assert.True(ProviderCatalog.TryGet(prefix, out var provider));
        Assert.True(provider.RequiresBaseUrl);
    }

    private static ResolvedModel Resolve(string provider, string model, string? baseUrl, string? iface, string? apiVersion = null)
    {
        var entry = new ModelProviderConfig
        {
            Name = provider + "/" + model,
            Model = provider + "/" + model,
            Provider = provider,
            ModelId = model,
            BaseUrl = baseUrl,
            ProviderInterface = iface,
            ApiVersion = apiVersion,
            AccessKey = "k",
        };
        var definition = ProviderCatalog.For(provider, iface);
        Assert.NotNull(definition);
        return new ResolvedModel(entry.Name, entry, definition, model);
    }
}
