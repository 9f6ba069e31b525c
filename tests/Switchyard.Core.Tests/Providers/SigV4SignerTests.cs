using System.Net.Http.Headers;
using Switchyard.Core.Providers.AmazonBedrock;

namespace Switchyard.Core.Tests.Providers;

/// <summary>
/// Expected strings are AWS's published SigV4 test-suite values (aws4_testsuite 2015-08-30, the copy in
/// awslabs/aws-c-auth tests/aws-signing-test-suite/v4 for the session-token case, and the IAM ListUsers worked
/// example of the SigV4 documentation), all with the documentation credentials below.
/// </summary>
public sealed class SigV4SignerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_GetVanilla_PublishedAuthorization()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], AccessKey, SecretKey, null, "us-east-1", "service", SuiteTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            Single(request, "Authorization"));
        Assert.Equal("20150830T123600Z", Single(request, "X-Amz-Date"));
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
    }

    [Fact]
    public void Sign_GetVanillaQueryOrderKeyCase_QuerySortedPublishedSignature()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/?Param2=value2&Param1=value1");

        SigV4Signer.Sign(request, [], AccessKey, SecretKey, null, "us-east-1", "service", SuiteTime);

        Assert.EndsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", Single(request, "Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_PostXWwwFormUrlencoded_SignsContentTypeAndBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        var body = "Param1=value1"u8.ToArray();
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        SigV4Signer.Sign(request, body, AccessKey, SecretKey, null, "us-east-1", "service", SuiteTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            Single(request, "Authorization"));
    }

    [Fact]
    public void Sign_GetVanillaWithSessionToken_TokenHeaderSetAndSigned()
    {
        const string token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], AccessKey, SecretKey, token, "us-east-1", "service", SuiteTime);

        Assert.Equal(token, Single(request, "X-Amz-Security-Token"));
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
            Single(request, "Authorization"));
    }

    [Fact]
    public void Compute_IamListUsersDocumentationExample_PublishedIntermediatesAndSignature()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08");
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", "20150830T123600Z");

        var result = SigV4Signer.Compute(request, [], SecretKey, "us-east-1", "iam", "20150830T123600Z");

        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(SigV4Signer.SigningKey(SecretKey, "20150830", "us-east-1", "iam")));
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
            result.StringToSign);
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", result.Signature);
    }

    [Fact]
    public void Compute_BedrockModelIdWithColon_CanonicalUriEncodesThePathAgain()
    {
        // The wire path carries %3A (model ids end in ":0"); AWS verifies against the path encoded once more.
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse-stream");
        request.Content = new ByteArrayContent("{}"u8.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        SigV4Signer.Sign(request, "{}"u8, AccessKey, SecretKey, null, "us-east-1", "bedrock", SuiteTime);
        var result = SigV4Signer.Compute(request, "{}"u8, SecretKey, "us-east-1", "bedrock", "20150830T123600Z");

        var lines = result.CanonicalRequest.Split('\n');
        Assert.Equal("POST", lines[0]);
        Assert.Equal("/model/us.amazon.nova-micro-v1%253A0/converse-stream", lines[1]);
        Assert.Equal("content-type:application/json", lines[3]);
        Assert.Equal("host:bedrock-runtime.us-east-1.amazonaws.com", lines[4]);
        Assert.Equal("content-type;host;x-amz-date", result.SignedHeaders);
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", lines[^1]); // sha256 of the body "{}"
        Assert.Equal("/model/us.amazon.nova-micro-v1%3A0/converse-stream", request.RequestUri!.AbsolutePath);
        Assert.Contains("Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request", Single(request, "Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalUri_S3_PathLeftAsSent()
    {
        Assert.Equal("/bucket/a%3Ab", SigV4Signer.CanonicalUri("/bucket/a%3Ab", "s3"));
        Assert.Equal("/bucket/a%253Ab", SigV4Signer.CanonicalUri("/bucket/a%3Ab", "bedrock"));
        Assert.Equal("/", SigV4Signer.CanonicalUri("", "bedrock"));
    }

    [Fact]
    public void CanonicalQuery_ReservedCharactersAndBareNames_StrictlyEncodedAndSorted()
    {
        Assert.Equal("a=&b=x%2B&b=x%2Fy%20z", SigV4Signer.CanonicalQuery("?b=x%2B&b=x/y%20z&a"));
    }

    [Fact]
    public void Sign_SignedTwice_ReplacesEarlierSignatureAndToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        SigV4Signer.Sign(request, [], AccessKey, SecretKey, "old-token", "us-east-1", "service", SuiteTime.AddDays(-1));

        SigV4Signer.Sign(request, [], AccessKey, SecretKey, null, "us-east-1", "service", SuiteTime);

        Assert.EndsWith("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Single(request, "Authorization"), StringComparison.Ordinal);
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
    }

    private static string Single(HttpRequestMessage request, string header)
    {
        Assert.True(request.Headers.NonValidated.TryGetValues(header, out var values), header + " missing");
        return Assert.Single(values);
    }
}
