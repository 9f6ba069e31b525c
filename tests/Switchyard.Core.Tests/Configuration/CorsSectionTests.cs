using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public sealed class CorsSectionTests
{
    [Fact]
    public void Parse_NoCorsSection_Disabled()
    {
        var cors = LoadValid(MinimalProviders).Cors;

        Assert.False(cors.Enabled);
        Assert.False(cors.Allows("https://app.example.com"));
    }

    [Fact]
    public void Parse_ListedOrigins_NormalisedLikeBrowsersSendThem()
    {
        var cors = LoadValid(MinimalProviders + "\n" + """
            cors:
              allowed_origins: ["https://App.Example.com:443", "http://localhost:5173"]
              allowed_headers: [Content-Type, authorization]
            """).Cors;

        Assert.True(cors.Enabled);
        Assert.Equal(["https://app.example.com", "http://localhost:5173"], cors.AllowedOrigins);
        Assert.True(cors.Allows("https://app.example.com"));
        Assert.True(cors.Allows("http://localhost:5173"));
        Assert.False(cors.Allows("http://localhost:5174"));
        Assert.False(cors.Allows("http://app.example.com"));
        Assert.False(cors.Allows("https://app.example.com.evil.test"));
        Assert.Equal("content-type, authorization", cors.AllowedHeadersValue);
        Assert.False(cors.AllowAnyOrigin);
    }

    [Fact]
    public void Parse_OriginsWithoutHeaders_DefaultHeadersAllowed()
    {
        var cors = LoadValid(MinimalProviders + "\ncors:\n  allowed_origins: [\"http://localhost:3000\"]\n").Cors;

        Assert.Equal(CorsSettings.DefaultAllowedHeaders, cors.AllowedHeaders);
        Assert.Contains("authorization", cors.AllowedHeadersValue, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cors:\n  allowed_origins: [\"https://app.example.com/ui\"]", "cors.allowed_origins[0]", 5)]
    [InlineData("cors:\n  allowed_origins: [\"app.example.com\"]", "cors.allowed_origins[0]", 5)]
    [InlineData("cors:\n  allowed_origins: [\"ftp://app.example.com\"]", "cors.allowed_origins[0]", 5)]
    [InlineData("cors:\n  allowed_origins: \"https://app.example.com\"", "cors.allowed_origins", 5)]
    [InlineData("cors:\n  allowed_origin: [\"https://app.example.com\"]", "cors.allowed_origin", 5)]
    [InlineData("cors:\n  allowed_headers: [\"bad header\"]", "cors.allowed_headers[0]", 5)]
    [InlineData("cors: [\"https://app.example.com\"]", "cors", 4)]
    public void Parse_InvalidCors_ErrorAtPathAndLine(string section, string path, int line)
        => AssertAt(SingleError(MinimalProviders + "\n" + section), path, line);

    [Fact]
    public void Parse_StarWithProviderKeys_WarnsAndAllowsAnyOrigin()
    {
        var result = Load(MinimalProviders + "\ncors:\n  allowed_origins: [\"*\"]\n");

        Assert.NotNull(result.Config);
        Assert.True(result.Config.Cors.AllowAnyOrigin);
        Assert.True(result.Config.Cors.Allows("https://anything.example"));
        var warning = Assert.Single(result.Warnings, w => w.Path == "cors.allowed_origins");
        Assert.Contains("any web page", warning.Message, StringComparison.Ordinal);
        Assert.Equal(4, warning.Line);
    }

    [Fact]
    public void Parse_StarWithoutProviderKeys_NoWarning()
    {
        var result = Load("model_providers:\n  - model: ollama/llama3\n    base_url: http://localhost:11434\ncors:\n  allowed_origins: [\"*\"]\n");

        Assert.NotNull(result.Config);
        Assert.DoesNotContain(result.Warnings, w => w.Path.StartsWith("cors", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_CorsSection_ReloadsToTheSameSettings()
    {
        var config = LoadValid(MinimalProviders + "\n" + """
            cors:
              allowed_origins: ["*", "http://localhost:5173"]
              allowed_headers: ["*", x-custom]
            """);

        var yaml = ConfigWriter.Write(config).Yaml;
        var again = LoadValid(yaml).Cors;

        Assert.Contains("cors:", yaml, StringComparison.Ordinal);
        Assert.True(again.AllowAnyOrigin);
        Assert.True(again.AllowAnyHeader);
        Assert.Equal(["http://localhost:5173"], again.AllowedOrigins);
        Assert.Equal(["x-custom"], again.AllowedHeaders);
    }

    [Fact]
    public void Write_NoCors_NoSection()
        => Assert.DoesNotContain("cors", ConfigWriter.Write(LoadValid(MinimalProviders)).Yaml, StringComparison.Ordinal);
}
