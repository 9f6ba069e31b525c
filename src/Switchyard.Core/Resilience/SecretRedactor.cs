using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Makes upstream text safe to log: the credentials the request carried are replaced wherever they appear, and so
/// is anything shaped like a provider key (<c>sk-…</c>, <c>AIza…</c>), since upstreams quote keys back in their errors.
/// </summary>
internal static partial class SecretRedactor
{
    private const int MaxLength = 2048;
    private static readonly string[] CredentialHeaders = ["Authorization", "x-api-key", "api-key", "x-goog-api-key"];

    /// <summary>Upstream text for a log line: at most 2 KiB, one line, credentials and key-shaped tokens replaced.</summary>
    public static string Redact(ReadOnlySpan<byte> body, HttpRequestMessage? sent)
        => Redact(Encoding.UTF8.GetString(body.Length > MaxLength ? body[..MaxLength] : body).ReplaceLineEndings(" "), sent);

    /// <summary>Text with the credentials <paramref name="sent"/> carried, and key-shaped tokens, replaced.</summary>
    public static string Redact(string text, HttpRequestMessage? sent)
    {
        foreach (var secret in Credentials(sent))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return KeyShaped().Replace(text, m => m.Value[..Math.Min(3, m.Value.Length)] + "***");
    }

    /// <summary>
    /// An upstream error body to relay: unchanged (the same bytes) unless it quotes a credential the request carried,
    /// which is then replaced — the client must never read the operator's key.
    /// </summary>
    public static byte[] RedactBody(byte[] body, HttpRequestMessage? sent)
    {
        foreach (var secret in Credentials(sent))
        {
            if (body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0)
            {
                return Encoding.UTF8.GetBytes(Redact(Encoding.UTF8.GetString(body), sent));
            }
        }

        return body;
    }

    private static IEnumerable<string> Credentials(HttpRequestMessage? sent)
    {
        if (sent is null)
        {
            yield break;
        }

        foreach (var name in CredentialHeaders)
        {
            if (!sent.Headers.TryGetValues(name, out var values))
            {
                continue;
            }

            foreach (var value in values)
            {
                var secret = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : value.Trim();
                if (secret.Length >= 4)
                {
                    yield return secret;
                }
            }
        }
    }

    [GeneratedRegex(@"\b(?:sk|pk|rk|gsk|xai)-[A-Za-z0-9_\-\*]{6,}|\bAIza[0-9A-Za-z_\-]{10,}")]
    private static partial Regex KeyShaped();
}
