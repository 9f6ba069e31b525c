using Switchyard.Core.Catalog;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// Turns read model_list entries, router settings and aliases into the dialect-neutral config: entry names
/// (<c>model_name</c>, or <c>model_name#k</c> / <c>model_info.id</c> inside a group), one group per shared
/// <c>model_name</c>, fallbacks on the entries, aliases (a multi-model alias is a group), then the reference checks.
/// </summary>
internal static class ModelListAssembler
{
    public static GatewayConfig? Assemble(ConfigReadContext ctx, IReadOnlyList<ModelListEntry> read, ModelListRouting routing,
        IReadOnlyList<AliasSpec> aliasSpecs, IReadOnlyList<Located<ListenerConfig>> listeners)
    {
        var entries = read.Where(e => e.Enabled).ToList();
        var byName = NameEntries(ctx, entries);
        ApplyFallbacks(ctx, byName, routing);
        ctx.MapEnvReferencePaths(NativePaths(entries));

        var errorsBefore = ctx.ErrorCount;
        ModelListDiagnostics.ValidateEntries(ctx, entries);
        var sound = ctx.ErrorCount == errorsBefore;

        var groups = byName.Where(kv => kv.Value.Count > 1)
            .Select(kv => Group(kv.Key, kv.Value.Select(e => e.Config.Name).ToList(), routing.Strategy, ConfigReadContext.Child(kv.Value[0].Path, "model_name"), kv.Value[0].ModelNameLine))
            .ToList();
        var config = new GatewayConfig
        {
            Source = ctx.Source,
            Dialect = ModelListConfigReader.Dialect,
            Listeners = listeners.Select(l => l.Value).ToList(),
            Providers = entries.Select(e => ModelListResilienceReader.Apply(e.Config, routing)).ToList(),
            Aliases = [],
            CircuitBreaker = routing.CircuitBreaker,
            Groups = groups.ConvertAll(g => g.Value),
            Sections = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(),
        };

        // Resolution over broken entries would only add noise to the real errors.
        if (!sound)
        {
            return null;
        }

        var (aliases, aliasGroups) = BuildAliases(ctx, aliasSpecs, ModelCatalog.Build(config), config, routing.Strategy);
        groups.AddRange(aliasGroups);
        config = config with { Aliases = aliases, Groups = groups.ConvertAll(g => g.Value) };
        CheckFallbackTargets(ctx, ModelCatalog.Build(config), routing, aliasSpecs);
        ModelGroupReader.Validate(ctx, config, groups, static (g, _) => g.Path);
        StrategyKeys.CheckUse(ctx, config, (i, key) => entries[i].StrategyKeyAt.TryGetValue(key, out var at) ? at : (entries[i].Path, entries[i].Line));
        return ctx.ErrorCount == 0 ? config : null;
    }

    // One model_name with one entry names that entry; several form a group whose members are model_name#k (1-based) or
    // their model_info.id.
    private static Dictionary<string, List<ModelListEntry>> NameEntries(ConfigReadContext ctx, List<ModelListEntry> entries)
    {
        var byName = new Dictionary<string, List<ModelListEntry>>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            (byName.TryGetValue(e.ModelName, out var list) ? list : byName[e.ModelName] = []).Add(e);
        }

        foreach (var (modelName, list) in byName)
        {
            for (var k = 0; k < list.Count; k++)
            {
                var e = list[k];
                var single = list.Count == 1;
                e.Config = e.Config with { Name = single ? modelName : e.DeploymentId ?? $"{modelName}#{k + 1}" };
                e.KeyLines["name"] = single || e.DeploymentId is null ? e.ModelNameLine : e.DeploymentIdLine;
                if (!single && e.Config.IsWildcard)
                {
                    ctx.Error(ConfigReadContext.Child(e.ParamsPath, "model"), e.KeyLines["model"],
                        $"a wildcard ('{e.Config.Model}') cannot share its model_name '{modelName}' with other entries");
                }
            }
        }

