using Switchyard.Core.Catalog;
using Switchyard.Core.Providers;

namespace Switchyard.Cli;

/// <summary>The resolved model table: what each name a client may send turns into upstream.</summary>
public static class ModelTable
{
    public static void Write(TextWriter output, ModelCatalog catalog)
    {
        var rows = new List<string[]> { new[] { "NAME", "PROVIDER", "UPSTREAM MODEL", "ENDPOINT", "NOTES" } };
        foreach (var m in catalog.Models)
        {
            var notes = new List<string>();
            if (ReferenceEquals(m, catalog.Default))
            {
                notes.Add("default");
            }

            if (m.Entry.IsWildcard)
            {
                notes.Add("via " + m.Entry.Model);
            }

            if (m.Keys is { } keys)
            {
                notes.Add($"{keys.Entries.Count} keys");
            }

            if (m.Entry.Fallbacks.Count > 0)
            {
                notes.Add("fallbacks: " + string.Join(" > ", m.Entry.Fallbacks));
            }

            if (m.Entry.ContextWindowFallbacks.Count > 0)
            {
                notes.Add("context-window fallbacks: " + string.Join(" > ", m.Entry.ContextWindowFallbacks));
            }

            rows.Add([m.CanonicalName, m.Provider.Prefix, m.ModelId, Endpoint(m), string.Join("; ", notes)]);
        }

        foreach (var g in catalog.Groups)
        {
            rows.Add([g.Name, "(group)", "", "", $"{g.Strategy} over {string.Join(", ", g.Members.Select(m => m.CanonicalName))}"]);
        }

        foreach (var w in catalog.Wildcards)
        {
            rows.Add([w.Model, w.Provider, "(any)", "", "matches any " + w.Provider + "/<model> at request time"]);
        }

        foreach (var a in catalog.Aliases)
        {
            var target = catalog.ResolveName(a.Target);
            rows.Add([a.Alias, target?.Provider.Prefix ?? "?", target?.ModelId ?? "?", "", "alias of " + a.Target]);
        }

        var widths = new int[5];
        foreach (var r in rows)
        {
            for (var i = 0; i < r.Length; i++)
            {
                widths[i] = Math.Max(widths[i], r[i].Length);
            }
        }

        foreach (var r in rows)
        {
            output.WriteLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Endpoint(ResolvedModel m)
        => m.Provider.Protocols.Contains(UpstreamProtocol.OpenAIChat) ? m.ChatCompletionsUri.ToString() : $"({m.Provider.Protocols[0]}: not yet supported)";
}
