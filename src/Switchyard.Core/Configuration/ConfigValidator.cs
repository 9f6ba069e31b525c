using Switchyard.Core.Catalog;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Semantic rules that run after reading: provider catalogue rules per entry, rules across entries (unique names,
/// one default, distinct listener endpoints) and, once providers are sound, reference resolution.
/// </summary>
internal static class ConfigValidator
{
    public static void ValidateListeners(ConfigReadContext ctx, IReadOnlyList<Located<ListenerConfig>> listeners)
    {
        var byEndpoint = new Dictionary<string, Located<ListenerConfig>>(StringComparer.OrdinalIgnoreCase);
        var byName = new Dictionary<string, Located<ListenerConfig>>(StringComparer.Ordinal);
        foreach (var located in listeners)
        {
            var l = located.Value;
            if (!byEndpoint.TryAdd($"{l.Address}:{l.Port}", located))
            {
                var first = byEndpoint[$"{l.Address}:{l.Port}"];
                ctx.Error(ConfigReadContext.Child(located.Path, "port"), located.LineOf("port"),
                    $"{l.Address}:{l.Port} is already used by listener '{first.Value.Name}' ({first.Path}, line {first.Line})");
            }

            if (!byName.TryAdd(l.Name, located))
            {
                var first = byName[l.Name];
                ctx.Error(ConfigReadContext.Child(located.Path, "name"), located.LineOf("name"),
                    $"listener name '{l.Name}' is already used ({first.Path}, line {first.Line})");
            }
        }
    }

    public static void ValidateProviders(ConfigReadContext ctx, IReadOnlyList<Located<ModelProviderConfig>> providers)
    {
        foreach (var entry in providers)
        {
            ValidateEntry(ctx, entry);
        }

        var byName = new Dictionary<string, Located<ModelProviderConfig>>(StringComparer.Ordinal);
        foreach (var entry in providers)
        {
            if (!byName.TryAdd(entry.Value.Name, entry))
            {
                var first = byName[entry.Value.Name];
                var key = entry.Has("name") ? "name" : "model";
                ctx.Error(ConfigReadContext.Child(entry.Path, key), entry.LineOf(key),
                    $"duplicate model name '{entry.Value.Name}': lines {first.Line} ({first.Path}) and {entry.Line} ({entry.Path}); give one a distinct 'name'");
            }
        }

        var defaults = providers.Where(p => p.Value.IsDefault).ToList();
        if (defaults.Count > 1)
        {
            var second = defaults[1];
            var all = string.Join(", ", defaults.Select(d => $"{d.Path} '{d.Value.Name}' (line {d.LineOf("default")})"));
            ctx.Error(ConfigReadContext.Child(second.Path, "default"), second.LineOf("default"),
                $"only one entry may set default: true; found {defaults.Count}: {all}");
        }
    }

    /// <summary>
    /// Alias targets and fallbacks must resolve. Paths and lines from ModelCatalog are rewritten to the section name
    /// actually used and to the line of the referencing value.
    /// </summary>
    public static void ValidateReferences(ConfigReadContext ctx, GatewayConfig config, string section, IReadOnlyDictionary<string, int> nodeLines)
    {
        foreach (var d in ModelCatalog.ValidateReferences(config))
        {
            var path = section != "model_providers" && d.Path.StartsWith("model_providers[", StringComparison.Ordinal)
                ? section + d.Path["model_providers".Length..]
                : d.Path;
            ctx.Add(d with { Path = path, Line = nodeLines.TryGetValue(path, out var line) ? line : d.Line });
        }
    }

    private static void ValidateEntry(ConfigReadContext ctx, Located<ModelProviderConfig> located)
    {
        var e = located.Value;
        string P(string key) => ConfigReadContext.Child(located.Path, key);

        if (e.IsWildcard && e.IsDefault)
        {
            ctx.Error(P("default"), located.LineOf("default"),
                $"a wildcard entry ('{e.Model}') cannot be the default; mark a concrete model default: true");
        }

        if (e.IsWildcard && located.Has("fallbacks"))
        {
            ctx.Error(P("fallbacks"), located.LineOf("fallbacks"),
                $"fallbacks cannot be set on a wildcard entry ('{e.Model}'); declare the model explicitly and give it fallbacks");
        }

        if (e.IsWildcard && located.Has("context_window_fallbacks"))
        {
            ctx.Error(P("context_window_fallbacks"), located.LineOf("context_window_fallbacks"),
                $"context_window_fallbacks cannot be set on a wildcard entry ('{e.Model}'); declare the model explicitly and give it fallbacks");
        }

        if (ProviderCatalog.TryGet(e.Provider, out var known))
        {
            if (e.ProviderInterface is not null)
            {
                ctx.Error(P("provider_interface"), located.LineOf("provider_interface"),
                    $"'{e.Provider}' is a known provider; remove provider_interface");
            }

            if (known.RequiresBaseUrl && e.BaseUrl is null)
            {
                ctx.Error(P("base_url"), located.Line, $"provider '{e.Provider}' requires base_url (its host is per deployment)");
            }
        }
        else
        {
            var hint = KeySuggester.Hint(e.Provider, ProviderCatalog.Known.Select(k => k.Prefix));
            if (e.ProviderInterface is null)
            {
                ctx.Error(P("provider_interface"), located.Line,
                    $"unknown provider '{e.Provider}'{hint}: an OpenAI-compatible server needs provider_interface: openai and base_url");
            }
            else if (!ProviderCatalog.SupportedInterfaces.Contains(e.ProviderInterface))
            {
                ctx.Error(P("provider_interface"), located.LineOf("provider_interface"),
                    $"'{e.ProviderInterface}' is not a supported provider_interface; use one of: {string.Join(", ", ProviderCatalog.SupportedInterfaces)}");
            }

            if (e.BaseUrl is null)
            {
                ctx.Error(P("base_url"), located.Line, $"unknown provider '{e.Provider}'{hint} requires base_url");
            }
        }

        if (e.BaseUrl is not null
            && (!Uri.TryCreate(e.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            ctx.Error(P("base_url"), located.LineOf("base_url"), $"'{Redaction.Url(e.BaseUrl)}' must be an absolute http:// or https:// URL");
        }

        ValidateVendorKeys(ctx, located, P);

        if (!e.PassthroughAuth && ProviderCatalog.For(e.Provider, e.ProviderInterface) is { RequiresCredential: true } needsKey && !needsKey.HasCredential(e))
        {
            ctx.Warning(P("access_key"), located.Line,
                $"'{e.Model}' has no access_key and no passthrough_auth; provider '{e.Provider}' needs a credential, so its requests will fail until one is set");
        }

        if (e.PassthroughAuth && e.AccessKey is not null)
        {
            ctx.Warning(P("access_key"), located.LineOf("access_key"),
                "access_key is ignored because passthrough_auth: true forwards the client's Authorization header");
        }
    }

    // Keys that belong to one vendor are accepted only there; the vendor checks the rest of its own rules.
    private static void ValidateVendorKeys(ConfigReadContext ctx, Located<ModelProviderConfig> located, Func<string, string> p)
    {
        var e = located.Value;
        var provider = ProviderCatalog.For(e.Provider, e.ProviderInterface);
        foreach (var (key, owners) in VendorKeyOwners)
        {
            if (located.Has(key) && (provider is null || !provider.EntryKeys.Contains(key)))
            {
                ctx.Error(p(key), located.LineOf(key), $"{key} applies only to {owners} entries");
            }
        }

        if (provider is null)
        {
            return;
        }

        foreach (var (key, message) in provider.ValidateEntry(e))
        {
            ctx.Error(p(key), located.Has(key) ? located.LineOf(key) : located.Line, message);
        }
    }

    private static readonly (string Key, string Owners)[] VendorKeyOwners = ProviderCatalog.Known
        .SelectMany(v => v.EntryKeys.Select(k => (Key: k, v.Prefix)))
        .GroupBy(x => x.Key, StringComparer.Ordinal)
        .Select(g => (g.Key, string.Join(", ", g.Select(x => x.Prefix))))
        .ToArray();
}
