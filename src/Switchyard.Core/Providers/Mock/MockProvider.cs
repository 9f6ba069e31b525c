namespace Switchyard.Core.Providers.Mock;

/// <summary>
/// The built-in <c>mock</c> provider: answered in-process by <see cref="MockUpstreamHandler"/>, no network and no key.
/// </summary>
internal sealed class MockProvider : ProviderDefinition
{
    public override string Prefix => "mock";
    public override Uri? DefaultBaseUrl { get; } = new("http://mock.switchyard.invalid/");
    public override string DefaultPathPrefix => "/v1";
    public override bool RequiresCredential => false;
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } = [UpstreamProtocol.OpenAIChat];
}
