using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Tests.Configuration;

/// <summary>The printed form of every config record that can hold a credential shows none of it.</summary>
public sealed class RedactionTests
{
    private static readonly string[] Secrets =
    [
        "sk-openai-9f8e7d6c", "hdr-secret-4b3a2918", "AKIAREDACTME1234", "aws-secret-5c6d7e8f", "aws-session-0a1b2c3d",
        "redis-pass-77aa88bb", "prom-token-12ab34cd", "url-pass-56ef78gh", "cost-token-99zz88yy", "env-secret-31415926",
    ];

    private const string Yaml = """
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: $OPENAI_KEY
            base_url: https://user:url-pass-56ef78gh@proxy.example/v1?token=url-pass-56ef78gh
            headers:
              x-api-key: hdr-secret-4b3a2918
          - model: amazon_bedrock/us.amazon.nova-micro-v1:0
            base_url: https://bedrock-runtime.us-east-1.amazonaws.com
            aws_access_key_id: AKIAREDACTME1234
            aws_secret_access_key: aws-secret-5c6d7e8f
            aws_session_token: aws-session-0a1b2c3d
        routing:
          session_cache:
            type: redis
            url: redis://:redis-pass-77aa88bb@cache:6379
        model_metrics_sources:
          - type: latency
            provider: prometheus
            url: http://prometheus:9090/?token=prom-token-12ab34cd
            query: ttft
          - type: cost
            provider: models.dev
            url: https://catalog.example/api.json?key=cost-token-99zz88yy
        """;

    private static readonly Dictionary<string, string> Env = new() { ["OPENAI_KEY"] = "sk-openai-9f8e7d6c" };

    private static void AssertNoSecret(string printed)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, printed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToString_ConfigRecordsWithCredentials_ShowNoneOfThem()
    {
        var result = ConfigTestSupport.Load(Yaml, Env);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var config = result.Config!;

        AssertNoSecret(result.ToString());
        AssertNoSecret(config.ToString());
        AssertNoSecret(config.Affinity.ToString());
        foreach (var provider in config.Providers)
        {
            AssertNoSecret(provider.ToString());
        }

        foreach (var source in config.MetricsSources)
        {
            AssertNoSecret(source.ToString());
        }

        foreach (var reference in result.EnvReferences)
        {
            AssertNoSecret(reference.ToString());
        }

        AssertNoSecret(ConfigWriter.Write(config, result.EnvReferences).ToString());
    }

    [Fact]
    public void ToString_ResolvedModel_ShowsNameAndRedactedEntryButNoCredentialOrUrlToken()
    {
        var config = ConfigTestSupport.LoadValid(Yaml, Env);
        var model = ModelCatalog.Build(config).ResolveName("openai/gpt-4o-mini")!;

        var printed = model.ToString();

        AssertNoSecret(printed);
        Assert.Contains("CanonicalName = openai/gpt-4o-mini", printed, StringComparison.Ordinal);
        Assert.Contains("AccessKey = <redacted>", printed, StringComparison.Ordinal);
        Assert.Contains("x-api-key = <redacted>", printed, StringComparison.Ordinal);
        Assert.Contains("BaseUrl = https://<redacted>@proxy.example/v1?<redacted>", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_ProviderWithoutCredentials_ShowsThemAsUnset()
    {
        var entry = new ModelProviderConfig { Name = "m", Model = "ollama/llama3", Provider = "ollama", ModelId = "llama3", BaseUrl = "http://localhost:11434" };

        var printed = entry.ToString();

        Assert.Contains("AccessKey = ,", printed, StringComparison.Ordinal);
        Assert.Contains("BaseUrl = http://localhost:11434,", printed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1")]
    [InlineData("https://u:p@host/x?key=k", "https://<redacted>@host/x?<redacted>")]
    [InlineData("not a url with ? in it", "<redacted>")]
    [InlineData("not-a-url", "not-a-url")]
    public void Url_TokensInUserInfoOrQuery_AreRedacted(string url, string expected)
        => Assert.Equal(expected, Redaction.Url(url));
}
