using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Catalog;

/// <summary>A concrete model a request can be sent to: a config entry (or wildcard) plus the provider's model id.</summary>
/// <param name="CanonicalName">The name clients see (entry name, or <c>provider/model</c> for wildcard matches).</param>
/// <param name="Entry">The config entry whose settings (key, base_url, headers, fallbacks) apply.</param>
/// <param name="Provider">The vendor definition.</param>
/// <param name="ModelId">The model id the upstream body carries.</param>
public sealed record ResolvedModel(string CanonicalName, ModelProviderConfig Entry, ProviderDefinition Provider, string ModelId)
{
    // One slot per (protocol, stream): URLs are built once per snapshot and model.
    private readonly Uri?[] _uris = new Uri?[10];
    private byte[]? _quotedModelId;
    private int _contextWindow = -1;
    private Telemetry.ModelLabels? _metricLabels;

    /// <summary>This model's metric label values, made once per snapshot model.</summary>
    internal Telemetry.ModelLabels MetricLabels
        => _metricLabels ??= new(Telemetry.TrafficMetrics.ModelLabel(this), Telemetry.TrafficMetrics.ProviderLabel(Provider.Prefix));

    /// <summary>The model id as a JSON string literal (quotes included), made once per snapshot model.</summary>
    public ReadOnlyMemory<byte> QuotedModelId => _quotedModelId ??= Translation.Passthrough.JsonBodyPatcher.QuotedModel(ModelId);

    /// <summary>
    /// Set when a group name was resolved: this is the group's stand-in (its first member's settings under the group
    /// name), and the planner sends the request to the group's members instead, rotating the first.
    /// </summary>
    public ModelGroup? Group { get; init; }

    /// <summary>Set when the entry has a key pool: the request goes to each key in turn (<see cref="KeyPool.Expand"/>).</summary>
    public KeyPool? Keys { get; init; }

    private ResolvedModel[]? _perKey;

    /// <summary>This model once per key of <see cref="Keys"/>, in pool order (made once per model).</summary>
    internal ResolvedModel[] PerKey()
    {
        if (_perKey is { } made)
        {
            return made;
        }

        var entries = Keys!.Entries;
        var perKey = new ResolvedModel[entries.Count];
        for (var i = 0; i < perKey.Length; i++)
        {
            perKey[i] = new ResolvedModel(CanonicalName, entries[i], Provider, ModelId);
        }

        return _perKey = perKey;
    }

    /// <summary>The context window in tokens (entry <c>context_window</c>, else known-model data); 0 when unknown. Looked up once per snapshot model.</summary>
    public int ContextWindow => _contextWindow >= 0 ? _contextWindow : _contextWindow = ContextWindows.Of(Entry, Provider.Prefix, ModelId);

    /// <summary>The upstream URL for OpenAI chat completions.</summary>
    public Uri ChatCompletionsUri => UriFor(UpstreamProtocol.OpenAIChat, stream: false);

    /// <summary>The upstream URL for a call in <paramref name="protocol"/>.</summary>
    public Uri UriFor(UpstreamProtocol protocol, bool stream)
    {
        var slot = ((int)protocol * 2) + (stream ? 1 : 0);
        return _uris[slot] ??= Provider.BuildUri(protocol, ModelId, stream, Entry);
    }

    /// <summary>The protocol used for a client speaking <paramref name="clientNative"/>.</summary>
    public UpstreamProtocol ProtocolFor(UpstreamProtocol clientNative) => Provider.ChooseProtocol(Entry, clientNative, ModelId);

    // Printed without the upstream URL (a base_url may carry user info or a query token); Entry redacts itself.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Member(nameof(CanonicalName), CanonicalName, first: true)
            .Member(nameof(Entry), Entry)
            .Member(nameof(Provider), Provider.Prefix)
            .Member(nameof(ModelId), ModelId)
            .Member(nameof(Group), Group?.Name)
            .Member(nameof(Keys), Keys?.Entries.Count);
        return true;
    }
}

/// <summary>How a requested model name was resolved.</summary>
public enum ResolutionStatus { Resolved, NotFound, NoModelAndNoDefault }

/// <summary>Result of <see cref="ModelCatalog.Resolve"/>; <see cref="Model"/> is set when resolved.</summary>
public readonly record struct Resolution(ResolutionStatus Status, ResolvedModel? Model, string? ViaAlias);
