using Switchyard.Core.Configuration;

namespace Switchyard.Core.Providers.AmazonBedrock;

/// <summary>
/// Amazon Bedrock: Converse / ConverseStream at <c>/model/{id}/converse[-stream]</c>. Auth is a Bedrock API key as a
/// bearer token (<c>access_key</c>, e.g. <c>$AWS_BEARER_TOKEN_BEDROCK</c>) or SigV4 from <c>aws_access_key_id</c>,
/// <c>aws_secret_access_key</c>, optional <c>aws_session_token</c> and the region (<c>region</c>, or the one in
/// the base_url host <c>bedrock-runtime.{region}.amazonaws.com</c>).
/// </summary>
internal sealed class AmazonBedrockProvider : ProviderDefinition
{
    public override string Prefix => "amazon_bedrock";
    public override Uri? DefaultBaseUrl => null;
    public override string DefaultPathPrefix => "";
    public override string? ApiKeyEnvironmentVariable => "AWS_BEARER_TOKEN_BEDROCK";
    public override IReadOnlyList<UpstreamProtocol> Protocols { get; } = [UpstreamProtocol.BedrockConverse];

    public override string BuildPath(UpstreamProtocol protocol, string pathPrefix, string modelId, bool stream, ModelProviderConfig entry)
        => pathPrefix + "/model/" + Uri.EscapeDataString(modelId) + (stream ? "/converse-stream" : "/converse");

    public override IReadOnlyList<string> EntryKeys { get; } = ["region", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

    public override IEnumerable<(string Key, string Message)> ValidateEntry(ModelProviderConfig entry)
    {
        if (entry.AwsAccessKeyId is null && entry.AwsSecretAccessKey is null)
        {
            yield break;
        }

        if (entry.AwsAccessKeyId is null || entry.AwsSecretAccessKey is null)
        {
            yield return (entry.AwsAccessKeyId is null ? "aws_access_key_id" : "aws_secret_access_key", "SigV4 needs both aws_access_key_id and aws_secret_access_key");
        }

        if (RegionOf(entry) is null)
        {
            yield return ("region", "SigV4 needs the AWS region: set region, or use a base_url like https://bedrock-runtime.<region>.amazonaws.com");
        }
    }

    public override bool HasCredential(ModelProviderConfig entry)
        => !string.IsNullOrEmpty(entry.AccessKey) || (!string.IsNullOrEmpty(entry.AwsAccessKeyId) && !string.IsNullOrEmpty(entry.AwsSecretAccessKey));

    public override void Authenticate(HttpRequestMessage message, UpstreamProtocol protocol, string? credential, UpstreamBody? body, ModelProviderConfig entry)
    {
        // A Bedrock API key (or the caller's own token) is a bearer credential; otherwise sign with SigV4.
        if (!string.IsNullOrEmpty(credential) || string.IsNullOrEmpty(entry.AwsAccessKeyId) || string.IsNullOrEmpty(entry.AwsSecretAccessKey))
        {
            base.Authenticate(message, protocol, credential, body, entry);
            return;
        }

        var region = RegionOf(entry) ?? throw new InvalidOperationException("validated config has no Bedrock region");
        SigV4Signer.Sign(message, body is null ? default : body.Contiguous().Span, entry.AwsAccessKeyId, entry.AwsSecretAccessKey, entry.AwsSessionToken, region, "bedrock", DateTimeOffset.UtcNow);
    }

    /// <summary>The Bedrock runtime endpoint of a region (configs that name a region instead of a base_url).</summary>
    public static string EndpointFor(string region) => $"https://bedrock-runtime.{region}.amazonaws.com";

    /// <summary>The region for signing: configured, or read from the Bedrock runtime host name.</summary>
    public static string? RegionOf(ModelProviderConfig entry)
    {
        if (!string.IsNullOrEmpty(entry.Region))
        {
            return entry.Region;
        }

        if (entry.BaseUrl is null || !Uri.TryCreate(entry.BaseUrl, UriKind.Absolute, out var uri))
        {
            return null;
        }

        // bedrock-runtime.us-east-1.amazonaws.com, bedrock-runtime-fips.us-east-1.amazonaws.com
        var labels = uri.Host.Split('.');
        return labels.Length >= 4 && labels[0].StartsWith("bedrock-runtime", StringComparison.Ordinal) ? labels[1] : null;
    }
}
