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

    public static string Redact(ReadOnlySpan<byte> body, HttpRequestMessage? sent)
    {
        var text = Encoding.UTF8.GetString(body.Length > MaxLength ? body[..MaxLength] : body).ReplaceLineEndings(" ");
        if (sent is not null)
        {
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
                        text = text.Replace(secret, "***", StringComparison.Ordinal);
                    }
                }
            }
        }

        return KeyShaped().Replace(text, m => m.Value[..Math.Min(3, m.Value.Length)] + "***");
    }

    [GeneratedRegex(@"\b(?:sk|pk|rk|gsk|xai)-[A-Za-z0-9_\-\*]{6,}|\bAIza[0-9A-Za-z_\-]{10,}")]
    private static partial Regex KeyShaped();
}
