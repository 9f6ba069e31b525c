using Switchyard.Functional.Tests.Infrastructure;

namespace Switchyard.Functional.Tests.Routing;

/// <summary>
/// A gateway with two preference routes and a router model, every model on its own fake upstream:
/// <c>coding</c> → [code-primary (OpenAI), code-backup (Mistral)], <c>creative</c> → [poet (Anthropic)], and a
/// default <c>general</c> model for requests no route fits.
/// </summary>
internal sealed class PreferenceRoutingConfig : IAsyncDisposable
{
    public required FakeUpstream Router { get; init; }
    public required FakeUpstream CodePrimary { get; init; }
    public required FakeUpstream CodeBackup { get; init; }
    public required FakeUpstream Poet { get; init; }
    public required FakeUpstream General { get; init; }

    /// <summary>Plano-Orchestrator answers by keyword: "code" → coding, "poem" → creative, else no route.</summary>
    public static UpstreamHandler KeywordRouter() => FakeRouter.ByKeyword(
        "{\"route\": []}",
        ("code", "{\"route\": [\"coding\"]}"),
        ("poem", "{\"route\": [\"creative\"]}"));

    public static async Task<PreferenceRoutingConfig> StartAsync(UpstreamHandler? router = null) => new()
    {
        Router = await FakeUpstream.StartAsync(router ?? KeywordRouter()),
        CodePrimary = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json")),
        CodeBackup = await FakeUpstream.StartAsync(Reply.Fixture("mistral/pydai__test_mistral_forwards_penalties.0.json")),
        Poet = await FakeUpstream.StartAsync(Reply.Fixture("anthropic/vercel__anthropic-text.json")),
        General = await FakeUpstream.StartAsync(Reply.Fixture("openai/envoy__chat-basic.0.json")),
    };

    public string Yaml(string extraOverrides = "", string extraTop = "", string codingPolicy = "none") => Infrastructure.Yaml.Listener() + $"""
        model_providers:
          - name: general
            model: openai/gpt-4o-mini
            access_key: k-general
            base_url: {General.BaseUrl}
            default: true
          - name: code-primary
            model: openai/gpt-4o
            access_key: k-code
            base_url: {CodePrimary.BaseUrl}
          - name: code-backup
            model: mistral/codestral-latest
            access_key: k-mistral
            base_url: {CodeBackup.BaseUrl}
          - name: poet
            model: anthropic/claude-sonnet-4-5
            access_key: k-anthropic
            base_url: {Poet.BaseUrl}
          - name: router
            model: ollama/plano-orchestrator
            base_url: {Router.BaseUrl}
        routing_preferences:
          - name: coding
            description: writing, reviewing or debugging code
            models: [code-primary, code-backup]
            selection_policy:
              prefer: {codingPolicy}
          - name: creative
            description: poems, stories and other creative writing
            models: [poet]
        overrides:
          llm_routing_model: router
        {extraOverrides}
        {extraTop}
        """;

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await CodePrimary.DisposeAsync();
        await CodeBackup.DisposeAsync();
        await Poet.DisposeAsync();
        await General.DisposeAsync();
    }
}
