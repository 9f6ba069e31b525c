using Microsoft.AspNetCore.Http;

namespace Switchyard.Core.Pipeline;

/// <summary>The caller's provider credential, as OpenAI (<c>Authorization: Bearer</c>) or Anthropic (<c>x-api-key</c>) clients send it.</summary>
public static class ClientCredentials
{
    public static string? From(IHeaderDictionary headers)
    {
        var auth = headers.Authorization;
        if (auth.Count > 0)
        {
            var value = auth[0];
            if (value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                var token = value[7..].Trim();
                return token.Length > 0 ? token : null;
            }
        }

        if (headers.TryGetValue("x-api-key", out var key) && key.Count > 0 && !string.IsNullOrWhiteSpace(key[0]))
        {
            return key[0];
        }

        return headers.TryGetValue("api-key", out var azure) && azure.Count > 0 && !string.IsNullOrWhiteSpace(azure[0]) ? azure[0] : null;
    }
}
