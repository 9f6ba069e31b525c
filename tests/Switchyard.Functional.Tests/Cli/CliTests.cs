using System.Net.Http.Json;
using System.Text.Json;
using Switchyard.Cli;
using Switchyard.Hosting;

namespace Switchyard.Functional.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Validate_InvalidConfig_ListsEveryErrorWithLineAndExitsOne()
    {
        var path = Write("""
            model_providers:
              - model: openai/gpt-4o
                acess_key: k
              - model: ollama/llama3.2
            model_aliases:
              fast:
                target: nowhere
            """);
        var (code, _, err) = await RunAsync("validate", path);
        Assert.Equal(1, code);
        Assert.Contains($"{path}:3: error: model_providers[0].acess_key", err);
        Assert.Contains("did you mean 'access_key'", err);
        Assert.Contains($"{path}:4: error: model_providers[1].base_url", err);
        Assert.Contains("invalid (", err);
    }

    [Fact]
    public async Task Validate_ValidConfig_PrintsSummaryAndExitsZero()
    {
        var path = Write("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                default: true
              - model: groq/*
                access_key: g
            model_aliases:
              fast:
                target: openai/gpt-4o
            """);
        var (code, output, _) = await RunAsync("validate", path);
        Assert.Equal(0, code);
        Assert.Contains("valid", output);
        Assert.Contains("default: openai/gpt-4o", output);
        Assert.Contains("groq/*", output);
        Assert.Contains("fast -> openai/gpt-4o", output);
    }

    [Fact]
    public async Task Models_PrintsResolvedTableWithUpstreamUrls()
    {
        var path = Write("""
            model_providers:
              - model: zhipu/glm-4.6
                access_key: k
                base_url: https://api.z.ai/api/coding/paas/v4
              - model: azure_openai/prod
                access_key: k
                base_url: https://res.openai.azure.com
            """);
        var (code, output, _) = await RunAsync("models", path);
        Assert.Equal(0, code);
        Assert.Contains("https://api.z.ai/api/coding/paas/v4/chat/completions", output);
        Assert.Contains("https://res.openai.azure.com/openai/deployments/prod/chat/completions?api-version=", output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("serve", "--help")]
    public async Task Help_DescribesEveryCommand(params string[] args)
    {
        var (code, output, _) = await RunAsync(args);
        Assert.Equal(0, code);
        foreach (var command in new[] { "serve", "validate", "models", "migrate", "--config", "--port" })
        {
            Assert.Contains(command, output);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("serve", "--port", "99999")]
    [InlineData("validate")]
    [InlineData("migrate")]
    [InlineData("migrate", "a.yaml", "b.yaml")]
    [InlineData("migrate", "a.yaml", "--frobnicate")]
    public async Task BadArguments_ExitTwoWithMessage(params string[] args)
    {
        var (code, _, err) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains("switchyard:", err);
    }

    [Fact]
    public async Task Migrate_V03Config_PrintsV04ConfigAndWarnsOnStderr()
    {
        var path = Write("""
            version: v0.3.0
            llm_providers:
              - model: openai/gpt-4o-mini
                access_key: ${SWITCHYARD_CLI_TEST_UNSET_KEY:-sk-not-a-secret}
                routing_preferences:
                  - name: chat
                    description: small talk
            overrides:
              llm_routing_model: openai/gpt-4o-mini
            """);

        var (code, output, err) = await RunAsync("migrate", path);

        Assert.Equal(0, code);
        Assert.Equal($$"""
            # Switchyard config (v0.4), written by 'switchyard migrate' from {{Path.GetFileName(path)}}
            version: v0.4.0

            listeners:
              - name: llm
                type: model
                address: 127.0.0.1
                port: 12000

            model_providers:
              - model: openai/gpt-4o-mini
                access_key: ${SWITCHYARD_CLI_TEST_UNSET_KEY:-sk-not-a-secret}

            routing_preferences:
              - name: chat
                description: small talk
                models: [openai/gpt-4o-mini]

            overrides:
              llm_routing_model: openai/gpt-4o-mini

            """, output);
        Assert.Contains($"{path}:6: warning: llm_providers[0].routing_preferences[0]: inline routing_preferences under a provider entry are deprecated", err);
    }

    [Fact]
    public async Task Migrate_OutputFile_WrittenAndValid()
    {
        var path = Write("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            routing:
              session_ttl_seconds: 60
            """);
        var output = Path.Combine(_dir, "out.yaml");

        var (code, stdout, err) = await RunAsync("migrate", path, "-o", output);

        Assert.Equal(0, code);
        Assert.Empty(stdout);
        Assert.Contains($"migrated to {output}", err);
        var (validateCode, summary, _) = await RunAsync("validate", output);
        Assert.Equal(0, validateCode);
        Assert.Contains("valid", summary);
        Assert.Contains("session_ttl_seconds: 60\n", File.ReadAllText(output));
    }

    [Fact]
    public async Task Migrate_InvalidConfig_ListsErrorsWritesNothingAndExitsOne()
    {
        var path = Write("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-5-nope]
            """);
        var output = Path.Combine(_dir, "never.yaml");

        var (code, stdout, err) = await RunAsync("migrate", path, "-o", output);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains($"{path}:7: error: routing_preferences[0].models[0]: route 'code': 'openai/gpt-5-nope' does not match any configured model", err);
        Assert.Contains("invalid (1 error(s)); nothing written", err);
        Assert.False(File.Exists(output));
    }

    // Names no test machine sets: these stand for the API keys CI runs without.
    private const string UnsetConfig = """
        model_providers:
          - model: openai/gpt-4o
            access_key: $SWITCHYARD_CLI_TEST_UNSET_OPENAI
            default: true
          - model: ollama/llama3.2
            base_url: ${SWITCHYARD_CLI_TEST_UNSET_OLLAMA}
        """;

    [Fact]
    public async Task Validate_UnsetVariables_WarnsThatServeRefusesAndExitsZero()
    {
        var path = Write(UnsetConfig);

        var (code, output, err) = await RunAsync("validate", path);

        Assert.Equal(0, code);
        Assert.Empty(err);
        Assert.Contains($"{path}:3: warning: model_providers[0].access_key: environment variable 'SWITCHYARD_CLI_TEST_UNSET_OPENAI' is not set: 'switchyard serve' will refuse to start", output);
        Assert.Contains($"{path}:6: warning: model_providers[1].base_url: environment variable 'SWITCHYARD_CLI_TEST_UNSET_OLLAMA' is not set", output);
        Assert.Contains("valid, but 'switchyard serve' will refuse to start until these environment variables are set: SWITCHYARD_CLI_TEST_UNSET_OPENAI, SWITCHYARD_CLI_TEST_UNSET_OLLAMA", output);
        // The placeholder values draw no second complaint (no "has no access_key", no "requires base_url").
        Assert.DoesNotContain("no access_key", output);
        Assert.DoesNotContain("requires base_url", output);
    }

    [Fact]
    public async Task ValidateStrict_UnsetVariables_ErrorsAndExitsOne()
    {
        var path = Write(UnsetConfig);

        var (code, _, err) = await RunAsync("validate", "--strict", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:3: error: model_providers[0].access_key: environment variable 'SWITCHYARD_CLI_TEST_UNSET_OPENAI' is not set", err);
        Assert.Contains("invalid (2 error(s))", err);
    }

    [Fact]
    public async Task Serve_UnsetVariables_RefusesToStart()
    {
        var path = Write(UnsetConfig);

        var (code, _, err) = await RunAsync("serve", "--config", path, "--port", "0");

        Assert.Equal(1, code);
        Assert.Contains("error: model_providers[0].access_key: environment variable 'SWITCHYARD_CLI_TEST_UNSET_OPENAI' is not set", err);
        Assert.Contains("not starting", err);
    }

    [Fact]
    public async Task Migrate_UnsetVariables_WritesTheReferencesAndExitsZero()
    {
        var path = Write(UnsetConfig);

        var (code, output, _) = await RunAsync("migrate", path);

        Assert.Equal(0, code);
        Assert.Contains("access_key: $SWITCHYARD_CLI_TEST_UNSET_OPENAI\n", output);
        Assert.Contains("base_url: ${SWITCHYARD_CLI_TEST_UNSET_OLLAMA}\n", output);
        Assert.DoesNotContain("invalid", output);
    }

    [Fact]
    public async Task Models_UnsetVariables_PrintsTheTableAndExitsZero()
    {
        var path = Write(UnsetConfig);

        var (code, output, err) = await RunAsync("models", path);

        Assert.Equal(0, code);
        Assert.Contains("https://api.openai.com/v1/chat/completions", output);
        Assert.Contains("environment variables not set: SWITCHYARD_CLI_TEST_UNSET_OPENAI, SWITCHYARD_CLI_TEST_UNSET_OLLAMA", err);
    }

    [Fact]
    public async Task ValidateAndModels_RoutesWithoutRouterModel_HostedRouterMentionedNotListed()
    {
        var path = Write("""
            model_providers:
              - model: openai/gpt-4o
                access_key: k
                default: true
            routing_preferences:
              - name: code
                description: writing code
                models: [openai/gpt-4o]
            """);

        var (code, output, _) = await RunAsync("validate", path);
        var (_, table, _) = await RunAsync("models", path);

        Assert.Equal(0, code);
        Assert.Contains("models: 1 (default: openai/gpt-4o)", output);
        Assert.Contains("router: the hosted Plano-Orchestrator at https://archfc.katanemo.dev/v1/chat/completions (routing prompts are sent there", output);
        Assert.Contains("overrides.llm_routing_model", output);
        Assert.DoesNotContain("plano-orchestrator", table, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Serve_InvalidConfig_DoesNotStartAndExitsOne()
    {
        var path = Write("model_providers:\n  - model: nope\n");
        var (code, _, err) = await RunAsync("serve", "--config", path, "--port", "0");
        Assert.Equal(1, code);
        Assert.Contains("not starting", err);
    }

    [Fact]
    public async Task Quickstart_NoConfig_ServesMockAndDetectedProviders()
    {
        var env = new Dictionary<string, string> { ["GROQ_API_KEY"] = "gsk-test" };
        var (host, result) = GatewayHost.Create(new GatewayHostOptions
        {
            PortOverride = 0,
            Environment = n => env.TryGetValue(n, out var v) ? v : null,
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        });
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        await using (host!)
        {
            await host!.StartAsync();
            using var client = new HttpClient { BaseAddress = host.Addresses[0], Timeout = TimeSpan.FromSeconds(10) };
            using var response = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"messages":[{"role":"user","content":"quickstart works"}]}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(200, (int)response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("quickstart works", doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

            var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
            var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
            Assert.Contains("mock/echo", ids);
            Assert.Contains("groq/llama-3.3-70b-versatile", ids);
            Assert.DoesNotContain(ids, id => id!.StartsWith("openai/", StringComparison.Ordinal));
        }
    }
}
