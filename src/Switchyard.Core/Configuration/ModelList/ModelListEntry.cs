namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// One <c>model_list</c> item as read: the provider entry (still without its final <see cref="ModelProviderConfig.Name"/>)
/// and where each of its values was written, so later rules can report at the LiteLLM key the user wrote.
/// </summary>
internal sealed class ModelListEntry
{
    /// <summary>The public name (<c>model_name</c>).</summary>
    public required string ModelName { get; init; }

    public required int ModelNameLine { get; init; }

    /// <summary>Config path of the item, e.g. <c>model_list[2]</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Config path of its parameter block: <c>model_list[2].litellm_params</c> (or <c>.params</c>, PLLM).</summary>
    public required string ParamsPath { get; init; }

    /// <summary>The entry in Switchyard terms; <see cref="ModelProviderConfig.Name"/> is set when groups are known.</summary>
    public required ModelProviderConfig Config { get; set; }

    /// <summary>Line of each value by Switchyard key (<c>base_url</c> → line of <c>api_base</c>), for the validator.</summary>
    public required Dictionary<string, int> KeyLines { get; init; }

    /// <summary>The key the user wrote for each Switchyard key (<c>base_url</c> → <c>api_base</c>).</summary>
    public required Dictionary<string, string> WrittenKeys { get; init; }

    /// <summary><c>model_info.id</c>: the deployment's own name inside a group, or null.</summary>
    public string? DeploymentId { get; init; }

    public int DeploymentIdLine { get; init; }

    /// <summary>PLLM <c>enabled: false</c> leaves the entry out.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>1-based line of the item.</summary>
    public required int Line { get; init; }

    /// <summary>Line of the parameter block's key: where a missing parameter is reported.</summary>
    public required int ParamsLine { get; init; }

    /// <summary>
    /// Where the group-strategy keys were written, by Switchyard key (<c>priority</c> → <c>model_list[2].priority</c>
    /// or <c>model_list[2].litellm_params.order</c>), for the "not used" warnings.
    /// </summary>
    public Dictionary<string, (string Path, int Line)> StrategyKeyAt { get; } = new(StringComparer.Ordinal);

    /// <summary>The located entry the generic validator checks (paths under the parameter block).</summary>
    public Located<ModelProviderConfig> Located() => new(Config, ParamsPath, ParamsLine, KeyLines);
}
