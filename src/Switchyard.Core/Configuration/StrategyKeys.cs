using System.Globalization;
using Switchyard.Core.Catalog;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// The per-entry keys group strategies read — <c>priority</c> (an integer, lower first) and <c>weight</c> (a positive
/// number) — and the check that each one set takes effect: a key on an entry that is in no group of the matching
/// strategy draws a warning naming it.
/// </summary>
internal static class StrategyKeys
{
    public static int? Priority(ConfigReadContext ctx, YamlNode node, string path)
        => ctx.Int(node, path, int.MinValue + 1, int.MaxValue);

    public static double? Weight(ConfigReadContext ctx, YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            if (value <= 0)
            {
                ctx.Error(path, node, $"must be a positive number, got {text}");
                return null;
            }

            return value;
        }

        ctx.Error(path, node, $"must be a positive number, got {(node is YamlScalarNode s ? $"'{s.Value}'" : ConfigReadContext.KindName(node))}");
        return null;
    }

    /// <summary>
    /// Warns for each entry whose <c>priority</c> or <c>weight</c> no group uses: the entry is in no group, or in
    /// none whose strategy reads that key (priority: <c>priority</c>; weight: <c>weighted</c> and its other names).
    /// <paramref name="where"/> gives the path and line of key <c>priority</c>/<c>weight</c> of provider entry i as written.
    /// </summary>
    public static void CheckUse(ConfigReadContext ctx, GatewayConfig config, Func<int, string, (string Path, int Line)> where)
    {
        if (!config.Providers.Any(p => p.Priority is not null || p.Weight is not null))
        {
            return;
        }

        var catalog = ModelCatalog.Build(config);
        for (var i = 0; i < config.Providers.Count; i++)
        {
            var entry = config.Providers[i];
            if (entry.Priority is null && entry.Weight is null)
            {
                continue;
            }

            var byPriority = false;
            var byWeight = false;
            var groups = new List<string>();
            foreach (var group in catalog.Groups)
            {
                if (!group.Members.Any(m => ReferenceEquals(m.Entry, entry)))
                {
                    continue;
                }

                groups.Add($"'{group.Name}' ({group.Strategy})");
                byPriority |= group.Kind == GroupStrategy.Priority;
                byWeight |= group.Kind == GroupStrategy.Weighted;
            }

            var member = groups.Count == 0 ? "it is in no group" : $"its group{(groups.Count == 1 ? "" : "s")} {string.Join(", ", groups)} use{(groups.Count == 1 ? "s" : "")} another strategy";
            if (entry.Priority is not null && !byPriority)
            {
                var (path, line) = where(i, "priority");
                ctx.Warning(path, line,
                    $"'priority' of '{entry.Name}' is not used: {member}; it orders members of a group with strategy priority");
            }

            if (entry.Weight is not null && !byWeight)
            {
                var (path, line) = where(i, "weight");
                ctx.Warning(path, line,
                    $"'weight' of '{entry.Name}' is not used: {member}; it shares traffic in a group with strategy weighted (or simple-shuffle, random, weighted-round-robin)");
            }
        }
    }
}
