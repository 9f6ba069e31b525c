using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Core.Providers.AmazonBedrock;

/// <summary>
/// AWS Signature Version 4 for header-signed requests (Bedrock runtime, service <c>bedrock</c>). Signs host,
/// <c>x-amz-date</c>, <c>x-amz-security-token</c> (with temporary credentials), <c>content-type</c> and any other
/// <c>x-amz-*</c> header already on the request, over the SHA-256 of the exact body bytes that will be sent.
/// </summary>
/// <remarks>
/// The canonical URI is the request's (already percent-encoded) path encoded once more, segment by segment, as
/// every service but S3 requires: Bedrock model ids carry ':' (<c>…-v1:0</c>), sent as <c>%3A</c> and signed as
/// <c>%253A</c>. Dot segments and repeated slashes are not normalised (Bedrock paths never have them).
/// No <c>x-amz-content-sha256</c> header is added: only S3 requires it.
/// </remarks>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (when <paramref name="sessionToken"/> is set) and
    /// <c>Authorization</c> to <paramref name="request"/>, replacing earlier ones so a retried request can be
    /// signed again.
    /// </summary>
    /// <param name="body">The exact bytes of the request body (empty for none).</param>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, string accessKey, string secretKey, string? sessionToken, string region, string service, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var headers = request.Headers;
        headers.Remove("Authorization");
        headers.Remove("X-Amz-Date");
        headers.Remove("X-Amz-Security-Token");
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (!string.IsNullOrEmpty(sessionToken))
        {
            headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }

        var signature = Compute(request, body, secretKey, region, service, amzDate);
        headers.TryAddWithoutValidation(
            "Authorization",
            $"{Algorithm} Credential={accessKey}/{signature.Scope}, SignedHeaders={signature.SignedHeaders}, Signature={signature.Signature}");
    }

    /// <summary>The intermediate values of one signature (exposed for tests against the published vectors).</summary>
    internal readonly record struct SigV4Result(string CanonicalRequest, string StringToSign, string Scope, string SignedHeaders, string Signature);

    internal static SigV4Result Compute(HttpRequestMessage request, ReadOnlySpan<byte> body, string secretKey, string region, string service, string amzDate)
    {
        var uri = request.RequestUri!;
        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(request);
        var canonicalRequest = string.Join(
            '\n',
            request.Method.Method,
            CanonicalUri(uri.AbsolutePath, service),
            CanonicalQuery(uri.Query),
            canonicalHeaders,
            signedHeaders,
            Hex(SHA256.HashData(body)));

        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = SigningKey(secretKey, date, region, service);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return new SigV4Result(canonicalRequest, stringToSign, scope, signedHeaders, signature);
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    internal static byte[] SigningKey(string secretKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>
    /// The canonical URI of an already-encoded <paramref name="escapedPath"/>: unchanged for S3, every segment
    /// encoded again for the other services.
    /// </summary>
    internal static string CanonicalUri(string escapedPath, string service)
    {
        if (escapedPath.Length == 0)
        {
            return "/";
        }

        if (string.Equals(service, "s3", StringComparison.Ordinal))
        {
            return escapedPath;
        }

        var segments = escapedPath.Split('/');
        var builder = new StringBuilder(escapedPath.Length + 16);
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('/');
            }

            UriEncode(segments[i], builder);
        }

        return builder.ToString();
    }

    /// <summary>Query parameters decoded, re-encoded strictly, sorted by name then value; <c>name=</c> for a bare name.</summary>
    internal static string CanonicalQuery(string query)
    {
        var text = query.StartsWith('?') ? query[1..] : query;
        if (text.Length == 0)
        {
            return "";
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var part in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((Encode(Uri.UnescapeDataString(name)), Encode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('&');
            }

            builder.Append(pairs[i].Name).Append('=').Append(pairs[i].Value);
        }

        return builder.ToString();
    }

    private static (string Canonical, string Signed) CanonicalHeaders(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.Headers.Host ?? uri.Authority,
        };

        foreach (var header in request.Headers.NonValidated)
        {
            var name = header.Key.ToLowerInvariant();
            if (name.StartsWith("x-amz-", StringComparison.Ordinal))
            {
                headers[name] = Normalize(header.Value);
            }
        }

        if (request.Content is not null && request.Content.Headers.NonValidated.TryGetValues("Content-Type", out var contentType))
        {
            headers["content-type"] = Normalize(contentType);
        }

        var canonical = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        return (canonical.ToString(), string.Join(';', headers.Keys));
    }

    /// <summary>Values joined with ',', trimmed, inner runs of spaces collapsed to one.</summary>
    private static string Normalize(HeaderStringValues values)
    {
        var builder = new StringBuilder();
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            var previousSpace = false;
            foreach (var c in value.AsSpan().Trim())
            {
                if (c == ' ' && previousSpace)
                {
                    continue;
                }

                previousSpace = c == ' ';
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        UriEncode(value, builder);
        return builder.ToString();
    }

    /// <summary>RFC 3986 encoding of everything but unreserved characters, uppercase hex, UTF-8.</summary>
    private static void UriEncode(string value, StringBuilder builder)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                builder.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            for (var j = 0; j < length; j++)
            {
                builder.Append('%').Append(utf8[j].ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