        return byName;
    }

    // fallbacks, then content_policy_fallbacks (served as ordinary ones, with a warning at read); default_fallbacks where
    // none is set. context_window_fallbacks form their own chain (ModelProviderConfig.ContextWindowFallbacks). A cycle
    // among the written rules is an error; default_fallbacks never close one (a default that leads back is left out).
    private static void ApplyFallbacks(ConfigReadContext ctx, Dictionary<string, List<ModelListEntry>> byName, ModelListRouting routing)
    {
        var chains = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var windowChains = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var edges = new Dictionary<string, List<(string To, string Path, int Line)>>(StringComparer.Ordinal);
        var windowEdges = new Dictionary<string, List<(string To, string Path, int Line)>>(StringComparer.Ordinal);
        foreach (var rule in routing.Fallbacks.OrderBy(r => r.Kind))
        {
            if (!byName.TryGetValue(rule.Model, out var list))
            {
                ctx.Error(rule.Path, rule.Line, $"'{rule.Model}' is not a model_name in model_list{KeySuggester.Hint(rule.Model, byName.Keys)}");
                continue;
            }

            if (list[0].Config.IsWildcard)
            {
                ctx.Error(rule.Path, rule.Line, $"fallbacks cannot be set on a wildcard model ('{list[0].Config.Model}')");
                continue;
            }

            var window = rule.Kind == FallbackKind.ContextWindow;
            var all = window ? windowChains : chains;
            var chain = all.TryGetValue(rule.Model, out var c) ? c : all[rule.Model] = [];
            foreach (var target in rule.Targets)
            {
                if (target.Name == rule.Model)
                {
                    ctx.Error(target.Path, target.Line, $"'{rule.Model}' falls back to itself");
                }
                else if (!chain.Contains(target.Name))
                {
                    chain.Add(target.Name);
                    var e = window ? windowEdges : edges;
                    (e.TryGetValue(rule.Model, out var l) ? l : e[rule.Model] = []).Add((target.Name, target.Path, target.Line));
                }
            }
        }

        foreach (var (key, graph) in new[] { ("fallbacks", edges), ("context_window_fallbacks", windowEdges) })
        {
            foreach (var (cycle, path, line) in Routing.FallbackChains.Cycles(graph))
            {
                ctx.Error(path, line, $"{key} form a cycle: {string.Join(" → ", cycle)}; a chain must end (remove one of these fallbacks)");
            }
        }

        var withOwnRule = routing.Fallbacks.Where(r => r.Kind == FallbackKind.Error).Select(r => r.Model).ToHashSet(StringComparer.Ordinal);
        foreach (var (modelName, list) in byName)
        {
            var chain = chains.GetValueOrDefault(modelName) ?? [];
            if (!withOwnRule.Contains(modelName) && !list[0].Config.IsWildcard)
            {
                var defaults = routing.DefaultFallbacks.Select(d => d.Name).Where(n => n != modelName && !chain.Contains(n) && !Reaches(chains, n, modelName)).Distinct().ToList();
                chain.InsertRange(0, defaults);
                chains[modelName] = chain;
            }

            var windowChain = windowChains.GetValueOrDefault(modelName) ?? [];
            if (chain.Count == 0 && windowChain.Count == 0)
            {
                continue;
            }

            foreach (var e in list)
            {
                e.Config = e.Config with { Fallbacks = chain, ContextWindowFallbacks = windowChain };
            }
        }
    }

    // True when 'to' can be reached from 'from' along the chains so far.
    private static bool Reaches(Dictionary<string, List<string>> chains, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var n))
        {
            if (n == to)
            {
                return true;
            }

            foreach (var next in chains.GetValueOrDefault(n) ?? [])
            {
                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return false;
    }

    private static (List<AliasConfig>, List<Located<ModelGroupConfig>>) BuildAliases(ConfigReadContext ctx, IReadOnlyList<AliasSpec> specs,
        ModelCatalog catalog, GatewayConfig config, string strategy)
    {
        var aliases = new List<AliasConfig>();
        var groups = new List<Located<ModelGroupConfig>>();
        var names = config.Providers.Select(p => p.Name).Concat(config.Groups.Select(g => g.Name)).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, AliasSpec>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (names.Contains(spec.Name))
            {
                ctx.Error(spec.Path, spec.Line, $"alias '{spec.Name}' is also a model name; names must be unique");
                continue;
            }

            if (!seen.TryAdd(spec.Name, spec))
            {
                ctx.Error(spec.Path, spec.Line, $"alias '{spec.Name}' is already defined at {seen[spec.Name].Path} (line {seen[spec.Name].Line})");
                continue;
            }

            var members = new List<string>();
            var resolved = true;
            foreach (var target in spec.Targets)
            {
                switch (catalog.ResolveName(target.Name))
                {
                    case null:
                        ctx.Error(target.Path, target.Line, $"alias target '{target.Name}' does not match any model_name{KeySuggester.Hint(target.Name, names)}");
                        resolved = false;
                        break;
                    case { Group: { } group }:
                        members.AddRange(group.Members.Select(m => m.CanonicalName).Where(m => !members.Contains(m)));
                        break;
                    case var model when !members.Contains(model.CanonicalName):
                        members.Add(model.CanonicalName);
                        break;
                }
            }

            if (!resolved)
            {
                continue;
            }

            // One target (a model or a group) is a plain alias; several are a group of their own.
            if (spec.Targets.Select(t => t.Name).Distinct().Count() == 1)
            {
                aliases.Add(new AliasConfig(spec.Name, spec.Targets[0].Name, spec.Line));
            }
            else
            {
                groups.Add(Group(spec.Name, members, strategy, spec.Path, spec.Line));
            }
        }

        return (aliases, groups);
    }

    private static void CheckFallbackTargets(ConfigReadContext ctx, ModelCatalog catalog, ModelListRouting routing, IReadOnlyList<AliasSpec> aliases)
    {
        var aliasNames = aliases.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var target in routing.Fallbacks.SelectMany(r => r.Targets).Concat(routing.DefaultFallbacks))
        {
            if (catalog.ResolveName(target.Name) is null)
            {
                ctx.Error(target.Path, target.Line, aliasNames.Contains(target.Name)
                    ? $"fallback '{target.Name}' is an alias of one model; name that model instead"
                    : $"fallback '{target.Name}' does not match any model_name");
            }
        }
    }

    // Secrets recorded at model_list paths move to where `switchyard migrate` writes the same values, so it writes the
    // reference there instead of the secret.
    private static Func<string, string?> NativePaths(List<ModelListEntry> entries)
    {
        var exact = new Dictionary<string, string>(StringComparer.Ordinal);
        var headerBlocks = new List<(string From, string To)>();
        for (var k = 0; k < entries.Count; k++)
        {
            var e = entries[k];
            var native = ConfigReadContext.Index("model_providers", k);
            var headers = ConfigReadContext.Child(native, "headers");
            foreach (var (key, written) in e.WrittenKeys.Where(w => w.Key != "headers"))
            {
                exact[ConfigReadContext.Child(e.ParamsPath, written)] = ConfigReadContext.Child(native, key);
            }

            exact[ConfigReadContext.Child(e.ParamsPath, "organization")] = ConfigReadContext.Child(headers, "OpenAI-Organization");
            foreach (var limit in (string[])["rpm", "tpm"])
            {
                var to = ConfigReadContext.Child(ConfigReadContext.Child(native, RateLimitsReader.EntryLimits), limit);
                exact[ConfigReadContext.Child(e.Path, limit)] = to;
                exact[ConfigReadContext.Child(e.ParamsPath, limit)] = to;
            }

            if (e.Config.AccessKeys.Count > 0 && e.WrittenKeys.TryGetValue("access_key", out var keyWritten))
            {
                // A key pool is written as access_keys: the key itself first, then the VAR_n keys recorded at api_key[j].
                var keyPath = ConfigReadContext.Child(e.ParamsPath, keyWritten);
                var keysPath = ConfigReadContext.Child(native, "access_keys");
                exact[keyPath] = ConfigReadContext.Index(keysPath, 0);
                for (var j = 0; j < e.Config.AccessKeys.Count; j++)
                {
                    exact[ConfigReadContext.Index(keyPath, j)] = ConfigReadContext.Index(keysPath, j);
                }
            }

            headerBlocks.Add((ConfigReadContext.Child(e.ParamsPath, "extra_headers") + ".", headers + "."));
            headerBlocks.Add((ConfigReadContext.Child(e.ParamsPath, "headers") + ".", headers + "."));
        }

        return path =>
        {
            if (exact.TryGetValue(path, out var to))
            {
                return to;
            }

            foreach (var (from, block) in headerBlocks)
            {
                if (path.StartsWith(from, StringComparison.Ordinal))
                {
                    return block + path[from.Length..];
                }
            }

            return null;
        };
    }

    private static Located<ModelGroupConfig> Group(string name, List<string> members, string strategy, string path, int line)
        => new(new ModelGroupConfig(name, members, strategy, line), path, line, new Dictionary<string, int>());
}
