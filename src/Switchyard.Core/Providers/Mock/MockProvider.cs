using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

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

    internal override HttpMessageHandler? InProcessHandler => MockUpstreamHandler.Instance;

    /// <summary>The mock is scripted by <c>x-mock-*</c> request headers, so those reach it.</summary>
    public override void ForwardClientHeaders(IHeaderDictionary client, HttpRequestHeaders upstream)
    {
        foreach (var name in (ReadOnlySpan<string>)[MockUpstreamHandler.LatencyHeader, MockUpstreamHandler.StatusHeader, MockUpstreamHandler.ChunkDelayHeader, MockUpstreamHandler.CutAfterHeader, MockUpstreamHandler.ThrowHeader, MockUpstreamHandler.ThrowAfterHeader])
        {
            if (client.TryGetValue(name, out var value))
            {
                upstream.TryAddWithoutValidation(name, value.ToString());
            }
        }
    }
}
