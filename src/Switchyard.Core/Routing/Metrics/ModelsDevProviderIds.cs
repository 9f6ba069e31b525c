namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// QUIRK of the models.dev catalog: its provider ids are not always Switchyard's provider prefixes
/// (<c>gemini/gemini-2.5-flash</c> is priced under <c>google/gemini-2.5-flash</c>). This table maps the prefixes
/// that differ; every other prefix is used as it is. <c>model_aliases</c> remains the way to map anything else.
/// </summary>
internal static class ModelsDevProviderIds
{
    /// <summary>The models.dev provider id for a Switchyard provider prefix.</summary>
    public static string For(string prefix) => prefix switch
    {
        "gemini" => "google",
        "vertex" => "google-vertex",
        "amazon_bedrock" => "amazon-bedrock",
        "azure_openai" => "azure",
        "together_ai" => "togetherai",
        "zhipu" => "zhipuai",
        "qwen" => "alibaba",
        _ => prefix,
    };
}
