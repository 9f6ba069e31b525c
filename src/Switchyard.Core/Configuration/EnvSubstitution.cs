using System.Text;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Expands <c>$VAR</c>, <c>${VAR}</c> and <c>${VAR:-default}</c> in one scalar; <c>$$</c> is a literal <c>$</c>.
/// Applied per scalar (not to the raw text) so every diagnostic keeps the line and config path of its value.
/// </summary>
internal static class EnvSubstitution
{
    /// <summary>
    /// Returns the expanded value; each malformed reference is appended to <paramref name="errors"/>, and the name of
    /// each variable that is not set (and has no default) to <paramref name="unset"/>; it expands to nothing.
    /// </summary>
    public static string Expand(string value, Func<string, string?> env, List<string> errors, List<string> unset)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '$' || i + 1 >= value.Length)
            {
                sb.Append(c);
                continue;
            }

            var next = value[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '{')
            {
                var close = value.IndexOf('}', i + 2);
                if (close < 0)
                {
                    errors.Add($"unterminated '${{' in '{value}'");
                    sb.Append(value, i, value.Length - i);
                    break;
                }

                ExpandBraced(value[(i + 2)..close], env, errors, unset, sb);
                i = close;
            }
            else if (IsNameStart(next))
            {
                var end = i + 1;
                while (end < value.Length && IsNameChar(value[end]))
                {
                    end++;
                }

                var name = value[(i + 1)..end];
                var resolved = env(name);
                if (resolved is null)
                {
                    unset.Add(name);
                }
                else
                {
                    sb.Append(resolved);
                }

                i = end - 1;
            }
            else
            {
                // A '$' not followed by a name (e.g. "$5") is kept as written: prices and regexes stay usable.
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static void ExpandBraced(string body, Func<string, string?> env, List<string> errors, List<string> unset, StringBuilder sb)
    {
        var sep = body.IndexOf(":-", StringComparison.Ordinal);
        var name = sep >= 0 ? body[..sep] : body;
        var fallback = sep >= 0 ? body[(sep + 2)..] : null;
        if (!IsName(name))
        {
            errors.Add($"invalid variable reference '${{{body}}}' (names are [A-Za-z_][A-Za-z0-9_]*)");
            return;
        }

        var resolved = env(name);
        if (fallback is not null && string.IsNullOrEmpty(resolved))
        {
            // Shell semantics: ":-" also covers a variable that is set but empty.
            sb.Append(fallback);
        }
        else if (resolved is null)
        {
            unset.Add(name);
        }
        else
        {
            sb.Append(resolved);
        }
    }

    private static bool IsName(string s)
    {
        if (s.Length == 0 || !IsNameStart(s[0]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNameStart(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';
}
