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
}
