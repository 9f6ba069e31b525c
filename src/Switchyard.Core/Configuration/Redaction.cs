using System.Text;

namespace Switchyard.Core.Configuration;

/// <summary>
/// How config values that may carry secrets are printed (records' <c>ToString</c>, logs, exception text): keys and
/// credentials never, not even in part; URLs without their user info and query (where tokens ride).
/// </summary>
public static class Redaction
{
    /// <summary>Printed in place of a secret.</summary>
    public const string Redacted = "<redacted>";

    /// <summary><see cref="Redacted"/> for a set value, null for none (so "not configured" still shows).</summary>
    public static string? Secret(string? value) => value is null ? null : Redacted;

    /// <summary>The URL without user info or query; <see cref="Redacted"/> when it cannot be parsed but may hold either.</summary>
    public static string? Url(string? url)
    {
        if (url is null)
        {
            return null;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return Url(uri);
        }

        return url.Contains('@', StringComparison.Ordinal) || url.Contains('?', StringComparison.Ordinal) ? Redacted : url;
    }

    /// <inheritdoc cref="Url(string?)"/>
    public static string? Url(Uri? uri)
    {
        if (uri is null)
        {
            return null;
        }

        if (!uri.IsAbsoluteUri)
        {
            return uri.OriginalString.Contains('?', StringComparison.Ordinal) || uri.OriginalString.Contains('@', StringComparison.Ordinal)
                ? Redacted
                : uri.OriginalString;
        }

        if (uri.UserInfo.Length == 0 && uri.Query.Length == 0)
        {
            return uri.OriginalString;
        }

        var text = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return (uri.UserInfo.Length > 0 ? text.Replace("://", "://" + Redacted + "@", StringComparison.Ordinal) : text)
            + (uri.Query.Length > 0 ? "?" + Redacted : "");
    }

    /// <summary>Appends <c>Name = value, </c> in the records' <c>PrintMembers</c> style (null printed as empty).</summary>
    internal static StringBuilder Member(this StringBuilder builder, string name, object? value, bool first = false)
    {
        if (!first)
        {
            builder.Append(", ");
        }

        return builder.Append(name).Append(" = ").Append(value);
    }

    /// <summary>Header names with every value redacted: <c>{ x-api-key = &lt;redacted&gt; }</c>.</summary>
    internal static string Headers(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.Count == 0)
        {
            return "{ }";
        }

        var sb = new StringBuilder("{ ");
        var first = true;
        foreach (var name in headers.Keys)
        {
            sb.Member(name, Redacted, first);
            first = false;
        }

        return sb.Append(" }").ToString();
    }
}
