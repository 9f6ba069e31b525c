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
    [InlineData("gemini", "gemini-2.5-flash", "https://g.proxy/gem", "https://g.proxy/gem/openai/chat/completions")]
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

    // Native protocols: the base_url path replaces the default prefix (/v1beta for Gemini, /v1 for Anthropic).
    [Theory]
    [InlineData("gemini", "gemini-2.5-flash", null, false, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent")]
    [InlineData("gemini", "gemini-2.5-flash", null, true, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")]
    [InlineData("gemini", "gemini-2.5-flash", "https://g.proxy/google/v1beta/", true, "https://g.proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")]
    [InlineData("anthropic", "claude-sonnet-4-5", null, true, "https://api.anthropic.com/v1/messages")]
    [InlineData("anthropic", "claude-sonnet-4-5", "https://proxy.corp/anthropic", false, "https://proxy.corp/anthropic/messages")]
    [InlineData("amazon_bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", "https://bedrock-runtime.us-east-1.amazonaws.com", false, "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse")]
    [InlineData("amazon_bedrock", "us.amazon.nova-lite-v1:0", "https://bedrock-runtime.eu-west-1.amazonaws.com/", true, "https://bedrock-runtime.eu-west-1.amazonaws.com/model/us.amazon.nova-lite-v1%3A0/converse-stream")]
    public void UriFor_NativeProtocol_FollowsBaseUrlRule(string provider, string model, string? baseUrl, bool stream, string expected)
    {
        var resolved = Resolve(provider, model, baseUrl, null);
        var protocol = resolved.Provider.Protocols[0];
        Assert.Equal(expected, resolved.UriFor(protocol, stream).AbsoluteUri);
    }

    [Theory]
    [InlineData("us-central1", "https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent")]
    [InlineData("global", "https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/publishers/google/models/gemini-2.5-pro:generateContent")]
    public void UriFor_Vertex_HostAndPathFromProjectAndLocation(string location, string expected)
    {
        var entry = new ModelProviderConfig
        {
            Name = "vertex/gemini-2.5-pro", Model = "vertex/gemini-2.5-pro", Provider = "vertex", ModelId = "gemini-2.5-pro",
            Project = "my-proj", Location = location, AccessKey = "token",
        };
        var resolved = new ResolvedModel(entry.Name, entry, ProviderCatalog.For("vertex", null)!, entry.ModelId);
        Assert.Equal(expected, resolved.UriFor(UpstreamProtocol.Gemini, stream: false).AbsoluteUri);
    }

    [Fact]
    public void ChooseProtocol_SameWireAsClient_IsPassthrough_OtherwisePreferred()
    {
        var openai = Resolve("openai", "gpt-4o", null, null);
        Assert.Equal(UpstreamProtocol.OpenAIResponses, openai.ProtocolFor(UpstreamProtocol.OpenAIResponses));
        Assert.Equal(UpstreamProtocol.OpenAIChat, openai.ProtocolFor(UpstreamProtocol.AnthropicMessages));
        var groq = Resolve("groq", "llama", null, null);
        Assert.Equal(UpstreamProtocol.OpenAIChat, groq.ProtocolFor(UpstreamProtocol.OpenAIResponses));
        var anthropic = Resolve("anthropic", "claude", null, null);
        Assert.Equal(UpstreamProtocol.AnthropicMessages, anthropic.ProtocolFor(UpstreamProtocol.OpenAIChat));
        var gemini = Resolve("gemini", "gemini-2.5-flash", null, null);
        Assert.Equal(UpstreamProtocol.Gemini, gemini.ProtocolFor(UpstreamProtocol.OpenAIChat));
    }

    [Fact]
    public void ProtocolFor_GeminiEntryWithProtocolOpenAI_UsesCompatibleEndpoint()
    {
        var entry = new ModelProviderConfig { Name = "g", Model = "gemini/gemini-2.5-flash", Provider = "gemini", ModelId = "gemini-2.5-flash", AccessKey = "k", Protocol = "openai" };
        var resolved = new ResolvedModel(entry.Name, entry, ProviderCatalog.For("gemini", null)!, entry.ModelId);
        Assert.Equal(UpstreamProtocol.OpenAIChat, resolved.ProtocolFor(UpstreamProtocol.OpenAIChat));
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", resolved.UriFor(UpstreamProtocol.OpenAIChat, true).AbsoluteUri);
    }

    [Fact]
    public void CodecFor_OpenAIAndAzure_SendMaxCompletionTokens_OthersMaxTokens()
    {
        var request = new Switchyard.Core.Ir.IrRequest { MaxTokens = 77 };
        request.Messages.Add(new Switchyard.Core.Ir.IrMessage(Switchyard.Core.Ir.IrRole.User, [new Switchyard.Core.Ir.IrTextPart("hi")]));
        string Body(string prefix) => System.Text.Encoding.UTF8.GetString(ProviderCatalog.For(prefix, null)!.CodecFor(UpstreamProtocol.OpenAIChat)!.EncodeRequest(request, "m"));

        Assert.Contains("\"max_completion_tokens\":77", Body("openai"), StringComparison.Ordinal);
        Assert.Contains("\"max_completion_tokens\":77", Body("azure_openai"), StringComparison.Ordinal);
        Assert.Contains("\"max_tokens\":77", Body("mistral"), StringComparison.Ordinal);
        Assert.DoesNotContain("max_completion_tokens", Body("groq"), StringComparison.Ordinal);
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
    public void Authenticate_NativeVendors_UseTheirOwnHeaders()
    {
        var anthropic = Resolve("anthropic", "claude", null, null);
        using var a = new HttpRequestMessage();
        anthropic.Provider.Authenticate(a, UpstreamProtocol.AnthropicMessages, "sk-ant", null, anthropic.Entry);
        Assert.Equal("sk-ant", a.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", a.Headers.GetValues("anthropic-version").Single());
        Assert.False(a.Headers.Contains("Authorization"));

        var gemini = Resolve("gemini", "gemini-2.5-flash", null, null);
        using var g = new HttpRequestMessage();
        gemini.Provider.Authenticate(g, UpstreamProtocol.Gemini, "AIza", null, gemini.Entry);
        Assert.Equal("AIza", g.Headers.GetValues("x-goog-api-key").Single());
        using var gc = new HttpRequestMessage();
        gemini.Provider.Authenticate(gc, UpstreamProtocol.OpenAIChat, "AIza", null, gemini.Entry);
        Assert.Equal("Bearer AIza", gc.Headers.GetValues("Authorization").Single());

        var bedrock = Resolve("amazon_bedrock", "m", "https://bedrock-runtime.us-east-1.amazonaws.com", null);
        using var b = new HttpRequestMessage();
        bedrock.Provider.Authenticate(b, UpstreamProtocol.BedrockConverse, "bedrock-api-key", null, bedrock.Entry);
        Assert.Equal("Bearer bedrock-api-key", b.Headers.GetValues("Authorization").Single());
    }

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
