using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Providers;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Resilience;

namespace Switchyard.Core.Tests.Resilience;

public class HealthProberTests
{
    [Theory]
    [InlineData("openai/gpt-4o", "", "https://api.openai.com/v1/models")]
    [InlineData("groq/llama-3.1-8b-instant", "", "https://api.groq.com/openai/v1/models")]
    [InlineData("anthropic/claude-sonnet-4-5", "", "https://api.anthropic.com/v1/models")]
    [InlineData("openai/gpt-4o", "\n    base_url: http://127.0.0.1:9/v2", "http://127.0.0.1:9/v2/models")]
    [InlineData("azure_openai/gpt-4o", "\n    base_url: https://x.openai.azure.com", null)] // deployments: a 1-token request instead
    [InlineData("gemini/gemini-2.5-flash", "", null)]
    public void ModelListUri_NextToTheCallPath_OrNoneWhereOnlyA1TokenRequestWorks(string model, string extra, string? expected)
    {
        var config = ConfigTestSupport.LoadValid($"""
            model_providers:
              - model: {model}
                access_key: k{extra}
            """);
        var snapshot = RuntimeSnapshot.Build(config, 1);
        var resolved = snapshot.Catalog.ResolveName(config.Providers[0].Name)!;

        var uri = HealthProber.ModelListUri(resolved, resolved.ProtocolFor(UpstreamProtocol.OpenAIChat));

        Assert.Equal(expected, uri?.AbsoluteUri);
    }
}
