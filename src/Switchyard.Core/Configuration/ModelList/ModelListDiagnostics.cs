using System.Text.RegularExpressions;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// Runs the generic provider-entry rules (ConfigValidator, vendor rules) over model_list entries and reports their
/// findings in the words of the file: <c>litellm_params.api_base</c> rather than <c>base_url</c>, at the line of the
/// key the user wrote.
/// </summary>
internal static partial class ModelListDiagnostics
{
    // Switchyard key → LiteLLM key, for keys the entry did not write (e.g. a missing api_base).
    private static readonly Dictionary<string, string> LiteLLMKeys = new(StringComparer.Ordinal)
    {
        ["base_url"] = "api_base",
        ["access_key"] = "api_key",
        ["region"] = "aws_region_name",
        ["project"] = "vertex_project",
        ["location"] = "vertex_location",
        ["provider_interface"] = "model",
    };

    private static readonly (string From, string To)[] Wording =
    [
        ("base_url", "api_base"),
        ("access_key", "api_key"),
        (" and no passthrough_auth", ""),
        ("give one a distinct 'name'", "give one a distinct model_info.id"),
    ];

    public static void ValidateEntries(ConfigReadContext ctx, IReadOnlyList<ModelListEntry> entries)
    {
        var scratch = new ConfigReadContext(ctx.Source);
        ConfigValidator.ValidateProviders(scratch, entries.Select(e => e.Located()).ToList());
        foreach (var d in scratch.Diagnostics)
        {
            ctx.Add(Translate(d, entries));
        }
    }

    private static ConfigDiagnostic Translate(ConfigDiagnostic d, IReadOnlyList<ModelListEntry> entries)
    {
        var entry = entries.FirstOrDefault(e => d.Path.StartsWith(e.ParamsPath + ".", StringComparison.Ordinal));
        if (entry is null)
        {
            return d;
        }

        var key = d.Path[(entry.ParamsPath.Length + 1)..];
        var path = key == "name"
            ? ConfigReadContext.Child(entry.Path, entry.DeploymentId is null ? "model_name" : "model_info.id")
            : ConfigReadContext.Child(entry.ParamsPath, entry.WrittenKeys.GetValueOrDefault(key) ?? LiteLLMKeys.GetValueOrDefault(key) ?? key);

        var message = ParamsInPath().Replace(d.Message, "$1");
        foreach (var (from, to) in Wording)
        {
            message = message.Replace(from, to, StringComparison.Ordinal);
        }

        // Bedrock is reached by region in LiteLLM; say so instead of asking for a host.
        if (key == "base_url" && entry.Config.Provider == "amazon_bedrock" && entry.Config.BaseUrl is null)
        {
            path = ConfigReadContext.Child(entry.ParamsPath, "aws_region_name");
            message = "bedrock models need aws_region_name (or api_base, the bedrock-runtime endpoint)";
        }

        return d with { Path = path, Message = message };
    }

    // "(model_list[0].litellm_params, line 3)" → "(model_list[0], line 3)": entries are named by their item.
    [GeneratedRegex(@"(model_list\[\d+\])\.(?:litellm_params|params)\b")]
    private static partial Regex ParamsInPath();
}
