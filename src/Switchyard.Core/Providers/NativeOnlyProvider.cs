namespace Switchyard.Core.Providers;

/// <summary>A vendor reachable only through a protocol this build cannot translate to yet.</summary>
internal sealed class NativeOnlyProvider(string prefix, string? defaultBaseUrl, string pathPrefix, UpstreamProtocol protocol, string? keyVariable)
    : ProviderDefinition
{
    public override string Prefix { get; } = prefix;
    public override Uri? DefaultBaseUrl { get; } = defaultBaseUrl is null ? null : new Uri(defaultBaseUrl + "/");
    public override string DefaultPathPrefix { get; } = pathPrefix;
    public override string? ApiKeyEnvironmentVariable { get; } = keyVariable;
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } = [protocol];
}
