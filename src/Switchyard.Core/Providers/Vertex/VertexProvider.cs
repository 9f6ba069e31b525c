using Switchyard.Core.Configuration;
using Switchyard.Core.Providers.Gemini;

namespace Switchyard.Core.Providers.Vertex;

/// <summary>
/// Gemini on Vertex AI: the native Gemini protocol under
/// <c>/v1/projects/{project}/locations/{location}/publishers/google</c>, authenticated with an OAuth bearer token
/// (<c>access_key</c>, e.g. from <c>gcloud auth print-access-token</c>). The host follows the location
/// (<c>{location}-aiplatform.googleapis.com</c>, or <c>aiplatform.googleapis.com</c> for <c>global</c>).
/// </summary>
internal sealed class VertexProvider : ProviderDefinition
{
    public override string Prefix => "vertex";
    public override Uri? DefaultBaseUrl => null;
    public override bool RequiresBaseUrl => false;
    public override string DefaultPathPrefix => "/v1";
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } = [UpstreamProtocol.Gemini];

    public override IReadOnlyList<string> EntryKeys { get; } = ["project", "location"];

    public override IEnumerable<(string Key, string Message)> ValidateEntry(ModelProviderConfig entry)
    {
        if (entry.Project is null)
        {
            yield return ("project", "vertex entries need project (the Google Cloud project id)");
        }

        if (entry.Location is null)
        {
            yield return ("location", "vertex entries need location (e.g. us-central1, or global)");
        }
    }

    protected override Uri? DefaultOriginFor(ModelProviderConfig entry)
        => entry.Location is null ? null
            : new Uri(entry.Location == "global" ? "https://aiplatform.googleapis.com/" : $"https://{entry.Location}-aiplatform.googleapis.com/");

    public override string BuildPath(UpstreamProtocol protocol, string pathPrefix, string modelId, bool stream, ModelProviderConfig entry)
        => GeminiPaths.Model($"{pathPrefix}/projects/{entry.Project}/locations/{entry.Location}/publishers/google", modelId, stream);
}
