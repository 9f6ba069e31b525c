using System.Collections.Frozen;
using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Catalog;

/// <summary>
/// Resolves a requested model name: alias (one hop) → group name → exact entry name → <c>provider/model</c> of an
/// explicit entry → bare model id (explicit entries first, then registry models under wildcards) → <c>provider/x</c>
/// under a wildcard. Built once per config snapshot; lookups allocate only for wildcard matches.
/// </summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ResolvedModel> _byName;
    private readonly FrozenDictionary<string, ResolvedModel> _byModelString;
    private readonly FrozenDictionary<string, ResolvedModel> _byBareId;
    private readonly FrozenDictionary<string, (ModelProviderConfig Entry, ProviderDefinition Provider, KeyPool? Keys)> _wildcards;
    private readonly FrozenDictionary<string, string> _aliases;
    private readonly FrozenDictionary<string, ModelGroup> _groups;

    private ModelCatalog(GatewayConfig config)
    {
        var byName = new Dictionary<string, ResolvedModel>(StringComparer.Ordinal);
        var byModel = new Dictionary<string, ResolvedModel>(StringComparer.Ordinal);
        var byBare = new Dictionary<string, ResolvedModel>(StringComparer.Ordinal);
        var wildcards = new Dictionary<string, (ModelProviderConfig, ProviderDefinition, KeyPool?)>(StringComparer.Ordinal);
        var listed = new List<ResolvedModel>();
        var keyEntries = new List<ModelProviderConfig>();

        foreach (var entry in config.Providers)
        {
            var provider = ProviderCatalog.For(entry.Provider, entry.ProviderInterface);
            if (provider is null)
            {
                continue; // reported by the validator
            }

            var keys = KeyPool.For(entry);
            if (keys is not null)
            {
                keyEntries.AddRange(keys.Entries);
            }

            if (entry.IsWildcard)
            {
                wildcards.TryAdd(entry.Provider, (entry, provider, keys));
                continue;
            }

            var model = new ResolvedModel(entry.Name, entry, provider, entry.ModelId) { Keys = keys };
            byName.TryAdd(entry.Name, model);
            byModel.TryAdd(entry.Model, model);
            byBare.TryAdd(entry.ModelId, model);
            listed.Add(model);
            if (entry.IsDefault)
            {
                Default = model;
            }
        }

        // Registry models under wildcards, unless configured explicitly (explicit entries keep their own settings).
        foreach (var (prefix, (entry, provider, keys)) in wildcards)
        {
            foreach (var id in KnownModels.For(prefix))
            {
                var canonical = prefix + "/" + id;
                if (byModel.ContainsKey(canonical) || byName.ContainsKey(canonical))
                {
                    continue;
                }

                var model = new ResolvedModel(canonical, entry, provider, id) { Keys = keys };
                byModel.TryAdd(canonical, model);
                byBare.TryAdd(id, model);
                listed.Add(model);
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byModelString = byModel.ToFrozenDictionary(StringComparer.Ordinal);
        _byBareId = byBare.ToFrozenDictionary(StringComparer.Ordinal);
        _wildcards = wildcards.ToFrozenDictionary(StringComparer.Ordinal);
        _aliases = config.Aliases.ToFrozenDictionary(a => a.Alias, a => a.Target, StringComparer.Ordinal);
        Models = listed;
        Aliases = config.Aliases;
        KeyEntries = keyEntries;

        // Groups last: members resolve like any other name (but never to another group).
        var groups = new Dictionary<string, ModelGroup>(StringComparer.Ordinal);
        var groupList = new List<ModelGroup>();
        foreach (var g in config.Groups)
        {
            var members = new List<ResolvedModel>(g.Members.Count);
            foreach (var name in g.Members)
            {
                if (ResolveModel(name) is { ModelId: not "*" } m && !members.Exists(x => ReferenceEquals(x.Entry, m.Entry) && x.ModelId == m.ModelId))
                {
                    members.Add(m);
                }
            }

            // Unresolvable members and empty groups are reported by the validator.
            if (members.Count > 0 && !groups.ContainsKey(g.Name))
            {
                var group = new ModelGroup(g.Name, members, g.Strategy);
                groups.Add(g.Name, group);
                groupList.Add(group);
            }
        }

        _groups = groups.ToFrozenDictionary(StringComparer.Ordinal);
        Groups = groupList;

        // The hosted router is resolvable by name (the router client finds it like any router model) but is not
        // listed, and an entry the user named the same way wins.
        if (config.HostedRouter is { } hosted && !byName.ContainsKey(hosted.Name) && ProviderCatalog.For(hosted.Provider, hosted.ProviderInterface) is { } routerProvider)
        {
            HostedRouter = new ResolvedModel(hosted.Name, hosted, routerProvider, hosted.ModelId);
        }
    }

    /// <summary>
    /// The hosted Plano-Orchestrator (<see cref="Catalog.HostedRouter"/>) when the config uses it as its router
    /// model; null otherwise. Internal: not in <see cref="Models"/>, and clients cannot request it.
    /// </summary>
    public ResolvedModel? HostedRouter { get; }

    /// <summary>True for a model clients may not name (the hosted router).</summary>
    public bool IsInternal(ResolvedModel model) => ReferenceEquals(model, HostedRouter);

    /// <summary><see cref="ResolveName"/> without internal models: what clients and config references may name.</summary>
    public ResolvedModel? ResolvePublic(string name) => ResolveName(name) is { } model && !IsInternal(model) ? model : null;

    /// <summary>The default model (entry with <c>default: true</c>), or null.</summary>
    public ResolvedModel? Default { get; }

    /// <summary>Explicit models and registry models expanded from wildcards, in declaration order.</summary>
    public IReadOnlyList<ResolvedModel> Models { get; }

    /// <summary>The per-key entries of every key pool (<see cref="KeyPool.Entries"/>): endpoints of their own.</summary>
    public IReadOnlyList<ModelProviderConfig> KeyEntries { get; }

    /// <summary>Configured aliases.</summary>
    public IReadOnlyList<AliasConfig> Aliases { get; }

    /// <summary>Load-balanced groups, in declaration order.</summary>
    public IReadOnlyList<ModelGroup> Groups { get; }

    /// <summary>The group with this exact name, or null.</summary>
    public ModelGroup? Group(string name) => _groups.GetValueOrDefault(name);

    /// <summary>Wildcard entries (<c>provider/*</c>) by provider prefix.</summary>
    public IEnumerable<ModelProviderConfig> Wildcards => _wildcards.Values.Select(w => w.Entry);

    /// <summary>Builds the catalog for a validated config.</summary>
    public static ModelCatalog Build(GatewayConfig config) => new(config);

    /// <summary>Resolves what a client asked for; null or empty means "the default model".</summary>
    public Resolution Resolve(string? requested)
    {
        if (string.IsNullOrEmpty(requested))
        {
            return Default is null
                ? new Resolution(ResolutionStatus.NoModelAndNoDefault, null, null)
                : new Resolution(ResolutionStatus.Resolved, Default, null);
        }

        if (_aliases.TryGetValue(requested, out var target))
        {
            var viaAlias = ResolvePublic(target);
            return viaAlias is null
                ? new Resolution(ResolutionStatus.NotFound, null, requested)
                : new Resolution(ResolutionStatus.Resolved, viaAlias, requested);
        }

        var model = ResolvePublic(requested);
        return model is null ? new Resolution(ResolutionStatus.NotFound, null, null) : new Resolution(ResolutionStatus.Resolved, model, null);
    }

    /// <summary>
    /// Resolution without the alias hop (alias targets and fallbacks use it). A group name yields the group's
    /// <see cref="ModelGroup.StandIn"/>.
    /// </summary>
    public ResolvedModel? ResolveName(string name)
        => _groups.Count > 0 && _groups.TryGetValue(name, out var group) ? group.StandIn : ResolveModel(name);

    // Concrete models only (no groups).
    private ResolvedModel? ResolveModel(string name)
    {
        if (_byName.TryGetValue(name, out var model) || _byModelString.TryGetValue(name, out model) || _byBareId.TryGetValue(name, out model))
        {
            return model;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < name.Length - 1 && _wildcards.TryGetValue(name[..slash], out var wildcard))
        {
            var id = name[(slash + 1)..];
            return new ResolvedModel(name, wildcard.Entry, wildcard.Provider, id) { Keys = wildcard.Keys };
        }

        return HostedRouter is { } hosted && name == hosted.CanonicalName ? hosted : null;
    }

    /// <summary>
    /// Reference checks that need resolution: alias targets and fallbacks must resolve. Structural validation
    /// (ConfigValidator) runs first; this adds to its errors.
    /// </summary>
    public static IEnumerable<ConfigDiagnostic> ValidateReferences(GatewayConfig config)
    {
        var catalog = Build(config);
        foreach (var alias in config.Aliases)
        {
            if (catalog.ResolvePublic(alias.Target) is null)
            {
                yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, $"model_aliases.{alias.Alias}.target", alias.Line,
                    $"alias target '{alias.Target}' does not match any configured model");
            }
        }

        for (var i = 0; i < config.Providers.Count; i++)
        {
            var entry = config.Providers[i];
            for (var j = 0; j < entry.Fallbacks.Count; j++)
            {
                var name = entry.Fallbacks[j];
                var resolved = catalog.ResolvePublic(name);
                if (resolved is null)
                {
                    yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, $"model_providers[{i}].fallbacks[{j}]", entry.Line,
                        $"fallback '{name}' does not match any configured model");
                }
                else if (resolved.Group is { } group && group.Members.Any(m => ReferenceEquals(m.Entry, entry)))
                {
                    yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, $"model_providers[{i}].fallbacks[{j}]", entry.Line,
                        $"fallback '{name}' is a group this model belongs to (its other members are already tried in turn)");
                }
                else if (resolved.Group is null && ReferenceEquals(resolved.Entry, entry) && resolved.ModelId == entry.ModelId)
                {
                    yield return new ConfigDiagnostic(DiagnosticSeverity.Error, config.Source, $"model_providers[{i}].fallbacks[{j}]", entry.Line,
                        $"fallback '{name}' is the model itself");
                }
            }
        }

        foreach (var d in Routing.FallbackChains.Validate(config, catalog))
        {
            yield return d;
        }
    }
}
