using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Switchyard.Core.Configuration;

namespace Switchyard.Core.Endpoints;

/// <summary>
/// The <see cref="EndpointState"/> of every provider entry of one snapshot. Built with the snapshot; an entry whose
/// canonical key (everything that decides where and as whom a request goes — never object identity) is unchanged
/// keeps the previous snapshot's state, so what the gateway learned survives reloads. Entries outside the config
/// (a built-in router endpoint) get their state on first use, bounded by the entries that exist.
/// </summary>
public sealed class EndpointRegistry
{
    private readonly FrozenDictionary<ModelProviderConfig, EndpointState> _byEntry;
    private readonly FrozenDictionary<string, EndpointState> _byKey;
    private readonly ConcurrentDictionary<string, EndpointState> _extra = new(StringComparer.Ordinal);

    // The previous registry's lookups (not the registry itself), for entries outside the config: no chain forms.
    private readonly FrozenDictionary<string, EndpointState>? _previousByKey;
    private readonly ConcurrentDictionary<string, EndpointState>? _previousExtra;

    private EndpointRegistry(Dictionary<ModelProviderConfig, EndpointState> byEntry, Dictionary<string, EndpointState> byKey, EndpointRegistry? previous)
    {
        _byEntry = byEntry.ToFrozenDictionary(ReferenceEqualityComparer.Instance);
        _byKey = byKey.ToFrozenDictionary(StringComparer.Ordinal);
        _previousByKey = previous?._byKey;
        _previousExtra = previous?._extra;
    }

    /// <summary>Every endpoint of the config, in no particular order.</summary>
    public IEnumerable<EndpointState> All => _byKey.Values.Concat(_extra.Values);

    /// <summary>Builds the registry for <paramref name="entries"/>, reusing <paramref name="previous"/>'s state for unchanged entries.</summary>
    public static EndpointRegistry Build(IEnumerable<ModelProviderConfig> entries, EndpointRegistry? previous, CircuitBreakerConfig? circuitBreaker = null)
    {
        var byEntry = new Dictionary<ModelProviderConfig, EndpointState>(ReferenceEqualityComparer.Instance);
        var built = new Dictionary<string, EndpointState>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var key = CanonicalKey(entry);
            if (!built.TryGetValue(key, out var state))
            {
                state = previous?.Find(key) ?? new EndpointState(key, entry.KeySlot is { } slot ? $"{entry.Name} ({slot.Label}, {slot.Fingerprint})" : entry.Name);
                built[key] = state;
            }

            state.Policy = EndpointPolicy.For(entry, circuitBreaker);
            byEntry[entry] = state;
        }

        return new EndpointRegistry(byEntry, built, previous);
    }

    /// <summary>The state of <paramref name="entry"/>'s endpoint.</summary>
    public EndpointState For(ModelProviderConfig entry)
    {
        if (_byEntry.TryGetValue(entry, out var state))
        {
            return state;
        }

        var key = CanonicalKey(entry);
        return _byKey.TryGetValue(key, out state)
            ? state
            : _extra.GetOrAdd(key, static (k, arg) => arg.Self.FindPrevious(k) ?? new EndpointState(k, arg.Name), (Self: this, entry.Name));
    }

    private EndpointState? Find(string key)
        => _byKey.TryGetValue(key, out var state) || _extra.TryGetValue(key, out state) ? state : null;

    private EndpointState? FindPrevious(string key)
        => _previousByKey is not null && _previousByKey.TryGetValue(key, out var state) || _previousExtra is not null && _previousExtra.TryGetValue(key, out state) ? state : null;

    /// <summary>
    /// Everything that decides where a request goes and as whom: provider, model, name, URL settings, headers and a
    /// fingerprint of the credential (a SHA-256 prefix: the key itself never appears). Two entries with the same
    /// canonical key are the same endpoint.
    /// </summary>
    public static string CanonicalKey(ModelProviderConfig entry)
    {
        var sb = new StringBuilder(128);
        void Part(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                sb.Append(name).Append('=').Append(value.Replace("|", "||", StringComparison.Ordinal)).Append('|');
            }
        }

        Part("name", entry.Name);
        Part("model", entry.Model);
        Part("base_url", entry.BaseUrl);
        Part("interface", entry.ProviderInterface);
        Part("protocol", entry.Protocol);
        Part("api_version", entry.ApiVersion);
        Part("region", entry.Region);
        Part("project", entry.Project);
        Part("location", entry.Location);
        Part("http_host", entry.HttpHost);
        foreach (var (header, value) in entry.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            Part("h:" + header.ToLowerInvariant(), Fingerprint(value));
        }

        Part("credential", entry.PassthroughAuth ? "client" : Fingerprint(entry.AccessKey + "\0" + entry.AwsAccessKeyId + "\0" + entry.AwsSecretAccessKey + "\0" + entry.AwsSessionToken));
        return sb.ToString();
    }

    private static string Fingerprint(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
