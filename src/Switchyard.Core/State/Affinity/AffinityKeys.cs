using System.Text;
using Switchyard.Core.Ir;

namespace Switchyard.Core.State.Affinity;

/// <summary>
/// Builds affinity keys in Plano's Redis layout, <c>plano:affinity:{tenant:}{id}</c>: <c>plano:affinity:abc</c>
/// without a tenant, <c>plano:affinity:acme:abc</c> with tenant <c>acme</c> (from <c>session_cache.tenant_header</c>).
/// Every backend uses these keys, so one session id under two tenants never shares a pin. Like Plano, the parts
/// are not escaped (tenant <c>a:b</c> + id <c>c</c> equals tenant <c>a</c> + id <c>b:c</c>); tenants are operator
/// controlled, so that is accepted for Redis compatibility.
/// </summary>
public static class AffinityKeys
{
    /// <summary>The fixed key prefix.</summary>
    public const string Prefix = "plano:affinity:";

    /// <summary>The longest session id or tenant accepted, bounding memory per entry whatever clients send.</summary>
    public const int MaxPartLength = 256;

    /// <summary>
    /// Builds the key for <paramref name="sessionId"/> under <paramref name="tenant"/> (null or empty: no tenant).
    /// False when the id is empty or whitespace, or either part is too long or holds control characters — the
    /// caller then routes without affinity.
    /// </summary>
    public static bool TryBuild(string? sessionId, string? tenant, out string key)
    {
        key = "";
        if (string.IsNullOrWhiteSpace(sessionId) || !IsValidPart(sessionId))
        {
            return false;
        }

        if (string.IsNullOrEmpty(tenant))
        {
            key = Prefix + sessionId;
            return true;
        }

        if (!IsValidPart(tenant))
        {
            return false;
        }

        key = string.Concat(Prefix, tenant, ":", sessionId);
        return true;
    }

    private static bool IsValidPart(string part)
    {
        if (part.Length > MaxPartLength)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Prefix of session ids derived from the conversation (never sent by clients as such; Plano's spelling).</summary>
    public const string ImplicitPrefix = "implicit:";

    /// <summary>
    /// A session id for a request without <c>X-Model-Affinity</c> (used by <c>routing.route_on_user_only</c>): a
    /// salted FNV-1a hash of the conversation's head — every turn up to and including the first user message — which
    /// stays the same as the conversation grows at its tail. Only the hash is kept, never prompt text. Null when there
    /// is no user message to anchor on.
    /// </summary>
    public static string? ImplicitSessionId(IReadOnlyList<IrMessage> messages)
    {
        const ulong Prime = 0x0000_0100_0000_01b3;
        var hash = 0xcbf2_9ce4_8422_2325UL;
        void Feed(string text)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                hash = (hash ^ b) * Prime;
            }

            // Field separator: ("ab", "c") and ("a", "bc") differ.
            hash = (hash ^ 0x1f) * Prime;
        }

        Feed("switchyard-affinity-v1");
        foreach (var message in messages)
        {
            Feed(message.Role.Value);
            foreach (var part in message.Parts)
            {
                Feed(part switch
                {
                    IrTextPart t => t.Text,
                    IrImagePart i => i.Url ?? i.Base64 ?? "",
                    IrToolCallPart c => c.Name + c.ArgumentsJson,
                    _ => part.GetType().Name,
                });
            }

            if (message.Role == IrRole.User)
            {
                return ImplicitPrefix + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
